// Vitest global setup: make sure dist/ holds a build of the current web sources, so browser
// tests load the same bundle the server ships; and build the browser tests' database once
// (Beijing + demo + accounts in PGlite), dumped to a file every browser test file starts from.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureWebBuilt } from '../../server/webBuild.ts';
import { writeE2EDatabaseDump } from '../helpers/testServer.ts';

export default async function setup(): Promise<() => void> {
  const t0 = Date.now();
  const dump = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-e2e-')), 'e2e-db.tar');
  await Promise.all([
    ensureWebBuilt((msg) => console.log(`[e2e] ${msg}`)).then(() =>
      console.log(`[e2e] dist/ current (${Date.now() - t0} ms)`),
    ),
    writeE2EDatabaseDump(dump).then(() => console.log(`[e2e] test database dumped (${Date.now() - t0} ms)`)),
  ]);
  // Inherited by the test workers, which are started after this.
  process.env.E2E_DB_DUMP = dump;
  return () => fs.rmSync(path.dirname(dump), { recursive: true, force: true });
}
