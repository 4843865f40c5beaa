// Benchmarks of the analysis endpoints, end to end (HTTP handler → SQL → statistics → JSON), on
// whatever tickets the database holds. Budgets from issue 5, meant for PostGIS at 10 M tickets:
// city-wide Gi* for a month at H3 res 8 < 300 ms; emerging hot spots over 52 weekly steps < 3 s;
// recurring clusters for one category and one quarter < 2 s. The other endpoints are timed for
// information. `run(db)` returns the figures; the caller prints or stores them.
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { loadBeijing } from '../../data/geo/importer.ts';
import { createDemo, loadRegionModel } from '../../data/demo/index.ts';
import { CITIES_DIR, readDemoProfile } from '../../data/demo/profile.ts';
import { enterBulkMode, leaveBulkMode } from '../../data/demo/bulk.ts';
import { DISPATCH_COLUMNS, dispatchCsv, pointEwkbHex } from '../../data/demo/csv.ts';
import { seedTaxonomy, TAXONOMY } from '../../data/taxonomy/index.ts';
import { pauseRollups, rebuildRollups } from '../../server/analysis/rollups.ts';
import { addDays, monthIndex, monthStart } from '../../server/analysis/calendar.ts';
import { dataSpan } from '../../server/analysis/sql/scope.ts';
import { lastCompleteMonth } from '../../server/analysis/topics.ts';
import { signIn } from '../helpers/auth.ts';

export interface BenchResult {
  name: string;
  path: string;
  /** Milliseconds of the first (warm-up) run: caches empty, as a planner's first request. */
  firstMs: number;
  /** Milliseconds of each timed run after it. */
  runs: number[];
  medianMs: number;
  minMs: number;
  budgetMs: number | null;
  pass: boolean | null;
  /** Response size, bytes. */
  bytes: number;
}

