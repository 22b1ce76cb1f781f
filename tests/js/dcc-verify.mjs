// Verifies one JSON-LD credential with the Digital Credentials Consortium's verifier (the one behind the
// Learner Credential Wallet and VerifierPlus), with no network: every HTTP(S) request the verifier makes
// (our did:web DID document, the status lists, the OB 3.0 schema) is answered from the JSON file given
// on the command line, and any other URL fails as unreachable.
//
// Usage: node tests/js/dcc-verify.mjs input.json
//   input.json: {"credential": {...}, "documents": {"https://host/.well-known/did.json": {...}, ...}}
// Prints JSON: {"result": <verifier-core's answer>, "asked": [every URL it fetched]}.
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
const result = await verifyCredential({ credential, knownDIDRegistries: [] });

process.stdout.write(JSON.stringify({ result, asked }, (k, v) => (k === 'stackTrace' ? undefined : v)));
