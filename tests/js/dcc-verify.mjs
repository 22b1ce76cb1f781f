// Verifies one JSON-LD credential with the Digital Credentials Consortium's verifier (the one behind the
// Learner Credential Wallet and VerifierPlus), with no network: every HTTP(S) request the verifier makes
// (our did:web DID document, the status lists, the OB 3.0 schema) is answered from the JSON file given
// on the command line, and any other URL fails as unreachable.
//
// Usage: node tests/js/dcc-verify.mjs input.json
//   input.json: {"credential": {...}, "documents": {"https://host/.well-known/did.json": {...}, ...}}
// Prints JSON: {"result": <verifier-core's answer>, "statuses": [{"purpose", "set"}], "errors": [...]}.
import { readFileSync } from 'node:fs';

const { credential, documents } = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const asked = [];

globalThis.fetch = async (input) => {
  const url = typeof input === 'string' ? input : input.url;
  asked.push(url);
  if (!(url in documents)) {
    throw new TypeError(`fetch failed: no network in the test (${url})`);
  }
  return new Response(JSON.stringify(documents[url]), {
    status: 200,
    headers: { 'content-type': 'application/json' },
  });
};

// Imported after fetch is replaced, so the verifier's HTTP client can only reach the stub.
const { verifyCredential } = await import('@digitalcredentials/verifier-core');
const { securityLoader } = await import('@digitalcredentials/security-document-loader');
const { checkStatus } = await import('@digitalcredentials/vc-bitstring-status-list');
const { DataIntegrityProof } = await import('@digitalcredentials/data-integrity');
const { cryptosuite } = await import('@digitalcredentials/eddsa-rdfc-2022-cryptosuite');

const result = await verifyCredential({ credential, knownDIDRegistries: [] });

// verifier-core reports one "revocation_status" step for all entries; the DCC's status list library
// (which verifier-core uses underneath) says which entry's bit is set, so the test can tell revoked
// from suspended.
const statuses = [];
const entries = [].concat(credential.credentialStatus ?? []);
for (const entry of entries) {
  const single = await checkStatus({
    credential: { ...credential, credentialStatus: entry },
    documentLoader: securityLoader({ fetchRemoteContexts: true }).build(),
    suite: new DataIntegrityProof({ cryptosuite }),
    verifyBitstringStatusListCredential: true,
    verifyMatchingIssuers: true,
  });
  statuses.push({
    purpose: entry.statusPurpose,
    set: single.verified === false && !single.error,
    error: single.error ? String(single.error.message) : null,
  });
}
process.stdout.write(JSON.stringify({ result, statuses, asked }, (k, v) => (k === 'stackTrace' ? undefined : v)));
