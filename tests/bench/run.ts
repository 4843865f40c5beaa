// npm run bench — figures with the machine they were measured on, each beside a baseline from the same run.
//   TEST_DATABASE_URL=postgres://…   also run on PostgreSQL + PostGIS (databases of their own: hotline_bench*)
//   BENCH_ONLY=locate,intake,analysis,startup   run a subset (default: all)
//   BENCH_TICKETS=N                  size of the PostgreSQL data set for ranking and hotspots (default 300,000;
//                                    issue budgets are stated at 10,000,000 — loaded fast: tickets and dispatches, no events or callers)
import pg from 'pg';
import type { Engine } from '../../db/client.ts';
import { openTestDatabase, testDatabaseUrl } from '../helpers/engines.ts';
import { openDatabase } from '../../db/client.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { seedTaxonomy } from '../../data/taxonomy/index.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { machineLine, row } from './machine.ts';
import * as locate from './locate.bench.ts';
import * as intake from './intake.bench.ts';
import * as ranking from './ranking.bench.ts';
import * as hotspots from './hotspots.bench.ts';
import * as startup from './startup.bench.ts';

const only = new Set((process.env.BENCH_ONLY ?? 'locate,intake,analysis,startup').split(','));
const engines: Engine[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
const benchTickets = Number(process.env.BENCH_TICKETS ?? 300_000);

console.log(`machine: ${machineLine()}`);
console.log(`date: ${new Date().toISOString()}\n`);

if (only.has('locate') || only.has('intake')) {
  console.log('intake');
  for (const engine of engines) {
    const db = await openTestDatabase(engine, 'hotline_bench');
    await loadBeijing(db);
    if (only.has('locate')) await locate.run(db);
    if (only.has('intake')) await intake.run(db, engine === 'postgres' ? 3000 : 1000);
    await db.close();
  }
}

if (only.has('analysis') && engines.includes('postgres')) {
  // Kept between runs: building a large data set costs minutes; it is rebuilt when BENCH_TICKETS changes.
  const name = `hotline_bench_${benchTickets}`;
  const admin = new pg.Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  await admin.end();
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  let db = exists ? await openDatabase({ databaseUrl: url.toString() }) : await openTestDatabase('postgres', name);
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  if (n !== benchTickets) {
    await db.close();
    db = await openTestDatabase('postgres', name);
    console.log(`\nloading ${benchTickets.toLocaleString('en')} tickets into ${name}…`);
    if (benchTickets > 1_000_000) {
      await hotspots.loadBenchData(db, { tickets: benchTickets });
    } else {
      await loadBeijing(db);
      await seedTaxonomy(db);
      await generateDemo(db, { tickets: benchTickets, seed: 12345 });
    }
  }
  console.log(`\nranking (${benchTickets.toLocaleString('en')} tickets, postgres)`);
  const r = await ranking.run(db);
  row('month ranking, street table, from tickets', `${r.fromTicketsMs.street} ms`, 'first read of a month, then stored');
  row('month ranking, street table, cold', `${r.monthRankingColdMs.street} ms`, 'target < 1,000 ms at 10 M');
  row('month ranking, all four tables, cold', `${r.allTablesColdMs} ms`);
  row('  baseline: street table warm (cached counts)', `${r.monthRankingWarmMs} ms`);
  row('unit profile, 13 months, cold / warm', `${r.profileColdMs} / ${r.profileWarmMs} ms`, 'target < 200 ms');
  console.log(`\nhotspots and planning (${benchTickets.toLocaleString('en')} tickets, postgres)`);
  const h = await hotspots.run(db);
  for (const x of h.results) {
    row(x.name, `${Math.round(x.medianMs)} ms`, `first ${Math.round(x.firstMs)} ms${x.budgetMs ? `, budget ${x.budgetMs} ms` : ''}`);
  }
  await db.close();
}

if (only.has('startup')) {
  console.log('\nstart-up (npm start)');
  await startup.run();
}
