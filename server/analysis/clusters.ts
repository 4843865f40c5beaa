// Recurring clusters (一件事 → 一类事) served by /api/clusters: DBSCAN in SQL (sql/clusters.ts),
// then the rules here: recurrence across distinct weeks (in SQL), lift over the street's
// background, recurrence pattern (recurrence.ts), shares solved and satisfied, repeat demands.
//
// Decisions:
// - Recurring = tickets in at least `minWeeks` distinct ISO weeks (city time). One bad day of
//   ten calls about one burst pipe is an incident, not a recurring problem.
// - Distinct demands: a ticket marked as repeating an earlier one (repeat_of, 重复诉求) is the same
//   demand again, not the problem coming back. Lift and significance count only the tickets that
//   repeat nothing, and a cluster needs minPoints of them: one caller phoning five times about one
//   unsolved leak is a repeat demand (shown inside its cluster), not a recurring place.
// - Lift = cluster tickets / tickets expected there from the category's density in the street
//   holding most of the cluster over the same window (street tickets outside the cluster ÷ street
//   area × footprint, the footprint being the hull grown by eps/2). A DBSCAN cluster with lift
//   below `minLift` is just the dense part of a busy street: at megacity volumes a fixed
//   minPoints would otherwise chain whole neighbourhoods into one "cluster". Default 3.
// - Significance: P(X ≥ tickets) for X ~ Poisson(expected) must be ≤ `alpha` (default 1e-6).
//   Lift alone lets five tickets in a quiet street through (lift 40 on an expectation of 0.1);
//   DBSCAN picks the densest spots among ~10^4–10^5 candidate spots per category and year, so the
//   threshold is Bonferroni-like rather than 0.05. With no background at all (expected 0) the
//   cluster passes on minWeeks alone.
// - Compactness: clusters wider than `maxRadius` metres (centroid to farthest ticket; default
//   1,000 m) are dropped for the same reason: a recurring problem is a place.
// - Satisfied share = (satisfied + basic × policy weight) / called back, as in the three rates;
//   solved share = solved / called back; null when nobody was called back.
// - Repeat demands shown inside the cluster: tickets marked repeat_of (and whether the earlier
//   ticket is in the cluster too), and groups of tickets sharing an address or a caller. The
//   address and the caller's identity are never sent, only the ticket ids.
import type { Database } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { DEFAULT_POLICY } from '../../data/policy/index.ts';
import { latLngToCell } from 'h3-js';
import { monthIndex, monthKeyOf, weekStart } from './calendar.ts';
import { dayWindow } from './params.ts';
import { poissonUpperTail } from './poisson.ts';
import { RECURRENCE_LABELS, recurrencePattern } from './recurrence.ts';
import { findClusters, streetBackground, type ClusterDetail, type ClusterSummary } from './sql/clusters.ts';
import { analysisArea, categoryInfo, dataSpan, resolveCategories, type CategoryInfo } from './sql/scope.ts';
import { startOfCityDay } from '../time.ts';

export const DEFAULT_CLUSTER_DAYS = 365;

export interface ClusterRequest {
  category?: string;
  from?: string;
  to?: string;
  district?: string;
  eps: number;
  minPoints: number;
  minWeeks: number;
  minLift: number;
  maxRadius: number;
  alpha: number;
}

const share = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 1e4) / 1e4 : null);

/** Clusters of the tickets in the principal's jurisdiction only: a scoped principal sees no id from outside it. */
export async function recurringClusters(db: Database, req: ClusterRequest, jurisdiction: Scope) {
  const t0 = Date.now();
  const [requested, { district, street, scoped }, span, info] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
    categoryInfo(db),
  ]);
  const categories = requested ?? [...info.keys()].sort();
  const w = dayWindow(req, span.last, DEFAULT_CLUSTER_DAYS);
  const firstMonth = monthIndex(w.from);
  const months = monthIndex(w.to) - firstMonth + 1;
  const basicWeight = DEFAULT_POLICY.satisfactionWeights.basic;
  const dropped = { repeats: 0, lift: 0, radius: 0, significance: 0 };
  const assessed = new Map<string, { lift: number | null; expected: number | null; p: number | null }>();
  let streetNames: Awaited<ReturnType<typeof streetBackground>>['streets'] = new Map();
  let recurring = 0;
  const result = await findClusters(
    db,
    {
      categories,
      start: startOfCityDay(w.from),
      end: startOfCityDay(w.end),
      eps: req.eps,
      minPoints: req.minPoints,
      minWeeks: req.minWeeks,
      district,
      street,
      scoped,
    },
    async (tx, summaries) => {
      recurring = summaries.length;
      const streets = [...new Set(summaries.map((r) => r.mainStreet).filter((c): c is string => c !== null))];
      const background = await streetBackground(
        tx,
        [...new Set(summaries.map((r) => r.category))],
        w.from,
        w.end,
        streets,
      );
      streetNames = background.streets;
      return summaries.filter((r) => {
        if (r.independent < req.minPoints) {
          dropped.repeats++;
          return false;
        }
        if (r.radiusMetres > req.maxRadius) {
          dropped.radius++;
          return false;
        }
        const area = r.mainStreet ? background.streets.get(r.mainStreet)?.areaM2 : null;
        let expected: number | null = null;
        if (r.mainStreet && area && area > 0) {
          const streetTickets = background.tickets.get(`${r.mainStreet}|${r.category}`) ?? 0;
          expected = (Math.max(0, streetTickets - r.mainStreetTickets) / area) * r.footprintM2;
        }
        const lift = expected === null ? null : expected > 0 ? r.independent / expected : Infinity;
        if (lift !== null && lift < req.minLift) {
          dropped.lift++;
          return false;
        }
        const p = expected === null ? null : poissonUpperTail(r.independent, expected);
        if (p !== null && p > req.alpha) {
          dropped.significance++;
          return false;
        }
        assessed.set(`${r.category}|${r.cid}`, { lift, expected, p });
        return true;
      });
    },
  );
  const tCluster = Date.now();
  // Names of every street a chosen cluster touches (the main streets were read already).
  const touched = [...new Set(result.clusters.flatMap((c) => (c.detail.streets ?? []).map((s) => s.code)))].filter(
    (c) => !streetNames.has(c),
  );
  if (touched.length) {
    const more = await streetBackground(db, [], w.from, w.end, touched);
    for (const [k, v] of more.streets) streetNames.set(k, v);
  }
  const clusters = result.clusters.map(({ summary, detail }) =>
    describe(summary, detail, {
      firstMonth,
      months,
      ...assessed.get(`${summary.category}|${summary.cid}`)!,
      basicWeight,
      streetNames,
      info,
    }),
  );
  return {
    from: w.from,
    to: w.to,
    category: req.category ?? null,
    district,
    ...(street === null ? {} : { street }),
    eps: req.eps,
    minPoints: req.minPoints,
    minWeeks: req.minWeeks,
    minLift: req.minLift,
    alpha: req.alpha,
    maxRadius: req.maxRadius,
    metric: 'local equirectangular metres about the selected points (see server/analysis/sql/clusters.ts)',
    found: result.found,
    // DBSCAN clusters; those seen in ≥ minWeeks weeks; those dropped by the rules; those kept.
    recurring,
    dropped,
    clusters,
    timing: { ...result.phases, clusterMs: tCluster - t0, totalMs: Date.now() - t0 },
  };
}

