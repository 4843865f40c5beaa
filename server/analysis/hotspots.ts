// Hot spot maps served by /api/hotspots: Gi* on H3 cells (k-ring neighbours), Gi* on regions
// (shared-border neighbours), and emerging hot spots over time steps. Reads rollups through
// sql/, computes with the pure modules.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { OutOfScope } from '../auth/scope.ts';
import { addDays, completeSteps, nextStep, stepsEndingAt, stepStart, type Step } from './calendar.ts';
import { EMERGING_PATTERNS, type EmergingPatternId } from './emerging.ts';
import { cachedNeighbourLists } from './h3Neighbours.ts';
import { hotspotMap, roundP, roundZ } from './hotspotMap.ts';
import { AnalysisInputError, dayWindow } from './params.ts';
import { emergingHotSpots } from './spaceTime.ts';
import { localExcess, ringIndex } from './localBaseline.ts';
import { mannKendall } from './mannKendall.ts';
import { studyCells, stepCounts, windowCounts, type H3Res } from './sql/h3.ts';
import { ensureAdjacency, regionCounts, regionsWithNeighbours, type HotspotRegionLevel } from './sql/regions.ts';
import { analysisArea, dataSpan, resolveCategories } from './sql/scope.ts';

export const DEFAULT_HOTSPOT_DAYS = 30;
/** Outer radius of the local baseline ring, in grid steps beyond the Gi* neighbourhood. */
export const BASELINE_RING_WIDTH = 2;

export type Baseline = 'none' | 'local';

/** The values Gi* reads: raw counts, or the excess over each cell's surrounding ring. */
function analysed(cells: readonly string[], k: number, baseline: Baseline) {
  if (baseline === 'none') return (counts: ArrayLike<number>) => counts;
  const rings = ringIndex(cells, k, k + BASELINE_RING_WIDTH);
  return (counts: ArrayLike<number>) => localExcess(counts, rings);
}

export interface H3HotspotRequest {
  res: H3Res;
  k: number;
  from?: string;
  to?: string;
  category?: string;
  district?: string;
  fdr: boolean;
  baseline: Baseline;
  /** Also list cells with no tickets and no significant bin. */
  all?: boolean;
}

const binCounts = (bins: readonly number[]) => {
  const out: Record<string, number> = { '-3': 0, '-2': 0, '-1': 0, '0': 0, '1': 0, '2': 0, '3': 0 };
  for (const b of bins) out[String(b)]++;
  return out;
};

/** `street` in a response only when the analysis ran over one street (city answers keep their shape). */
const streetField = (street: string | null) => (street === null ? {} : { street });

/**
 * Every map here runs over the principal's jurisdiction (`jurisdiction`, `p.scope`): a
 * district's cells and counts from the district-keyed rollups, a street's from its own tickets.
 */
export async function h3Hotspots(db: Queryable, req: H3HotspotRequest, jurisdiction: Scope) {
  const t0 = Date.now();
  const [categories, { district, street }, span] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
  ]);
  const w = dayWindow(req, span.last, DEFAULT_HOTSPOT_DAYS);
  const scope = { res: req.res, categories, district, street };
  const [cells, counts] = await Promise.all([studyCells(db, scope, w.to), windowCounts(db, scope, w.from, w.end)]);
  const tRead = Date.now();
  const values = cells.map((c) => counts.get(c) ?? 0);
  const raw = hotspotMap(cells, analysed(cells, req.k, req.baseline)(values), cachedNeighbourLists(cells, req.k), { fdr: req.fdr });
  // The map reports the raw counts whatever Gi* read.
  const map = { ...raw, locations: raw.locations.map((l, i) => ({ ...l, count: values[i] })) };
  const shown = map.locations.filter((l) => req.all || l.count > 0 || l.bin !== 0);
  return {
    res: req.res,
    k: req.k,
    from: w.from,
    to: w.to,
    category: req.category ?? null,
    district,
    ...streetField(street),
    fdr: req.fdr,
    baseline: req.baseline,
    studyCells: cells.length,
    tickets: values.reduce((a, b) => a + b, 0),
    cutoffs: map.cutoffs,
    degenerate: map.degenerate,
    bins: binCounts(map.locations.map((l) => l.bin)),
    cells: shown.map((l) => ({ cell: l.id, count: l.count, z: roundZ(l.z), p: roundP(l.p), bin: l.bin })),
    timing: { readMs: tRead - t0, computeMs: Date.now() - tRead },
  };
}

