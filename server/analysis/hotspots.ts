// Hot spot maps served by /api/hotspots: on H3 cells (k-ring neighbours) and regions (shared-border
// neighbours), and emerging hot spots over time steps. Reads rollups through sql/, computes with
// the pure modules. Two measures:
// - excess (default): observed against expected counts — the place's own history at the city's
//   current level (expected.ts, excessMap.ts), or, over time steps, its surroundings
//   (emergingExcess.ts). Signal, not density. The map sums each place's k-ring as Gi* does (a
//   smoothing the planner chooses with k); the emerging patterns look at two scales, the cell alone
//   against its surroundings at grid distance 1..k+1 and its k-ring summed against the ring
//   beyond, because a one-cell problem summed with six quiet neighbours is a seventh of itself.
// - count: where tickets are (Gi* on counts, p by conditional permutation; EHSA on Gi* z).
import type { Database, Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { OutOfScope } from '../auth/scope.ts';
import { addDays, completeSteps, nextStep, stepsEndingAt, stepStart, type Step } from './calendar.ts';
import { EMERGING_PATTERNS, type EmergingPatternId } from './emerging.ts';
import { cachedNeighbourLists } from './h3Neighbours.ts';
import { hotspotMap, roundP, roundZ } from './hotspotMap.ts';
import { expectedCounts, HISTORY_MONTHS, historyOf } from './expected.ts';
import { excessMap } from './excessMap.ts';
import { DEFAULT_PERMUTATIONS } from './permutation.ts';
import { AnalysisInputError, dayWindow } from './params.ts';
import { emergingHotSpots } from './spaceTime.ts';
import { localExcess, ringIndex } from './localBaseline.ts';
import { neighbourhoodTrends } from './computeTasks.ts';
import { offThread } from './computeThread.ts';
import { studyCells, stepCounts, windowCounts, type H3Res } from './sql/h3.ts';
import {
  adjacencyBuilt,
  ensureAdjacency,
  regionCounts,
  regionMonthlyCounts,
  regionsWithNeighbours,
  type HotspotRegionLevel,
} from './sql/regions.ts';
import { analysisArea, dataSpan, resolveCategories } from './sql/scope.ts';

export const DEFAULT_HOTSPOT_DAYS = 30;
/** Outer radius of the local baseline ring, in grid steps beyond the Gi* neighbourhood. */
export const BASELINE_RING_WIDTH = 2;

export type Baseline = 'none' | 'local';
export type Measure = 'excess' | 'count';

/**
 * Most neighbour values one permutation map may draw (cells × neighbours × permutations): ~1 s of
 * arithmetic. A bigger map gets fewer permutations (never under 99) and says how many it used.
 */
export const PERMUTATION_BUDGET = 300_000_000;

function permutationsFor(requested: number | undefined, neighbours: readonly (readonly number[])[]): number {
  let draws = 0;
  for (const nb of neighbours) draws += nb.length;
  const wanted = requested ?? DEFAULT_PERMUTATIONS;
  return draws === 0 ? wanted : Math.max(99, Math.min(wanted, Math.floor(PERMUTATION_BUDGET / draws)));
}

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
  /** excess (default) or count; see the header. */
  measure?: Measure;
  /** Permutations of the count measure's conditional permutation test (default 999). */
  permutations?: number;
  /** Also list cells with no tickets and no significant bin. */
  all?: boolean;
}

/** A hot spot cell; the excess fields come with measure=excess. */
export interface HotspotCellOut extends HotspotCellFields {
  cell: string;
}

/** The figures of a hot spot place (cell or region). */
export interface HotspotCellFields {
  count: number;
  z: number;
  p: number;
  bin: number;
  expected?: number;
  excess?: number;
  ratio?: number | null;
  ratioLow?: number | null;
  ratioHigh?: number | null;
  shrunk?: number;
  nbCount?: number;
  nbExpected?: number;
}

