// A real server for browser tests: embedded PGlite (the zero-setup default), Beijing's geography,
// the taxonomy, a small demo and the demo accounts, serving the built dashboard on a free port.
import { openDatabase, type Database } from '../../db/client.ts';
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

export async function startTestServer(opts: { tickets?: number } = {}): Promise<RunningServer> {
  const db = await openDatabase({ databaseUrl: '', pgliteDir: 'memory://' });
  await loadBeijing(db);
  await seedTaxonomy(db);
  await loadBeijingZones(db);
  await generateDemo(db, { tickets: opts.tickets ?? E2E_DEMO_TICKETS, seed: E2E_DEMO_SEED, now: new Date() });
  // one account per role with known passwords (server/auth/demoAccounts.ts), as `npm start` makes them
  await ensureDemoAccounts(db);
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
