// Pure tests only (`npm run test:unit`): every test file that opens no database, starts no server
// and drives no browser. Chosen by what a file imports, so a new pure test joins by itself.
import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

const root = new URL('..', import.meta.url).pathname;
// A pure file that is too slow for daily work (a calibration run, a full geography build) says
// `// test:full-only` and runs only in `npm test`.
const FULL_ONLY = /^\/\/ test:full-only/m;
const IMPURE =
  /helpers\/(engines|testServer|pgInstance)|db\/client|e2e\/|@electric-sql|from 'pg'|node:child_process|demo\/index|data\/city\/(import|stored)/;

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'e2e' || e.name === 'bench' ? [] : testFiles(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

export const unitFiles = testFiles(path.join(root, 'tests'))
  .filter((f) => {
    const src = fs.readFileSync(f, 'utf8');
    return !IMPURE.test(src) && !FULL_ONLY.test(src);
  })
  .map((f) => path.relative(root, f));

export default defineConfig({
  test: { ...base.test, globalSetup: [], include: unitFiles },
});
