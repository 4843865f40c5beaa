// A real server for browser tests: embedded PGlite (the zero-setup default), Beijing's geography,
// the taxonomy, a small demo and the demo accounts, serving the built dashboard on a free port.
import fs from 'node:fs';
import { dumpPglite, openDatabase, type Database } from '../../db/client.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { seedTaxonomy } from '../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../data/zones/importer.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { createApp } from '../../server/app.ts';
import { listen } from '../../server/listen.ts';
import { DIST_DIR } from '../../server/webBuild.ts';
import { ensureDemoAccounts } from '../../server/auth/demoAccounts.ts';

export interface RunningServer {
  url: string;
  db: Database;
  stop(): Promise<void>;
}

export const E2E_DEMO_TICKETS = 20_000;
export const E2E_DEMO_SEED = 7;

/** Beijing, the taxonomy, zones, `tickets` demo tickets ending now, and the demo accounts, in PGlite. */
async function buildE2EDatabase(tickets: number): Promise<Database> {
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  await loadBeijing(db);
  await seedTaxonomy(db);
  await loadBeijingZones(db);
  await generateDemo(db, { tickets, seed: E2E_DEMO_SEED, now: new Date() });
  // one account per role with known passwords (server/auth/demoAccounts.ts), as `npm start` makes them
  await ensureDemoAccounts(db);
  return db;
}

/**
 * The browser tests' database. Building it costs ~15 s; the global set-up builds it once per run
 * and dumps it to E2E_DB_DUMP (tests/e2e/globalSetup.ts), which every browser test file loads
 * in ~3 s. The demo then ends when the run started, not when the file starts.
 */
export async function openE2EDatabase(tickets = E2E_DEMO_TICKETS): Promise<Database> {
  const dump = process.env.E2E_DB_DUMP;
  if (tickets === E2E_DEMO_TICKETS && dump && fs.existsSync(dump)) {
    return openDatabase({ databaseUrl: '', pgliteDir: 'memory://', pgliteLoadDataDir: new Blob([fs.readFileSync(dump)]) });
  }
  return buildE2EDatabase(tickets);
}

/** Build the browser tests' database and write its dump to `file`. */
export async function writeE2EDatabaseDump(file: string): Promise<void> {
  const db = await buildE2EDatabase(E2E_DEMO_TICKETS);
  try {
    fs.writeFileSync(file, Buffer.from(await (await dumpPglite(db)).arrayBuffer()));
  } finally {
    await db.close();
  }
}

export async function startTestServer(opts: { tickets?: number } = {}): Promise<RunningServer> {
  const db = await openE2EDatabase(opts.tickets);
  const app = createApp({ db, staticDir: DIST_DIR });
  const server = await listen(app, 0);
  return {
    url: server.url,
    db,
    async stop() {
      await server.close();
      await db.close();
    },
  };
}