export interface RegionHotspotRequest {
  level: HotspotRegionLevel;
  from?: string;
  to?: string;
  category?: string;
  district?: string;
  fdr: boolean;
}

export async function regionHotspots(db: Queryable, req: RegionHotspotRequest, jurisdiction: Scope) {
  const [categories, { district, street }, span] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
  ]);
  if (street !== null && req.level === 'district') throw new OutOfScope('level', `level: districts are wider than your jurisdiction (${street})`);
  const w = dayWindow(req, span.last, DEFAULT_HOTSPOT_DAYS);
  await ensureAdjacency(db, req.level);
  const [regions, counts] = await Promise.all([
    regionsWithNeighbours(db, req.level, district, street),
    regionCounts(db, req.level, w.from, w.end, categories, jurisdiction),
  ]);
  const index = new Map(regions.map((r, i) => [r.code, i]));
  // Neighbours outside the study (another district) are left out, like H3 cells outside it.
  const neighbours = regions.map((r) => r.neighbours.map((c) => index.get(c)).filter((i): i is number => i !== undefined));
  const values = regions.map((r) => counts.get(r.code) ?? 0);
  const map = hotspotMap(regions.map((r) => r.code), values, neighbours, { fdr: req.fdr });
  return {
    level: req.level,
    from: w.from,
    to: w.to,
    category: req.category ?? null,
    district,
    ...streetField(street),
    fdr: req.fdr,
    neighbourRule: 'shared border (rook contiguity); the region itself is its own neighbour',
    tickets: values.reduce((a, b) => a + b, 0),
    cutoffs: map.cutoffs,
    degenerate: map.degenerate,
    bins: binCounts(map.locations.map((l) => l.bin)),
    regions: regions.map((r, i) => {
      const l = map.locations[i];
      return {
        code: r.code,
        name: r.name,
        nameEn: r.nameEn,
        parentCode: r.parentCode,
        count: l.count,
        z: roundZ(l.z),
        p: roundP(l.p),
        bin: l.bin,
        neighbours: r.neighbours,
      };
    }),
  };
}

export interface EmergingRequest {
  res: H3Res;
  k: number;
  step: Step;
  steps: number;
  /** Last day of the analysis (city date); default: the end of the last complete step. */
  to?: string;
  category?: string;
  district?: string;
  fdr: boolean;
  baseline: Baseline;
  trendAlpha: number;
  series: 'none' | 'counts' | 'full';
  all: boolean;
}

