// A real server for browser tests: embedded PGlite (the zero-setup default), a city package
// imported as `npm start` imports it (Beijing unless told otherwise), a small demo and the demo
// accounts, serving the built dashboard on a free port.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../../db/client.ts';
import { compactPgliteDump } from './pgliteDump.ts';
import { openMigratedPglite } from './engines.ts';
import { formatProblems, importCityPackage } from '../../data/city/import.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { plantGovernanceDemo } from '../../data/demo/governance.ts';
import { createApp } from '../../server/app.ts';
import { ensureCityBasemap } from '../../server/basemap/build.ts';
import { activateCity, activeCity } from '../../server/city.ts';
import { listen } from '../../server/listen.ts';
import { DIST_DIR } from '../../server/webBuild.ts';
import { ensureDemoAccounts } from '../../server/auth/demoAccounts.ts';

export interface RunningServer {
  url: string;
  db: Database;
  stop(): Promise<void>;
}

// 25 months of demo at about the density the browser tests were written on (1,600 a month): the
// queues near "now" (overdue, reminded, returned) are never empty by chance of the hour.
export const E2E_DEMO_TICKETS = 40_000;
export const E2E_DEMO_SEED = 7;

const CITIES_DIR = fileURLToPath(new URL('../../data/cities/', import.meta.url));
/** The packages in data/cities/ browser tests run on. */
export const cityDir = (code: 'beijing' | 'nyc'): string => path.join(CITIES_DIR, code);

export interface E2ECityOptions {
  /** a city package folder; default Beijing's */
  city?: string;
  tickets?: number;
  seed?: number;
}

/**
 * A city package, `tickets` demo tickets ending now and the demo accounts, in PGlite. A city
 * other than the demo's own gets the accounts without a jurisdiction (admin, dispatcher, planner)
 * and the wall's kiosk token: the officials' demo accounts name Beijing's regions.
 */
async function buildE2EDatabase(opts: E2ECityOptions = {}): Promise<Database> {
  const db = await openMigratedPglite();
  const report = await importCityPackage(db, opts.city ?? cityDir('beijing'));
  if (!report.ok)
    throw new Error(`city package ${opts.city}: ${formatProblems(report.problems).slice(0, 5).join('; ')}`);
  await activateCity(db);
  await generateDemo(db, {
    tickets: opts.tickets ?? E2E_DEMO_TICKETS,
    seed: opts.seed ?? E2E_DEMO_SEED,
    now: new Date(),
  });
  await plantGovernanceDemo(db);
  // one account per role with known passwords (server/auth/demoAccounts.ts), as `npm start` makes them
  await ensureDemoAccounts(db);
  return db;
}

/**
 * The browser tests' database. Building it costs ~15 s; the global set-up builds Beijing's once
 * per run and dumps it to E2E_DB_DUMP (tests/e2e/globalSetup.ts), which every browser test file
 * loads in ~3 s. The demo then ends when the run started, not when the file starts. The city it
 * holds is made the server's (its zone, policy; /api/config's city), as `npm start` does.
 */
export async function openE2EDatabase(tickets = E2E_DEMO_TICKETS): Promise<Database> {
  const dump = process.env.E2E_DB_DUMP;
  const db =
    tickets === E2E_DEMO_TICKETS && dump && fs.existsSync(dump)
      ? await openDatabase({
          databaseUrl: '',
          pgliteDir: 'memory://',
          pgliteLoadDataDir: new Blob([fs.readFileSync(dump)]),
          migrate: false, // built by this run's global set-up from the same migrations
        })
      : await buildE2EDatabase({ tickets });
  await activateCity(db);
  return db;
}

/** Build the browser tests' database and write its dump to `file`. */
export async function writeE2EDatabaseDump(file: string): Promise<void> {
  const db = await buildE2EDatabase();
  try {
    fs.writeFileSync(file, await compactPgliteDump(db));
  } finally {
    await db.close();
  }
}

/** The base map cut from the city's boundaries, as `npm start` serves it; cached by geography. */
const BASEMAP_DIR = path.join(os.tmpdir(), 'hotline-e2e-basemap');

async function serve(db: Database): Promise<RunningServer> {
  const { file: basemapFile } = await ensureCityBasemap(db, BASEMAP_DIR, activeCity()?.code ?? 'city');
  const app = createApp({ db, staticDir: DIST_DIR, basemapFile });
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

export async function startTestServer(opts: { tickets?: number } = {}): Promise<RunningServer> {
  return serve(await openE2EDatabase(opts.tickets));
}

/** A server on another city package (built for the file, not from the shared dump). */
export async function startCityTestServer(opts: E2ECityOptions & { city: string }): Promise<RunningServer> {
  return serve(await buildE2EDatabase(opts));
}