export interface BenchReport {
  engine: string;
  tickets: number;
  dataFrom: string | null;
  dataTo: string | null;
  results: BenchResult[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(db: Database, opts: { repeats?: number; category?: string } = {}): Promise<BenchReport> {
  const repeats = opts.repeats ?? 3;
  // A city analyst: the planners' studio asks these questions city-wide.
  const app = await signIn(createApp({ db }), db, { role: 'analyst' });
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  const span = await dataSpan(db);
  if (span.last === null) throw new Error('the database holds no located tickets to benchmark on');
  const month = lastCompleteMonth(span.last);
  const monthFrom = monthStart(month);
  const monthTo = addDays(monthStart(month + 1), -1);
  const quarterFrom = monthStart(month - 2);
  // The busiest category of the quarter: the hardest case for DBSCAN.
  const category =
    opts.category ??
    (
      await db.query<{ code: string }>(
        `SELECT category_code AS code FROM rollup_region_daily WHERE level = 'district' AND day >= $1::date AND day <= $2::date
          GROUP BY 1 ORDER BY sum(tickets) DESC LIMIT 1`,
        [quarterFrom, monthTo],
      )
    )[0]?.code;
  const cases: { name: string; path: string; budgetMs: number | null }[] = [
    {
      name: 'Gi* city-wide, one month, H3 res 8',
      path: `/api/hotspots?res=8&k=1&from=${monthFrom}&to=${monthTo}`,
      budgetMs: 300,
    },
    {
      name: 'emerging hot spots, 52 weekly steps, H3 res 8',
      path: `/api/hotspots/emerging?res=8&k=1&step=week&steps=52`,
      budgetMs: 3000,
    },
    {
      name: `recurring clusters, ${category}, one quarter`,
      path: `/api/clusters?category=${category}&from=${quarterFrom}&to=${monthTo}`,
      budgetMs: 2000,
    },
    {
      name: 'Gi* per street, one month',
      path: `/api/hotspots/regions?level=street&from=${monthFrom}&to=${monthTo}`,
      budgetMs: null,
    },
    {
      name: 'Gi* per grid cell, one month',
      path: `/api/hotspots/regions?level=grid&from=${monthFrom}&to=${monthTo}`,
      budgetMs: null,
    },
    {
      name: 'emerging hot spots, 12 monthly steps, H3 res 8',
      path: `/api/hotspots/emerging?res=8&step=month&steps=12`,
      budgetMs: null,
    },
    { name: 'topic candidates', path: `/api/topics?month=${monthFrom.slice(0, 7)}`, budgetMs: null },
    { name: 'forecast next month, H3 res 8', path: `/api/forecast?res=8`, budgetMs: null },
  ];
  if (monthIndex(span.last) - monthIndex(span.first ?? span.last) >= 13) {
    cases.push({
      name: 'forecast backtest, H3 res 8, k = 50',
      path: `/api/forecast/backtest?res=8&k=50`,
      budgetMs: null,
    });
  }
  const results: BenchResult[] = [];
  for (const c of cases) {
    const runs: number[] = [];
    let firstMs = 0;
    let bytes = 0;
    for (let i = 0; i <= repeats; i++) {
      const t0 = performance.now();
      const res = await app.request(c.path);
      const body = await res.text();
      const ms = performance.now() - t0;
      if (res.status !== 200) throw new Error(`${c.path}: ${res.status} ${body.slice(0, 200)}`);
      bytes = body.length;
      if (i > 0) runs.push(Math.round(ms));
      else firstMs = Math.round(ms);
    }
    const med = median(runs);
    results.push({
      name: c.name,
      path: c.path,
      firstMs,
      runs,
      medianMs: med,
      minMs: Math.min(...runs),
      budgetMs: c.budgetMs,
      pass: c.budgetMs === null ? null : med < c.budgetMs,
      bytes,
    });
  }
  return { engine: db.engine, tickets: n, dataFrom: span.first, dataTo: span.last, results };
}

/**
 * Fill an EMPTY database with `tickets` demo tickets over Beijing for the benchmark, fast: the
 * ticket rows with their life-cycle instants and verdicts, and the generator's dispatch rows (what
 * the ranking's rates read), located by the street the generator placed them in (no
 * point-in-polygon pass); no events or callers. COPY with indexes and rollups off, tickets and
 * dispatches side by side, then one rollup rebuild. Returns the phase timings.
 */
export async function loadBenchData(
  db: Database,
  opts: { tickets: number; seed?: number; now?: Date; onProgress?: (copied: number) => void },
): Promise<{ copyMs: number; indexMs: number; rollupMs: number }> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  if (n > 0) throw new Error(`the database already holds ${n} tickets`);
  await loadBeijing(db);
  await seedTaxonomy(db, TAXONOMY);
  const run = createDemo(await loadRegionModel(db), {
    tickets: opts.tickets,
    seed: opts.seed ?? 12345,
    now: opts.now ?? new Date('2025-12-31T20:00:00+08:00'),
    taxonomy: TAXONOMY,
    profile: readDemoProfile(`${CITIES_DIR}/beijing`),
  });
  await pauseRollups(db);
  const t0 = Date.now();
  const bulk = await enterBulkMode(db);
  // Same columns as the demo loader's tickets (data/demo/csv.ts) minus callers, events, source
  // coordinates and reminders, plus the location the generator planned.
  const columns = [
    'id',
    'kind',
    'channel',
    'category_code',
    'urgency',
    'description',
    'geom',
    'h3_r7',
    'h3_r8',
    'h3_r9',
    'location_status',
    'district_code',
    'street_code',
    'status',
    'received_at',
    'dispatched_at',
    'accepted_at',
    'replied_at',
    'callback_at',
    'closed_at',
    'respond_due_at',
    'resolve_due_at',
    'return_count',
    'solved',
    'satisfaction',
    'repeat_of',
    'address',
  ];
  const ts = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
  const quoted = (s: string) => `"${s.replace(/"/g, '""')}"`;
  let lines: string[] = [];
  let dispatchLines: string[] = [];
  let copied = 0;
  let pending: Promise<unknown> = Promise.resolve();
  let copyMs: number;
  const flush = async () => {
    const csv = lines.join('\n') + '\n';
    const dcsv = dispatchLines.length ? dispatchLines.join('\n') + '\n' : '';
    copied += lines.length;
    lines = [];
    dispatchLines = [];
    await pending;
    const done = copied;
    // Foreign keys are off in bulk mode: the two tables load on two connections at once.
    pending = Promise.all([
      db.copyCsv('tickets', columns, csv),
      dcsv ? db.copyCsv('dispatches', DISPATCH_COLUMNS, dcsv) : null,
    ]).then(() => opts.onProgress?.(done));
    pending.catch(() => {});
  };
  try {
    for (const t of run.tickets()) {
      const located = t.lon !== null && t.plannedStreetCode !== null;
      lines.push(
        [
          t.id,
          t.kind,
          t.channel,
          t.categoryCode,
          t.urgency,
          '""',
          t.lon === null ? '' : pointEwkbHex(t.lon, t.lat as number),
          t.h3r7 ?? '',
          t.h3r8 ?? '',
          t.h3r9 ?? '',
          located ? 'located' : t.lon === null ? 'unlocated' : 'outside',
          located ? t.plannedDistrictCode : '',
          located ? t.plannedStreetCode : '',
          t.status,
          ts(t.receivedAt),
          ts(t.dispatchedAt),
          ts(t.acceptedAt),
          ts(t.repliedAt),
          ts(t.callbackAt),
          ts(t.closedAt),
          ts(t.respondDueAt),
          ts(t.resolveDueAt),
          t.returnCount,
          t.solved === null ? '' : String(t.solved),
          t.satisfaction ?? '',
          t.repeatOf ?? '',
          quoted(t.address),
        ].join(','),
      );
      for (const d of t.dispatches) dispatchLines.push(dispatchCsv(d));
      if (lines.length >= 100_000) await flush();
    }
    if (lines.length) await flush();
    await pending;
  } finally {
    copyMs = Date.now() - t0;
    await leaveBulkMode(db, bulk);
  }
  const indexMs = Date.now() - t0 - copyMs;
  await db.query(`SELECT setval(pg_get_serial_sequence('tickets', 'id'), (SELECT max(id) FROM tickets))`);
  await db.query(
    `SELECT setval(pg_get_serial_sequence('dispatches', 'id'), (SELECT COALESCE(max(id), 1) FROM dispatches))`,
  );
  await db.exec('ANALYZE tickets; ANALYZE dispatches');
  const { ms: rollupMs } = await rebuildRollups(db);
  for (const table of [
    'rollup_h3_daily',
    'rollup_h3_daily_total',
    'rollup_h3_weekly_total',
    'rollup_h3_monthly_total',
    'rollup_h3_cells',
    'rollup_region_daily',
  ]) {
    await db.exec(`ANALYZE ${table}`);
  }
  return { copyMs, indexMs, rollupMs };
}
