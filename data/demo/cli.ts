// npm run demo -- [--city DIR] --tickets N --seed S [--now 2025-11-20T10:00:00+08:00] [--replace]
// Generates the demo year into DATABASE_URL (PostgreSQL) or the embedded PGlite folder, for the city
// the database holds: its regions, taxonomy, zone, policy and the package's demo.json. Imports the
// city package in DIR first (default: the bundled Beijing package) only when the database has no
// streets yet.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { CITY_META_KEY } from '../city/stored.ts';
import { DEFAULT_DEMO_SEED, DEFAULT_DEMO_TICKETS, generateDemo } from './load.ts';
import { CITIES_DIR, readDemoProfile } from './profile.ts';
import { terminalProgress } from './progress.ts';
import { seedFromString } from './random.ts';

const MAX_TICKETS = 10_000_000;
const DEFAULT_CITY_DIR = path.relative(process.cwd(), path.join(CITIES_DIR, 'beijing')) || '.';

const { values } = parseArgs({
  options: {
    city: { type: 'string' },
    tickets: { type: 'string', default: String(DEFAULT_DEMO_TICKETS) },
    seed: { type: 'string', default: String(DEFAULT_DEMO_SEED) },
    now: { type: 'string' },
    replace: { type: 'boolean', default: false },
    'pglite-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run demo -- [--city DIR] [--tickets N] [--seed S] [--now ISO-8601] [--replace] [--pglite-dir DIR]
  --city      city package folder, imported first only if the database has no streets (default ${DEFAULT_CITY_DIR});
              its demo.json shapes the year (categories, seasons, channels, language)
  --tickets   how many tickets (default ${DEFAULT_DEMO_TICKETS.toLocaleString('en')}; up to ${MAX_TICKETS.toLocaleString('en')} on PostgreSQL)
  --seed      integer or word; the same seed gives the same tickets (default ${DEFAULT_DEMO_SEED})
  --now       end of the data (default: the current time)
  --replace   empty the ticket tables first
Uses DATABASE_URL when set, else embedded PGlite (PGLITE_DIR or .data/pglite).`);
  process.exit(0);
}

const tickets = Number(values.tickets.replace(/[_,]/g, ''));
if (!Number.isInteger(tickets) || tickets < 1 || tickets > MAX_TICKETS) {
  console.error(`--tickets must be an integer from 1 to ${MAX_TICKETS.toLocaleString('en')}`);
  process.exit(2);
}
const seed = /^\d+$/.test(values.seed) ? Number(values.seed) >>> 0 : seedFromString(values.seed);
const now = values.now ? new Date(values.now) : new Date();
if (Number.isNaN(now.getTime())) {
  console.error(`--now is not a date: ${values.now}`);
  process.exit(2);
}
const cityArg = values.city ?? DEFAULT_CITY_DIR;
const cityDir = path.resolve(cityArg);
if (!fs.existsSync(path.join(cityDir, 'city.json'))) {
  console.error(
    `--city ${cityArg}: no city.json there (a city package is a folder with city.json; see data/README.md)`,
  );
  process.exit(2);
}
const cityCode = (JSON.parse(fs.readFileSync(path.join(cityDir, 'city.json'), 'utf8')) as { code?: string }).code;

const db = await openDatabase({ pgliteDir: values['pglite-dir'] });
try {
  if (db.engine === 'pglite' && tickets > 1_000_000)
    console.error(
      `warning: ${tickets.toLocaleString('en')} tickets on embedded PGlite will be slow and large; set DATABASE_URL for PostgreSQL`,
    );
  const streets = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE level = 'street'`);
  if (streets[0].n === 0) {
    console.error(`no streets in this database: importing the city package ${cityArg}…`);
    const { importCityPackage, formatProblems } = await import('../city/import.ts');
    const report = await importCityPackage(db, cityDir);
    if (!report.ok) {
      for (const line of formatProblems(report.problems)) console.error(`  ${line}`);
      console.error(`the city package ${cityArg} was not imported (nothing written)`);
      process.exitCode = 1;
      throw new Error('city package refused');
    }
    console.error(
      `imported ${report.city}: ${report.counts.district} districts, ${report.counts.street} streets, ${report.counts.grid} grid cells, ${report.counts.categories} categories`,
    );
  }
  // The database's city decides; the package folder only adds its demo.json when it is that city.
  const stored = await db.query<{ value: { manifest?: { code?: string } } | string }>(
    `SELECT value FROM meta WHERE key = $1`,
    [CITY_META_KEY],
  );
  const v = stored[0]?.value;
  const storedCode =
    (typeof v === 'string' ? (JSON.parse(v) as { manifest?: { code?: string } }) : v)?.manifest?.code ?? null;
  if (values.city !== undefined && storedCode !== null && storedCode !== cityCode) {
    console.error(
      `this database holds the city '${storedCode}', not '${cityCode}' (${cityArg}): import that package into an empty database, or leave out --city`,
    );
    process.exitCode = 2;
    throw new Error('another city');
  }
  // An explicit --city lends its demo.json; otherwise the stored city's package decides (load.ts).
  const profile = values.city !== undefined ? readDemoProfile(cityDir) : undefined;
  console.error(
    `generating ${tickets.toLocaleString('en')} tickets (seed ${seed}, ending ${now.toISOString()}) on ${db.engine}`,
  );
  const summary = await generateDemo(db, {
    tickets,
    seed,
    now,
    replace: values.replace,
    onProgress: terminalProgress(),
    ...(profile !== undefined ? { profile } : {}),
  });
  for (const w of summary.warnings) console.error(`warning: demo profile: ${w}`);
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.error(
    `wrote ${summary.tickets.toLocaleString('en')} tickets for ${summary.city ?? 'the stored regions'} (${summary.timeZone}), ${summary.events.toLocaleString('en')} events, ${summary.dispatches.toLocaleString('en')} dispatches; ` +
      `generate+copy ${s(summary.ms.generateAndCopy)}, locate ${s(summary.ms.locate)}, indexes ${s(summary.ms.indexes)}, rollups ${s(summary.ms.rollups)}, total ${s(summary.ms.total)}`,
  );
  console.error(
    `ground truth in meta 'demo_truth': ${summary.truth.hotspots.length} hotspots, ${summary.truth.clusters.length} clusters, ${summary.truth.units.length} trend units, ${summary.truth.repeats.count.toLocaleString('en')} repeats`,
  );
} catch (e) {
  if (!process.exitCode) throw e;
} finally {
  await db.close();
}
