// npm run openapi: writes openapi.json (committed; tests/server/contract.test.ts fails when it
// differs from what the contract generates, so a changed or broken API shows in review and CI).
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openApiDocument } from './openapi.ts';

export const OPENAPI_FILE = fileURLToPath(new URL('../../openapi.json', import.meta.url));
export const openApiText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  fs.writeFileSync(OPENAPI_FILE, openApiText());
  console.log(`wrote ${OPENAPI_FILE}`);
}
