// npm run demo -- --tickets N --seed S [--now 2025-11-20T10:00:00+08:00] [--replace]
// Generates the demo year into DATABASE_URL (PostgreSQL) or the embedded PGlite folder. Loads the
// bundled Beijing geography first when the database has no streets yet.
import { parseArgs } from 'node:util';
import { openDatabase } from '../../db/client.ts';
import { DEFAULT_DEMO_SEED, DEFAULT_DEMO_TICKETS, generateDemo } from './load.ts';
import { terminalProgress } from './progress.ts';
import { seedFromString } from './random.ts';

const MAX_TICKETS = 10_000_000;

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: String(DEFAULT_DEMO_TICKETS) },
    seed: { type: 'string', default: String(DEFAULT_DEMO_SEED) },
    now: { type: 'string' },
    replace: { type: 'boolean', default: false },
    'pglite-dir': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run demo -- [--tickets N] [--seed S] [--now ISO-8601] [--replace] [--pglite-dir DIR]
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

const db = await openDatabase({ pgliteDir: values['pglite-dir'] });
try {
  if (db.engine === 'pglite' && tickets > 1_000_000)
    console.error(`warning: ${tickets.toLocaleString('en')} tickets on embedded PGlite will be slow and large; set DATABASE_URL for PostgreSQL`);
  const streets = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM regions WHERE level = 'street'`);
  if (streets[0].n === 0) {
    console.error('no streets in this database: loading the bundled Beijing geography…');
    const { loadBeijing } = await import('../geo/importer.ts');
    await loadBeijing(db);
  }
  console.error(`generating ${tickets.toLocaleString('en')} tickets (seed ${seed}, ending ${now.toISOString()}) on ${db.engine}`);
  const summary = await generateDemo(db, { tickets, seed, now, replace: values.replace, onProgress: terminalProgress() });
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.error(
    `wrote ${summary.tickets.toLocaleString('en')} tickets, ${summary.events.toLocaleString('en')} events, ${summary.dispatches.toLocaleString('en')} dispatches; ` +
      `generate+copy ${s(summary.ms.generateAndCopy)}, locate ${s(summary.ms.locate)}, indexes ${s(summary.ms.indexes)}, rollups ${s(summary.ms.rollups)}, total ${s(summary.ms.total)}`,
  );
  console.error(`ground truth in meta 'demo_truth': ${summary.truth.hotspots.length} hotspots, ${summary.truth.clusters.length} clusters, ${summary.truth.units.length} trend units, ${summary.truth.repeats.count.toLocaleString('en')} repeats`);
} finally {
  await db.close();
}