/** How the expected counts were made (measure=excess). */
export interface ExpectedSummary {
  /** History months [from, to] (YYYY-MM) and their tickets. */
  historyFrom: string;
  historyTo: string;
  historyTickets: number;
  historyMonths: number;
  /** Whether the same season last year adjusted the shares. */
  seasonal: boolean;
  /** Residents per region as the prior (regions with population) or equal prior shares. */
  prior: 'exposure' | 'equal';
  /** φ: extra-Poisson spread of the history; the variance of ratios the shrinkage assumes. */
  dispersion: number;
  ratioVariance: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r3n = (x: number | null) => (x === null ? null : r3(x));
/** Expected counts per place of a window, from the HISTORY_MONTHS months before it. */
function expectedFor(
  values: number[],
  history: Map<string, number[]> | ((i: number) => number[] | undefined),
  ids: readonly string[],
  from: string,
  end: string,
  exposure: number[] | null,
) {
  const h = historyOf(from, end);
  const rows = ids.map((id, i) => (typeof history === 'function' ? history(i) : history.get(id)));
  const periods = Array.from({ length: HISTORY_MONTHS }, (_, m) => rows.map((r) => r?.[m] ?? 0));
  const model = expectedCounts(values, { periods, season: h.season }, { exposure });
  const summary: Omit<ExpectedSummary, 'ratioVariance'> = {
    historyFrom: h.start.slice(0, 7),
    historyTo: addDays(h.end, -1).slice(0, 7),
    historyTickets: model.historyTickets,
    historyMonths: model.historyPeriods,
    seasonal: model.seasonFactor !== null,
    prior: model.prior,
    dispersion: r3(model.dispersion),
  };
  return { model, history: h, summary };
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
  const measure = req.measure ?? 'excess';
  const scope = { res: req.res, categories, district, street };
  const hist = historyOf(w.from, w.end);
  const [cells, counts, history] = await Promise.all([
    studyCells(db, scope, w.to),
    windowCounts(db, scope, w.from, w.end),
    measure === 'excess' ? stepCounts(db, scope, hist.start, hist.end, 'month') : Promise.resolve([]),
  ]);
  const tRead = Date.now();
  const values = cells.map((c) => counts.get(c) ?? 0);
  const neighbours = cachedNeighbourLists(cells, req.k);
  let out: HotspotCellOut[];
  let cutoffs: { p99: number; p95: number; p90: number };
  let degenerate: string | null;
  let bins: number[];
  let expected: ExpectedSummary | null = null;
  let permutations = 0;
  if (measure === 'excess') {
    const byCell = new Map<string, number[]>();
    for (const r of history) {
      const row = byCell.get(r.cell) ?? new Array<number>(HISTORY_MONTHS).fill(0);
      r.steps.forEach((m, j) => {
        if (m >= 0 && m < HISTORY_MONTHS) row[m] += r.counts[j];
      });
      byCell.set(r.cell, row);
    }
    const { model, summary } = expectedFor(values, byCell, cells, w.from, w.end, null);
    const shown = (i: number, bin: number) => req.all || values[i] > 0 || bin !== 0;
    const map = excessMap(cells, values, model, neighbours, { fdr: req.fdr, intervals: shown });
    expected = { ...summary, ratioVariance: r3(map.ratioVariance) };
    cutoffs = map.cutoffs;
    degenerate = map.degenerate;
    bins = map.locations.map((l) => l.bin);
    out = map.locations
      .filter((l, i) => shown(i, l.bin))
      .map((l) => ({
        cell: l.id,
        count: l.count,
        z: roundZ(l.z),
        p: roundP(l.p),
        bin: l.bin,
        expected: r3(l.expected),
        excess: r3(l.count - l.expected),
        ratio: r3n(l.ratio),
        ratioLow: r3n(l.ratioLow),
        ratioHigh: r3n(l.ratioHigh),
        shrunk: r3(l.shrunk),
        nbCount: l.nbCount,
        nbExpected: r3(l.nbExpected),
      }));
  } else {
    permutations = permutationsFor(req.permutations, neighbours);
    const raw = hotspotMap(cells, analysed(cells, req.k, req.baseline)(values), neighbours, {
      fdr: req.fdr,
      permutations,
    });
    cutoffs = raw.cutoffs;
    degenerate = raw.degenerate;
    bins = raw.locations.map((l) => l.bin);
    // The map reports the raw counts whatever Gi* read.
    out = raw.locations
      .map((l, i) => ({ cell: l.id, count: values[i], z: roundZ(l.z), p: roundP(l.p), bin: l.bin as number }))
      .filter((l) => req.all || l.count > 0 || l.bin !== 0);
  }
  return {
    res: req.res,
    k: req.k,
    from: w.from,
    to: w.to,
    category: req.category ?? null,
    district,
    ...streetField(street),
    fdr: req.fdr,
    measure,
    baseline: req.baseline,
    ...(measure === 'count' ? { permutations } : {}),
    expected,
    studyCells: cells.length,
    tickets: values.reduce((a, b) => a + b, 0),
    cutoffs,
    degenerate,
    bins: binCounts(bins),
    cells: out,
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
  measure?: Measure;
  permutations?: number;
}

export async function regionHotspots(db: Queryable, req: RegionHotspotRequest, jurisdiction: Scope) {
  const [categories, { district, street }, span] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
  ]);
  if (street !== null && req.level === 'district')
    throw new OutOfScope('level', `level: districts are wider than your jurisdiction (${street})`);
  const w = dayWindow(req, span.last, DEFAULT_HOTSPOT_DAYS);
  const measure = req.measure ?? 'excess';
  const hist = historyOf(w.from, w.end);
  // Adjacency is built once per level, on the primary (a replica cannot write). Neighbours are read
  // where the built adjacency is sure to be: the replica once it holds it, else the primary.
  const primary = (db as Partial<Database>).primary ?? db;
  const onReads = primary !== db && (await adjacencyBuilt(db, req.level));
  if (!onReads) await ensureAdjacency(primary, req.level);
  const [regions, counts, history] = await Promise.all([
    regionsWithNeighbours(onReads ? db : primary, req.level, district, street),
    regionCounts(db, req.level, w.from, w.end, categories, jurisdiction),
    measure === 'excess'
      ? regionMonthlyCounts(db, req.level, hist.start, hist.end, HISTORY_MONTHS, categories, jurisdiction)
      : Promise.resolve(new Map<string, number[]>()),
  ]);
  const index = new Map(regions.map((r, i) => [r.code, i]));
  // Neighbours outside the study (another district) are left out, like H3 cells outside it.
  const neighbours = regions.map((r) =>
    r.neighbours.map((c) => index.get(c)).filter((i): i is number => i !== undefined),
  );
  const values = regions.map((r) => counts.get(r.code) ?? 0);
  const codes = regions.map((r) => r.code);
  const base = (r: (typeof regions)[number]) => ({
    code: r.code,
    name: r.name,
    nameEn: r.nameEn,
    parentCode: r.parentCode,
    neighbours: r.neighbours,
  });
  let rows;
  let cutoffs: { p99: number; p95: number; p90: number };
  let degenerate: string | null;
  let bins: number[];
  let expected: ExpectedSummary | null = null;
  let permutations = 0;
  if (measure === 'excess') {
    // Residents are the prior only when every region of the level has them.
    const exposure = regions.every((r) => (r.population ?? 0) > 0) ? regions.map((r) => r.population!) : null;
    const { model, summary } = expectedFor(values, history, codes, w.from, w.end, exposure);
    const map = excessMap(codes, values, model, neighbours, { fdr: req.fdr });
    expected = { ...summary, ratioVariance: r3(map.ratioVariance) };
    cutoffs = map.cutoffs;
    degenerate = map.degenerate;
    bins = map.locations.map((l) => l.bin);
    rows = regions.map((r, i) => {
      const l = map.locations[i];
      return {
        ...base(r),
        count: l.count,
        z: roundZ(l.z),
        p: roundP(l.p),
        bin: l.bin as number,
        expected: r3(l.expected),
        excess: r3(l.count - l.expected),
        ratio: r3n(l.ratio),
        ratioLow: r3n(l.ratioLow),
        ratioHigh: r3n(l.ratioHigh),
        shrunk: r3(l.shrunk),
        nbCount: l.nbCount,
        nbExpected: r3(l.nbExpected),
      };
    });
  } else {
    permutations = permutationsFor(req.permutations, neighbours);
    const map = hotspotMap(codes, values, neighbours, { fdr: req.fdr, permutations });
    cutoffs = map.cutoffs;
    degenerate = map.degenerate;
    bins = map.locations.map((l) => l.bin);
    rows = regions.map((r, i) => {
      const l = map.locations[i];
      return { ...base(r), count: l.count, z: roundZ(l.z), p: roundP(l.p), bin: l.bin as number } as ReturnType<
        typeof base
      > &
        HotspotCellFields;
    });
  }
  return {
    level: req.level,
    from: w.from,
    to: w.to,
    category: req.category ?? null,
    district,
    ...streetField(street),
    fdr: req.fdr,
    measure,
    ...(measure === 'count' ? { permutations } : {}),
    expected,
    neighbourRule: 'shared border (rook contiguity); the region itself is its own neighbour',
    tickets: values.reduce((a, b) => a + b, 0),
    cutoffs,
    degenerate,
    bins: binCounts(bins),
    regions: rows as (ReturnType<typeof base> & HotspotCellFields)[],
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
  /** excess (default): counts against the surroundings (emergingExcess.ts); count: EHSA on Gi* z. */
  measure?: Measure;
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
  const [cells, rows] = await Promise.all([
    studyCells(db, scope, lastDay),
    stepCounts(db, scope, window.start, window.end, req.step),
  ]);
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
  const measure = req.measure ?? 'excess';
  const label = new Map(EMERGING_PATTERNS.map((p) => [p.id, p]));
  const tally = new Map<EmergingPatternId, number>();
  const out = [];
  let dispersion: Record<'cell' | 'neighbourhood', { spatial: number; temporal: number }> | null = null;
  if (measure === 'excess') {
    // Seconds of arithmetic at city scale: on the analysis thread (computeThread.ts), the event loop stays free.
    const { result, countTrends } = await offThread('emergingExcess', cells, counts, req.k, BASELINE_RING_WIDTH, {
      fdr: req.fdr,
      trendAlpha: req.trendAlpha,
    });
    const d = result.dispersion;
    dispersion = {
      cell: { spatial: r3(d.cell.spatial), temporal: r3(d.cell.temporal) },
      neighbourhood: { spatial: r3(d.neighbourhood.spatial), temporal: r3(d.neighbourhood.temporal) },
    };
    for (let i = 0; i < cells.length; i++) {
      const place = result.places[i];
      tally.set(place.pattern, (tally.get(place.pattern) ?? 0) + 1);
      if (!req.all && place.pattern === 'no_pattern') continue;
      const l = label.get(place.pattern)!;
      out.push({
        cell: cells[i],
        pattern: place.pattern,
        zh: l.zh,
        en: l.en,
        trend: {
          z: roundZ(place.trend.z),
          p: roundP(place.trend.p),
          tau: roundZ(place.trend.tau),
          s: place.trend.s,
          q: roundP(place.trend.q),
        },
        countTrend: countTrends[i],
        scale: place.scale,
        span: { ratio: r3(place.span.ratio), p: roundP(place.span.p), q: roundP(place.span.q) },
        surge: { ratio: r3(place.surge.ratio), p: roundP(place.surge.p), q: roundP(place.surge.q) },
        total: counts[i].reduce((a, b) => a + b, 0),
        ...(req.series === 'none'
          ? {}
          : {
              counts: counts[i],
              bins: result.steps.map((s) => s.bins[i] as number),
              nbCounts: place.nbCounts,
              nbExpected: place.nbExpected.map(r3),
            }),
        ...(req.series === 'full' ? { z: result.steps.map((s) => roundZ(s.z[i])) } : {}),
      });
    }
  } else {
    const neighbours = cachedNeighbourLists(cells, req.k);
    const countTrends = neighbourhoodTrends(counts, neighbours, req.steps);
    const values = transposeApply(counts, req.steps, analysed(cells, req.k, req.baseline));
    const result = emergingHotSpots({ counts: values, neighbours }, { fdr: req.fdr, trendAlpha: req.trendAlpha });
    for (let i = 0; i < cells.length; i++) {
      const loc = result.locations[i];
      tally.set(loc.pattern, (tally.get(loc.pattern) ?? 0) + 1);
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
        ...(req.series === 'none' ? {} : { counts: counts[i], bins: result.steps.map((s) => s.bins[i] as number) }),
        ...(req.series === 'full' ? { z: result.steps.map((s) => roundZ(s.z[i])) } : {}),
      });
    }
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
    measure,
    baseline: req.baseline,
    trendAlpha: req.trendAlpha,
    dispersion,
    studyCells: cells.length,
    patterns: EMERGING_PATTERNS.map((p) => ({ ...p, cells: tally.get(p.id) ?? 0 })),
    cells: out as EmergingCellOut[],
    timing: { readMs: tRead - t0, computeMs: Date.now() - tRead },
  };
}

/** One cell of an emerging map; span and surge come with measure=excess, z with series=full. */
export interface EmergingCellOut {
  cell: string;
  pattern: EmergingPatternId;
  zh: string;
  en: string;
  /** Mann-Kendall (on O/E per step with measure=excess, with its BH q; on Gi* z with count). */
  trend: { z: number; p: number; tau: number; s: number; q?: number };
  countTrend: { z: number; p: number; direction: string };
  /** measure=excess: the scale that classed the place (the cell alone, or its k-ring summed). */
  scale?: 'cell' | 'neighbourhood';
  span?: { ratio: number; p: number; q: number };
  surge?: { ratio: number; p: number; q: number };
  total: number;
  counts?: number[];
  bins?: number[];
  nbCounts?: number[];
  nbExpected?: number[];
  z?: number[];
}

/** Apply a per-step transform (one column of the cube at a time) to a locations × steps cube. */
function transposeApply(
  counts: number[][],
  steps: number,
  f: (column: ArrayLike<number>) => ArrayLike<number>,
): ArrayLike<number>[] {
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
