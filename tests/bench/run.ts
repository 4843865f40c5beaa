// npm run bench — figures with the machine they were measured on, each beside a baseline from the same run.
//   TEST_DATABASE_URL=postgres://…   also run on PostgreSQL + PostGIS (databases of their own: hotline_bench*)
//   BENCH_ONLY=locate,intake,analysis,points,load,startup   run a subset (default: all); the wall is
//                                    measured on the demo server the start-up benchmark starts
//   LOAD_SECONDS=N, LOAD_CLIENTS=N   the load run's length (default 600) and dashboard clients (200)
//   BENCH_ONLY=alerts                one surge scan at 150,000 tickets a day, postgres (not in the default set)
//   BENCH_ONLY=clusters              recurring clusters on a dense 74k category-year on PGlite (not in the default set)
//   BENCH_ONLY=import                history import (not in the default set): BENCH_IMPORT_ROWS (default
//                                    1,000,000) synthetic NYC 311 rows through POST /api/import/history, both engines
//                                    (BENCH_IMPORT_ENGINES=postgres or pglite: one of them)
//   BENCH_ONLY=assist                the dispatcher's assistant (not in the default set): retraining on
//                                    BENCH_ASSIST_TRAIN (1,000,000) calls; suggestion latency at intake and the
//                                    later-period evaluation on a BENCH_ASSIST_TICKETS (30,000) demo year, both engines
//   BENCH_TICKETS=N                  size of the PostgreSQL data set for ranking and hotspots (default 300,000;
//                                    issue budgets are stated at 10,000,000 — loaded fast: tickets and dispatches, no events or callers)
import pg from 'pg';
import type { Engine } from '../../db/client.ts';
import { openTestDatabase, testDatabaseName, testDatabaseUrl } from '../helpers/engines.ts';
import { openDatabase } from '../../db/client.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { seedTaxonomy } from '../../data/taxonomy/index.ts';
import { generateDemo } from '../../data/demo/index.ts';
import { loadNow, machineLine, row } from './machine.ts';
import * as locate from './locate.bench.ts';
import * as intake from './intake.bench.ts';
import * as ranking from './ranking.bench.ts';
import * as hotspots from './hotspots.bench.ts';
import * as startup from './startup.bench.ts';
import * as points from './points.bench.ts';
import * as wall from './wall.bench.ts';
import * as pages from './pages.bench.ts';
import { apiAs } from '../e2e/session.ts';
import * as load from './load.bench.ts';
import * as historyImport from './import.bench.ts';
import * as denseClusters from './denseClusters.bench.ts';
import * as alerts from './alerts.bench.ts';
import * as assist from './assist.bench.ts';
import { loadBeijingZones } from '../../data/zones/importer.ts';
import { freePort } from '../helpers/pgInstance.ts';
import { killHard, spawnServer, stubDist } from '../server/faults/harness.ts';
import fs from 'node:fs';
import { DEMO_KIOSK } from '../../server/auth/demoAccounts.ts';
import { cookiesOf } from '../helpers/auth.ts';

const only = new Set((process.env.BENCH_ONLY ?? 'locate,intake,analysis,points,load,startup').split(','));
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
  row(
    'month ranking, street table, from tickets',
    `${r.fromTicketsMs.street} ms`,
    'first read of a month, then stored',
  );
  row('month ranking, street table, cold', `${r.monthRankingColdMs.street} ms`, 'target < 1,000 ms at 10 M');
  row('month ranking, all four tables, cold', `${r.allTablesColdMs} ms`);
  row('  baseline: street table warm (cached counts)', `${r.monthRankingWarmMs} ms`);
  row('unit profile, 13 months, cold / warm', `${r.profileColdMs} / ${r.profileWarmMs} ms`, 'target < 200 ms');
  console.log(`\nhotspots and planning (${benchTickets.toLocaleString('en')} tickets, postgres)`);
  const h = await hotspots.run(db);
  for (const x of h.results) {
    row(
      x.name,
      `${Math.round(x.medianMs)} ms`,
      `first ${Math.round(x.firstMs)} ms${x.budgetMs ? `, budget ${x.budgetMs} ms` : ''}`,
    );
  }
  await db.close();
}

/** A PostgreSQL database of the bench's own, kept between runs; (re)built by `build` when `ok` says no. */
async function benchDatabase(
  name: string,
  ok: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<boolean>,
  build: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<void>,
) {
  const url = new URL(testDatabaseUrl());
  // the name openTestDatabase gives it (TEST_DB_PREFIX first)
  url.pathname = `/${testDatabaseName(name)}`;
  const kept = await openDatabase({ databaseUrl: url.toString() }).catch(() => null);
  if (kept && (await ok(kept).catch(() => false))) return { db: kept, url: url.toString() };
  await kept?.close();
  const db = await openTestDatabase('postgres', name);
  await build(db);
  return { db, url: url.toString() };
}