export async function emergingH3(db: Queryable, req: EmergingRequest, jurisdiction: Scope) {
  const t0 = Date.now();
  const [categories, { district, street }, span] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
  ]);
  let window: { start: string; end: string; starts: string[] };
  if (req.to !== undefined) {
    // An explicit last day: the analysis ends with the step holding it.
    const last = dayWindow({ to: req.to }, span.last, 1).to;
    window = stepsEndingAt(nextStep(stepStart(last, req.step), req.step), req.step, req.steps);
  } else {
    if (span.last === null) throw new AnalysisInputError('to', 'there is no data to analyse yet');
    window = completeSteps(span.last, req.step, req.steps);
  }
  const scope = { res: req.res, categories, district, street };
  const lastDay = addDays(window.end, -1);
  const [cells, rows] = await Promise.all([studyCells(db, scope, lastDay), stepCounts(db, scope, window.start, window.end, req.step)]);
  const tRead = Date.now();
  const index = new Map(cells.map((c, i) => [c, i]));
  const counts = cells.map(() => new Array<number>(req.steps).fill(0));
  for (const r of rows) {
    const i = index.get(r.cell);
    if (i === undefined) continue;
    r.steps.forEach((step, j) => {
      if (step >= 0 && step < req.steps) counts[i][step] += r.counts[j];
    });
  }
  const neighbours = cachedNeighbourLists(cells, req.k);
  const values = transposeApply(counts, req.steps, analysed(cells, req.k, req.baseline));
  const result = emergingHotSpots({ counts: values, neighbours }, { fdr: req.fdr, trendAlpha: req.trendAlpha });
  const countTrends = neighbourhoodTrends(counts, neighbours, req.steps);
  const tally = new Map<EmergingPatternId, number>();
  for (const l of result.locations) tally.set(l.pattern, (tally.get(l.pattern) ?? 0) + 1);
  const label = new Map(EMERGING_PATTERNS.map((p) => [p.id, p]));
  const out = [];
  for (let i = 0; i < cells.length; i++) {
    const loc = result.locations[i];
    if (!req.all && loc.pattern === 'no_pattern') continue;
    const l = label.get(loc.pattern)!;
    out.push({
      cell: cells[i],
      pattern: loc.pattern,
      zh: l.zh,
      en: l.en,
      trend: { z: roundZ(loc.trend.z), p: roundP(loc.trend.p), tau: roundZ(loc.trend.tau), s: loc.trend.s },
      countTrend: countTrends[i],
      total: counts[i].reduce((a, b) => a + b, 0),
      ...(req.series === 'none' ? {} : { counts: counts[i], bins: result.steps.map((s) => s.bins[i]) }),
      ...(req.series === 'full' ? { z: result.steps.map((s) => roundZ(s.z[i])) } : {}),
    });
  }
  return {
    res: req.res,
    k: req.k,
    step: req.step,
    steps: req.steps,
    from: window.start,
    to: lastDay,
    stepStarts: window.starts,
    category: req.category ?? null,
    district,
    ...streetField(street),
    fdr: req.fdr,
    baseline: req.baseline,
    trendAlpha: req.trendAlpha,
    studyCells: cells.length,
    patterns: EMERGING_PATTERNS.map((p) => ({ ...p, cells: tally.get(p.id) ?? 0 })),
    cells: out,
    timing: { readMs: tRead - t0, computeMs: Date.now() - tRead },
  };
}

/** Apply a per-step transform (one column of the cube at a time) to a locations × steps cube. */
function transposeApply(counts: number[][], steps: number, f: (column: ArrayLike<number>) => ArrayLike<number>): ArrayLike<number>[] {
  const n = counts.length;
  const out = counts.map(() => new Float64Array(steps));
  const column = new Float64Array(n);
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < n; i++) column[i] = counts[i][t];
    const v = f(column);
    for (let i = 0; i < n; i++) out[i][t] = v[i];
  }
  return out;
}

/**
 * Mann-Kendall on the tickets of each cell's neighbourhood (the cells Gi* sums) per step: the
 * plain "are complaints here rising" beside EHSA's trend of the z-score, which is relative to
 * each step's city-wide spread. rising / falling at p ≤ 0.05, else flat.
 */
function neighbourhoodTrends(counts: number[][], neighbours: number[][], steps: number) {
  const series = new Float64Array(steps);
  return counts.map((_, i) => {
    series.fill(0);
    const set = new Set([i, ...neighbours[i]]);
    for (const j of set) for (let t = 0; t < steps; t++) series[t] += counts[j][t];
    const mk = mannKendall(series);
    const direction = mk.p <= 0.05 && mk.z > 0 ? 'rising' : mk.p <= 0.05 && mk.z < 0 ? 'falling' : 'flat';
    return { z: roundZ(mk.z), p: roundP(mk.p), direction };
  });
}
