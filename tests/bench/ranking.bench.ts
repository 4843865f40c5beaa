// Benchmark: one month's full ranking for every table, and unit profiles, on whatever data the
// database holds. `run(db)` returns the figures; `npm run bench` wires it in. Targets from issue 4:
// a full month's ranking for all units in under 1 s at 10 M tickets on PostGIS, any unit profile
// under 200 ms. "from tickets" = counts recounted from tickets and dispatches (no stored counts:
// what the first read of a settled month costs, once); "cold" = a new service, nothing in
// memory, settled months read from their stored counts (server/ranking/rollup.ts); "warm" =
// counts from the in-memory cache (see server/ranking/service.ts).
import type { Database } from '../../db/client.ts';
import { RANKING_TABLES, type RankingTable } from '../../server/ranking/sql.ts';
import { RankingService } from '../../server/ranking/service.ts';

export interface RankingBenchResult {
  engine: string;
  tickets: number;
  dispatches: number;
  month: string;
  /** Ranking of `month` recounted from tickets (no stored counts), per table, one run (ms). */
  fromTicketsMs: Record<RankingTable, number>;
  /** Cold ranking of `month` (memory empty, stored counts), per table, median of `repeats` runs (ms). */
  monthRankingColdMs: Record<RankingTable, number>;
  /** All four tables, cold, one after another (ms). */
  allTablesColdMs: number;
  /** The street table again with its counts cached (ms). */
  monthRankingWarmMs: number;
  /** 13-month profile of the busiest street: from tickets, cold (ms) and with the months cached (ms). */
  profileFromTicketsMs: number;
  profileColdMs: number;
  profileWarmMs: number;
  profileUnit: string | null;
  /** Drill-down of one figure (the busiest street's response denominator) (ms). */
  drillMs: number;
  targets: { monthRankingMs: 1000; profileMs: 200 };
  meetsTargets: { monthRanking: boolean; profileWarm: boolean };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [Math.round((performance.now() - t0) * 10) / 10, v];
}

export async function run(
  db: Database,
  opts: { month?: string; repeats?: number; log?: (s: string) => void } = {},
): Promise<RankingBenchResult> {
  const repeats = opts.repeats ?? 3;
  const log = opts.log ?? (() => {});
  // A service of its own: the benchmark must not warm (or clear) the app's cache.
  const svc = new RankingService(db);
  const [{ n: tickets }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets');
  const [{ n: dispatches }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM dispatches');
  const month = opts.month ?? (await svc.defaultMonth());
  log(`ranking bench: ${tickets} tickets, ${dispatches} dispatches, month ${month} (${db.engine})`);

  // The cost without stored counts: recount the month (and the two before it, for the red zone).
  const recount = new RankingService(db, { rollup: false });
  const fromTicketsMs = {} as Record<RankingTable, number>;
  for (const table of RANKING_TABLES) {
    fromTicketsMs[table] = (await time(() => recount.ranking(table, month)))[0];
    log(`  ${table} month ranking, from tickets: ${fromTicketsMs[table]} ms`);
  }
  // First read through the stored counts: recounts what is not stored yet, and stores it.
  for (const table of RANKING_TABLES) await new RankingService(db).ranking(table, month);

  const cold = {} as Record<RankingTable, number>;
  for (const table of RANKING_TABLES) {
    const runs: number[] = [];
    for (let i = 0; i < repeats; i++) {
      svc.clear();
      runs.push((await time(() => svc.ranking(table, month)))[0]);
    }
    cold[table] = median(runs);
    log(`  ${table} month ranking, cold: ${cold[table]} ms`);
  }
  svc.clear();
  const [allTablesColdMs] = await time(async () => {
    for (const table of RANKING_TABLES) await svc.ranking(table, month);
  });
  const [monthRankingWarmMs, ranking] = await time(() => svc.ranking('street', month));
  log(`  all tables cold: ${allTablesColdMs} ms; street table warm: ${monthRankingWarmMs} ms`);

  const busiest = [...ranking.rows].sort((a, b) => b.counts.dispatched - a.counts.dispatched)[0];
  let profileFromTicketsMs = 0;
  let profileColdMs = 0;
  let profileWarmMs = 0;
  let drillMs = 0;
  if (busiest) {
    const unit = await svc.findUnit(busiest.code);
    if (unit) {
      [profileFromTicketsMs] = await time(() => new RankingService(db, { rollup: false }).profile(unit, month, 13));
      await new RankingService(db).profile(unit, month, 13); // stores the months not stored yet
      svc.clear();
      [profileColdMs] = await time(() => svc.profile(unit, month, 13));
      [profileWarmMs] = await time(() => svc.profile(unit, month, 13));
      [drillMs] = await time(() => svc.drill(unit, month, 'response', 'denominator', 1000, 0));
      log(
        `  profile of ${unit.code}: from tickets ${profileFromTicketsMs} ms, cold ${profileColdMs} ms, warm ${profileWarmMs} ms; drill ${drillMs} ms`,
      );
    }
  }
  return {
    engine: db.engine,
    tickets,
    dispatches,
    month,
    fromTicketsMs,
    monthRankingColdMs: cold,
    allTablesColdMs,
    monthRankingWarmMs,
    profileFromTicketsMs,
    profileColdMs,
    profileWarmMs,
    profileUnit: busiest?.code ?? null,
    drillMs,
    targets: { monthRankingMs: 1000, profileMs: 200 },
    meetsTargets: { monthRanking: RANKING_TABLES.every((t) => cold[t] < 1000), profileWarm: profileWarmMs < 200 },
  };
}