if (only.has('points') && engines.includes('postgres')) {
  const n = 500_000;
  console.log(`\nticket points in the browser (${n.toLocaleString('en')} tickets, postgres, headless Chromium)`);
  const { db } = await benchDatabase(
    `hotline_bench_points_${n}`,
    async (d) => (await d.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets'))[0]!.n === n,
    async (d) => void (await hotspots.loadBenchData(d, { tickets: n, now: new Date() })),
  );
  const [{ located }] = await db.query<{ located: number }>(
    'SELECT count(*)::int AS located FROM tickets WHERE geom IS NOT NULL',
  );
  await points.run(db, { minTickets: located, rounds: 5 });
  await db.close();
}

if (only.has('load') && engines.includes('postgres')) {
  const durationS = Number(process.env.LOAD_SECONDS ?? 600);
  const clients = Number(process.env.LOAD_CLIENTS ?? 200);
  const n = 100_000;
  console.log(
    `\nload: ${clients} dashboard clients + 50 tickets/s for ${durationS} s (postgres, ${n.toLocaleString('en')} demo tickets, server as a child process)`,
  );
  const { db, url } = await benchDatabase(
    'hotline_bench_load',
    async (d) =>
      (
        await d.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM tickets WHERE idempotency_key IS NULL OR idempotency_key NOT LIKE 'load-%'`,
        )
      )[0]!.n === n,
    async (d) => {
      await loadBeijing(d);
      await seedTaxonomy(d);
      await loadBeijingZones(d);
      await generateDemo(d, { tickets: n, seed: 12345, now: new Date() });
    },
  );
  const dist = stubDist();
  // With the streaming standby (TEST_DATABASE_READ_URL), dashboards read it, as DATABASE_READ_URL
  // does in production, and the run reports the replica's lag (write on the primary → visible on it).
  const readUrl = process.env.TEST_DATABASE_READ_URL
    ? Object.assign(new URL(process.env.TEST_DATABASE_READ_URL), { pathname: new URL(url).pathname }).toString()
    : undefined;
  console.log(
    readUrl ? '  dashboards read the streaming standby (DATABASE_READ_URL)' : '  no standby: reads on the primary',
  );
  const server = await spawnServer(url, await freePort(), dist, readUrl ? { DATABASE_READ_URL: readUrl } : {});
  try {
    await load.run({ url: server.url, db, clients, ticketsPerSecond: 50, durationS, replicaUrl: readUrl });
  } finally {
    await killHard(server);
    await db.close();
    fs.rmSync(dist, { recursive: true, force: true });
  }
}

if (only.has('import')) {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 1_000_000);
  console.log(
    `\nhistory import (${rows.toLocaleString('en')} synthetic NYC 311 rows, New York package, server in this process)`,
  );
  const which = process.env.BENCH_IMPORT_ENGINES?.split(',') ?? engines;
  await historyImport.parseBaseline(rows);
  for (const engine of [...engines].reverse()) if (which.includes(engine)) await historyImport.run(engine, rows);
}

if (only.has('alerts') && engines.includes('postgres')) {
  console.log('\nsurge alerts: one prospective space-time scan (postgres)');
  await alerts.run();
}
if (only.has('assist')) {
  console.log("\nthe dispatcher's assistant");
  assist.runTraining();
  for (const engine of engines) await assist.runIntake(engine);
}

if (only.has('clusters')) {
  console.log('\nrecurring clusters on a dense year, embedded engine');
  await denseClusters.run();
}

if (only.has('startup')) {
  console.log('\nstart-up (npm start) and the wall on its demo data (headless Chromium)');
  await startup.run({
    afterWarmStart: async (url, serverLog) => {
      // npm start makes the demo kiosk token (just after "dashboard ready"); the wall redeems it
      // once, as its screen would.
      const redeem = () =>
        fetch(`${url}/api/auth/kiosk`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token: DEMO_KIOSK.token }),
        });
      let res = await redeem();
      for (const until = Date.now() + 30_000; res.status === 404 && Date.now() < until; res = await redeem())
        await new Promise((r) => setTimeout(r, 250));
      if (res.status !== 200) throw new Error(`kiosk token ${DEMO_KIOSK.token}: ${res.status} ${await res.text()}`);
      const c = cookiesOf(res);
      const session = { cookie: `hl_session=${c.hl_session}; hl_csrf=${c.hl_csrf}` };
      const w = await wall.run({
        url,
        runs: 3,
        // every run's figure, with the machine's load then (the median line is printed below)
        log: (s) => void (s.includes(', run ') && console.log(`${s}, ${loadNow()}`)),
        session,
      });
      const every = (ms: number[]) => (ms.every((x) => x < 3000) ? 'every run < 3 s: met' : 'every run < 3 s: NOT met');
      row(
        'wall ready (figures, ranking, map drawn), 1920×1080',
        `${(w.medianMs / 1000).toFixed(2)} s`,
        `median of ${w.readyMs.length} cold browsers: ${w.readyMs.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s; target < 3 s; ${every(w.readyMs)}`,
      );
      // the office pages as an administrator (every page), each in cold browsers (tests/bench/pages.bench.ts)
      const admin = await apiAs(url, 'admin');
      const pageRows = (results: pages.PageTiming[], when: string) => {
        for (const p of results) {
          const baseline = p.name.startsWith('baseline');
          row(
            `${p.name}, 1920×1080${when}`,
            `${(p.medianMs / 1000).toFixed(2)} s`,
            `median of ${p.ms.length} cold browsers: ${p.ms.map((ms) => (ms / 1000).toFixed(2)).join(' / ')} s${baseline ? '' : `; target < 3 s; ${every(p.ms)}`} (${p.load.join(', ')})`,
          );
        }
      };
      pageRows(await pages.run({ url, session: admin, log: console.log }), '');
      // The same pages once the start's deferred work is done (server/quiet.ts: it waits for a quiet
      // moment; the studio's default answers are then computed, server/routes/standing.ts): what a
      // planner who is not the first visitor after a restart meets.
      await serverLog.waitFor("studio's default answers ready", 10 * 60_000);
      console.log("  (server settled: the studio's default answers are computed)");
      pageRows(await pages.run({ url, session: admin, log: console.log }), ', settled server');
    },
  });
}