interface DescribeContext {
  firstMonth: number;
  months: number;
  lift: number | null;
  expected: number | null;
  p: number | null;
  basicWeight: number;
  streetNames: Map<string, { name: string; nameEn: string }>;
  info: Map<string, CategoryInfo>;
}

function describe(r: ClusterSummary, d: ClusterDetail, ctx: DescribeContext) {
  const monthly = new Array<number>(ctx.months).fill(0);
  const weekly = new Map<string, number>();
  for (const [day, n] of d.days ?? []) {
    const m = monthIndex(day) - ctx.firstMonth;
    if (m >= 0 && m < ctx.months) monthly[m] += n;
    const wk = weekStart(day);
    weekly.set(wk, (weekly.get(wk) ?? 0) + n);
  }
  const recurrence = recurrencePattern((ctx.firstMonth % 12) + 1, monthly);
  const cat = ctx.info.get(r.category);
  const cell = latLngToCell(r.lat, r.lon, 9);
  const firstSeen = new Date(r.firstSeen).toISOString();
  const lastSeen = new Date(r.lastSeen).toISOString();
  return {
    // Stable across requests as long as the cluster's centre stays in the same res-9 cell.
    id: `${r.category}@${cell}`,
    category: {
      code: r.category,
      nameZh: cat?.nameZh ?? r.category,
      nameEn: cat?.nameEn ?? r.category,
      groupCode: cat?.groupCode ?? null,
    },
    tickets: r.tickets,
    /** Tickets that repeat no earlier one: distinct demands. */
    independent: r.independent,
    centroid: [round6(r.lon), round6(r.lat)] as [number, number],
    cell,
    extent: JSON.parse(d.hull) as { type: string; coordinates: unknown },
    radiusMetres: Math.round(r.radiusMetres),
    firstSeen,
    lastSeen,
    weeks: r.weeks,
    lift: ctx.lift === null ? null : ctx.lift === Infinity ? null : Math.round(ctx.lift * 100) / 100,
    expectedBackground: ctx.expected === null ? null : Math.round(ctx.expected * 100) / 100,
    p: ctx.p === null ? null : Number(ctx.p.toPrecision(3)),
    pattern: recurrence.pattern,
    patternLabel: RECURRENCE_LABELS[recurrence.pattern],
    seasonMonths: recurrence.seasonMonths,
    trend: { z: Math.round(recurrence.trend.z * 1e4) / 1e4, p: Number(recurrence.trend.p.toPrecision(4)) },
    timeline: {
      months: monthly.map((n, i) => [monthKeyOf(ctx.firstMonth + i), n] as [string, number]),
      weeks: [...weekly].sort(([a], [b]) => (a < b ? -1 : 1)),
    },
    // Responsible units: the streets (属地) holding the tickets, and the category's line department.
    streets: (d.streets ?? []).map((s) => ({
      code: s.code,
      name: ctx.streetNames.get(s.code)?.name ?? s.code,
      nameEn: ctx.streetNames.get(s.code)?.nameEn ?? s.code,
      tickets: s.tickets,
    })),
    department: cat?.departmentCode ?? null,
    departmentName: cat?.departmentZh ? { zh: cat.departmentZh, en: cat.departmentEn ?? cat.departmentZh } : null,
    calledBack: r.calledBack,
    shareSolved: share(r.solved, r.calledBack),
    shareSatisfied: share(r.satisfied + ctx.basicWeight * r.basic, r.calledBack),
    repeats: {
      repeatOf: d.repeatOf ?? [],
      sameAddress: d.sameAddress ?? [],
      sameCaller: d.sameCaller ?? [],
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
