// Emerging hot spots on COUNTS against expected counts (not on Gi* z-scores). Pure.
//
// Why not EHSA on z (spaceTime.ts, kept as measure=count): z is relative to each step's city-wide
// spread, so a flat source reads "diminishing" when the spread grows; normal p-values do not fit
// ticket counts; nothing corrects ~26,000 trend tests; and EHSA asks a place to be significant in
// ≥ 90% of steps on its own, which a steady problem of 15 tickets a month where 8 are expected
// never is at a per-step FDR over thousands of places, however clear its year is.
//
// Expected counts. Per place i (neighbourhood N_i = itself and its k-ring; ring R_i = grid
// distance k+1..k+2, as localBaseline.ts) and step t, with C_t = the city's tickets in step t:
//   L_i  = (Σ_{j∈R_i} Σ_t o_jt + c̄) / (|R_i| + 1)   the surroundings' tickets per place over all
//          steps, with one pseudo-place at the city mean c̄ (an empty ring is not "0 expected")
//   e_it = L_i · C_t / Σ_t C_t                        as busy as its surroundings, following the
//          city's level step by step: a city-wide rise or season is no local change
//   O_t, E_t = Σ_{j∈N_i} o_jt, Σ_{j∈N_i} e_jt
// Why surroundings and not the place's own history: a persistent problem IS the place's own
// history; against itself it is never hot. Without residents per cell, comparable places are the
// ones around it. Places differ from their surroundings for good reasons (an estate next to a
// park), so the tests below count that spread as noise:
//   φs = the places' spread around their surroundings over the whole span (moments on span totals,
//        (Σ(o − e)² − Σo)/Σe²), constant in time;
//   φt = the steps' spread around each place's own share of the city (moments, as expected.ts);
//   v_i = the relative error of L_i: 1/(ring tickets + c̄) + φs/(|R_i| + 1).
// Both by two passes: the cells of places found in the first (span or surge at q) are left out of
// the second's moments, so real hot spots do not widen the null they are tested against.
//
// Four decisions per place, each a family of tests with Benjamini–Hochberg across places at q
// (= trendAlpha, default 0.05), two-sided mid-p under the negative binomial with the stated
// variance (distributions.ts):
//   span   Σ_t O_t vs Σ_t E_t; Var = E + φs·Σ_j(Σ_t e_jt)² + φt·Σ_t Σ_j e_jt² + E²·v_i
//   trend  Mann-Kendall on O_t/E_t (the neighbourhood's share of the city, since E_t follows C_t),
//          tested among the places significant on span or now only: MK reads the ORDER of the
//          ratios, which under no trend does not depend on their level, so its p-values stay
//          uniform after selecting on the level (calibration.test.ts checks it) — and twelve steps
//          give MK at best p = 8e-6, which BH over 10,000 places would never reach
//   surge  the final step against the place's OWN earlier level (steps before the last quarter):
//          mean r·E_T with r = (O_before + ½)/E_before; Var = mean + φt·Σ_j(r·e_jT)² + mean²/(O_before + ½)
//   now    the final step against its surroundings (that step's test below)
// and, unadjusted (p ≤ 0.05), "hot before" (the span test on the steps before the last quarter) and
// the step before the last against the place's own earlier level (for "consecutive").
// Each step also gets its own test against the surroundings (Var = E + (φs + φt)·Σ e_jt² + E²·v_i),
// with bins per step by BH across places (fdr.ts), for the series a planner reads.
//
// Classes (EHSA's names, emerging.ts colours; checked in this order, cold mirrors hot):
//   new / consecutive hot  surge up, not hot before, final ratio > 1 (consecutive: the step before
//                          the last also above the earlier level)
//   intensifying hot       trend up, and hot over the span or hot now
//   diminishing hot        trend down, hot over the span, final ratio > 1
//   persistent hot         hot over the span, no trend, ratio > 1 in ≥ 90% of steps and the last
//   historical hot / cold  hot (cold) over the span, final ratio ≤ 1 (≥ 1)
//   sporadic hot / cold    hot (cold) over the span otherwise, or hot (cold) now
//   no pattern             the rest. Oscillating is not assigned.
// Known limit: a constant number of extra tickets in a city that grows is a FALLING share.
import { countMidP, signedZ } from './distributions.ts';
import { atLeastNinetyPercent, type EmergingPatternId } from './emerging.ts';
import { bhAdjusted, confidenceBins, type ConfidenceBin } from './fdr.ts';
import { compactNeighbours, type NeighbourLists } from './gistar.ts';
import { mannKendall, type MannKendallResult } from './mannKendall.ts';

/** Uncorrected level of the supporting checks ("hot before", the step before the last). */
export const SUPPORT_ALPHA = 0.05;

export interface ExcessCube {
  /** counts[place][step], oldest step first. */
  counts: ReadonlyArray<ArrayLike<number>>;
  /** Neighbours per place (self added). */
  neighbours: NeighbourLists;
  /** Ring (surroundings) per place: indices of the places at grid distance k+1..k+2. */
  rings: ReadonlyArray<ReadonlyArray<number>>;
}

export interface ExcessCubeOptions {
  /** Per-step bins with BH across places (default true). */
  fdr?: boolean;
  /** FDR level of the place decisions (span, trend, surge, now). Default 0.05. */
  trendAlpha?: number;
}

export interface ExcessStep {
  z: number[];
  p: number[];
  bins: ConfidenceBin[];
  cutoffs: { p99: number; p95: number; p90: number };
}

type Sign = -1 | 0 | 1;

/** What the classification reads (signs are 0 unless significant). */
export interface PlaceEvidence {
  steps: number;
  span: Sign;
  before: Sign;
  trend: Sign;
  surge: Sign;
  /** The step before the last was above (+1) / below (−1) the earlier level, unadjusted. */
  previous: Sign;
  now: Sign;
  /** Steps with ratio > 1 and < 1. */
  above: number;
  below: number;
  finalRatio: number;
}

export interface ExcessPlace {
  pattern: EmergingPatternId;
  evidence: PlaceEvidence;
  /** Mann-Kendall on O/E, with its BH q-value (1 when untestable). */
  trend: MannKendallResult & { q: number };
  /** Span and surge tests: two-sided p and BH q. */
  span: { ratio: number; p: number; q: number };
  surge: { ratio: number; p: number; q: number };
  nbCounts: number[];
  nbExpected: number[];
}

export interface ExcessCubeResult {
  steps: ExcessStep[];
  places: ExcessPlace[];
  cityTotals: number[];
  dispersion: { spatial: number; temporal: number };
}

/** Steps before the last quarter (at least one, at most T − 1): the "before" of surge and new. */
export function beforeSteps(T: number): number {
  return Math.max(1, Math.min(T - 1, Math.floor((3 * T) / 4)));
}

const sideOf = (r: { upper: number; lower: number }): Sign => (r.upper < r.lower ? 1 : r.lower < r.upper ? -1 : 0);

/** The class of one place from its evidence (rules in the header). */
export function classifyExcess(e: PlaceEvidence): EmergingPatternId {
  const mostly = (k: number) => atLeastNinetyPercent(k, e.steps);
  for (const side of [1, -1] as const) {
    const s = side === 1 ? 'hot' : 'cold';
    const beyond = side === 1 ? e.finalRatio > 1 : e.finalRatio < 1;
    if (e.surge === side && e.before !== side && beyond) return e.previous === side ? `consecutive_${s}` : `new_${s}`;
    if (e.trend === side && (e.span === side || e.now === side)) return `intensifying_${s}`;
    if (e.trend === -side && e.span === side && beyond) return `diminishing_${s}`;
    if (e.span === side && e.trend === 0 && beyond && mostly(side === 1 ? e.above : e.below)) return `persistent_${s}`;
  }
  for (const side of [1, -1] as const) {
    const s = side === 1 ? 'hot' : 'cold';
    const beyond = side === 1 ? e.finalRatio > 1 : e.finalRatio < 1;
    if (e.span === side && !beyond) return `historical_${s}`;
    if (e.span === side || e.now === side) return `sporadic_${s}`;
  }
  return 'no_pattern';
}

/** Two-sided mid-p and side, or p = 1 when nothing is expected. */
function test(o: number, mean: number, variance: number): { p: number; side: Sign } {
  if (!(mean > 0)) return { p: 1, side: 0 };
  const r = countMidP(o, mean, variance);
  return { p: r.twoSided, side: sideOf(r) };
}

export function emergingOnExcess(cube: ExcessCube, options: ExcessCubeOptions = {}): ExcessCubeResult {
  const fdr = options.fdr ?? true;
  const q = options.trendAlpha ?? 0.05;
  const n = cube.counts.length;
  if (cube.neighbours.length !== n || cube.rings.length !== n)
    throw new RangeError(`${n} places, ${cube.neighbours.length} neighbour lists, ${cube.rings.length} rings`);
  const T = n === 0 ? 0 : cube.counts[0].length;
  const totals = new Float64Array(n);
  const city = new Array<number>(T).fill(0);
  cube.counts.forEach((row, i) => {
    if (row.length !== T) throw new RangeError(`place ${i} has ${row.length} steps, expected ${T}`);
    for (let t = 0; t < T; t++) {
      const o = row[t];
      if (!Number.isInteger(o) || o < 0)
        throw new RangeError(`count ${o} at place ${i}, step ${t} is not a non-negative integer`);
      totals[i] += o;
      city[t] += o;
    }
  });
  const cityTotal = city.reduce((a, b) => a + b, 0);
  const cityMean = n > 0 ? cityTotal / n : 0;
  const share = city.map((c) => (cityTotal > 0 ? c / cityTotal : 0));

  // Surroundings' level per place.
  const level = new Float64Array(n);
  const ringTickets = new Float64Array(n);
  cube.rings.forEach((ring, i) => {
    let s = 0;
    for (const j of ring) s += totals[j];
    ringTickets[i] = s;
    level[i] = (s + cityMean) / (ring.length + 1);
  });

  // Neighbourhood series.
  const { offsets, indices } = compactNeighbours(cube.neighbours);
  const nbCounts = Array.from({ length: n }, () => new Array<number>(T).fill(0));
  const nbExpected = Array.from({ length: n }, () => new Array<number>(T).fill(0));
  const nbE2 = Array.from({ length: n }, () => new Float64Array(T));
  const levelSq = new Float64Array(n); // Σ_j L_j² over the neighbourhood
  for (let i = 0; i < n; i++) {
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = indices[k];
      levelSq[i] += level[j] * level[j];
      for (let t = 0; t < T; t++) {
        const e = level[j] * share[t];
        nbCounts[i][t] += cube.counts[j][t];
        nbExpected[i][t] += e;
        nbE2[i][t] += e * e;
      }
    }
  }

  /** φs on span totals (e_i = L_i since the step shares sum to 1), φt on steps around own shares. */
  const dispersions = (included: (i: number) => boolean) => {
    let ss = 0;
    let so = 0;
    let se2 = 0;
    let ts = 0;
    let tp = 0;
    let te2 = 0;
    for (let i = 0; i < n; i++) {
      if (!included(i)) continue;
      const d = totals[i] - level[i];
      ss += d * d;
      so += totals[i];
      se2 += level[i] * level[i];
      if (totals[i] === 0) continue;
      for (let t = 0; t < T; t++) {
        const c = 1 - share[t];
        const e = totals[i] * share[t];
        const dt = cube.counts[i][t] - e;
        ts += dt * dt;
        tp += e * c;
        te2 += e * e * c;
      }
    }
    return { phiS: se2 > 0 ? Math.max(0, (ss - so) / se2) : 0, phiT: te2 > 0 ? Math.max(0, (ts - tp) / te2) : 0 };
  };

  const B = T >= 2 ? beforeSteps(T) : 0;
  const sum = (xs: ArrayLike<number>, from: number, to: number) => {
    let s = 0;
    for (let t = from; t < to; t++) s += xs[t];
    return s;
  };
  /** The span, "before" and surge tests of every place under given dispersions. */
  const placeTests = (phiS: number, phiT: number) => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = 1 / (ringTickets[i] + cityMean || 1) + phiS / (cube.rings[i].length + 1);
    const spanP = new Array<number>(n).fill(1);
    const spanSide = new Array<Sign>(n).fill(0);
    const beforeSide = new Array<Sign>(n).fill(0);
    const surgeP = new Array<number>(n).fill(1);
    const surgeSide = new Array<Sign>(n).fill(0);
    const previousSide = new Array<Sign>(n).fill(0);
    const spanRatio = new Array<number>(n).fill(0);
    const surgeRatio = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const O = nbCounts[i];
      const E = nbExpected[i];
      const spanTest = (to: number) => {
        const e = sum(E, 0, to);
        const stepShare = sum(share, 0, to);
        return test(
          sum(O, 0, to),
          e,
          e + phiS * levelSq[i] * stepShare * stepShare + phiT * sum(nbE2[i], 0, to) + e * e * v[i],
        );
      };
      const all = spanTest(T);
      spanP[i] = all.p;
      spanSide[i] = all.side;
      const eAll = sum(E, 0, T);
      spanRatio[i] = eAll > 0 ? sum(O, 0, T) / eAll : 0;
      if (B === 0) continue;
      const before = spanTest(B);
      beforeSide[i] = before.p <= SUPPORT_ALPHA ? before.side : 0;
      const oB = sum(O, 0, B);
      const eB = sum(E, 0, B);
      if (!(eB > 0)) continue;
      const r = (oB + 0.5) / eB;
      const against = (t: number) => {
        const mean = r * E[t];
        return test(O[t], mean, mean + phiT * r * r * nbE2[i][t] + (mean * mean) / (oB + 0.5));
      };
      const last = against(T - 1);
      surgeP[i] = last.p;
      surgeSide[i] = last.side;
      surgeRatio[i] = r * E[T - 1] > 0 ? O[T - 1] / (r * E[T - 1]) : 0;
      if (T - 2 >= B) {
        const prev = against(T - 2);
        previousSide[i] = prev.p <= SUPPORT_ALPHA ? prev.side : 0;
      }
    }
    return { v, spanP, spanSide, beforeSide, surgeP, surgeSide, previousSide, spanRatio, surgeRatio };
  };
  const adjust = (p: number[], testable: (i: number) => boolean) => {
    const idx = p.map((_, i) => i).filter(testable);
    const adj = bhAdjusted(idx.map((i) => p[i]));
    const out = new Array<number>(n).fill(1);
    idx.forEach((i, k) => (out[i] = adj[k]));
    return out;
  };
  const hasExpected = (i: number) => nbExpected[i].some((e) => e > 0);

  // Two passes: the places found in the first (span or surge at q) are left out of the dispersions
  // of the second, so real hot spots do not widen the null they are tested against.
  const first = dispersions(() => true);
  const pass1 = placeTests(first.phiS, first.phiT);
  const span1 = adjust(pass1.spanP, hasExpected);
  const surge1 = adjust(pass1.surgeP, (i) => B > 0 && hasExpected(i));
  const excluded = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (span1[i] > q && surge1[i] > q) continue;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) excluded[indices[k]] = 1;
  }
  const { phiS, phiT } = excluded.some((x) => x === 1) ? dispersions((i) => excluded[i] === 0) : first;
  const { v, spanP, spanSide, beforeSide, surgeP, surgeSide, previousSide, spanRatio, surgeRatio } =
    phiS === first.phiS && phiT === first.phiT ? pass1 : placeTests(phiS, phiT);

  // Per-step tests against the surroundings.
  const steps: ExcessStep[] = [];
  for (let t = 0; t < T; t++) {
    const z = new Array<number>(n).fill(0);
    const p = new Array<number>(n).fill(1);
    for (let i = 0; i < n; i++) {
      const E = nbExpected[i][t];
      const r = test(nbCounts[i][t], E, E + (phiS + phiT) * nbE2[i][t] + E * E * v[i]);
      p[i] = r.p;
      z[i] = signedZ(r.p, r.side);
    }
    const { bins, cutoffs } = confidenceBins(z, p, { fdr });
    steps.push({ z, p, bins, cutoffs });
  }

  const trends: MannKendallResult[] = [];
  const live = Array.from({ length: T }, (_, t) => t).filter((t) => city[t] > 0);
  const series = new Float64Array(live.length);
  for (let i = 0; i < n; i++) {
    const O = nbCounts[i];
    const E = nbExpected[i];
    live.forEach((t, k) => {
      // Ratios compared at 12 significant digits: a constant share must not trend on rounding.
      series[k] = Number((E[t] > 0 ? O[t] / E[t] : 0).toPrecision(12));
    });
    trends.push(mannKendall(series));
  }

  const spanQ = adjust(spanP, hasExpected);
  const surgeQ = adjust(surgeP, (i) => B > 0 && hasExpected(i));
  const nowQ = T > 0 ? adjust(steps[T - 1].p, (i) => nbExpected[i][T - 1] > 0) : [];
  // Trends are tested among the places that stand out (span or now); see the header.
  const selected = (i: number) => spanQ[i] <= q || (T > 0 && nowQ[i] <= q);
  const trendQ = adjust(
    trends.map((t) => t.p),
    (i) => trends[i].degenerate === null && selected(i),
  );

  const places = trends.map((mk, i): ExcessPlace => {
    const finalE = T > 0 ? nbExpected[i][T - 1] : 0;
    let above = 0;
    let below = 0;
    for (let t = 0; t < T; t++) {
      if (nbCounts[i][t] > nbExpected[i][t]) above++;
      else if (nbCounts[i][t] < nbExpected[i][t]) below++;
    }
    const nowSide: Sign = T > 0 && nowQ[i] <= q ? (steps[T - 1].z[i] > 0 ? 1 : steps[T - 1].z[i] < 0 ? -1 : 0) : 0;
    const evidence: PlaceEvidence = {
      steps: T,
      span: spanQ[i] <= q ? spanSide[i] : 0,
      before: beforeSide[i],
      trend: trendQ[i] <= q && mk.z !== 0 ? (mk.z > 0 ? 1 : -1) : 0,
      surge: surgeQ[i] <= q ? surgeSide[i] : 0,
      previous: previousSide[i],
      now: nowSide,
      above,
      below,
      finalRatio: finalE > 0 ? nbCounts[i][T - 1] / finalE : nbCounts[i][T - 1] > 0 ? Infinity : 1,
    };
    return {
      pattern: classifyExcess(evidence),
      evidence,
      trend: { ...mk, q: trendQ[i] },
      span: { ratio: spanRatio[i], p: spanP[i], q: spanQ[i] },
      surge: { ratio: surgeRatio[i], p: surgeP[i], q: surgeQ[i] },
      nbCounts: nbCounts[i],
      nbExpected: nbExpected[i],
    };
  });
  return { steps, places, cityTotals: city, dispersion: { spatial: phiS, temporal: phiT } };
}

/** A place's result at the scale that classed it. */
export interface TwoScalePlace extends ExcessPlace {
  /** 'cell': the place alone against its surroundings; 'neighbourhood': its k-ring summed. */
  scale: 'cell' | 'neighbourhood';
}

export interface TwoScaleCube {
  counts: ReadonlyArray<ArrayLike<number>>;
  /** k-ring neighbours per place (self added). */
  neighbours: NeighbourLists;
  /** Surroundings of a place alone (grid distance 1..k+1) and of its neighbourhood (k+1..k+2). */
  cellRings: ReadonlyArray<ReadonlyArray<number>>;
  neighbourhoodRings: ReadonlyArray<ReadonlyArray<number>>;
}

/**
 * Emerging patterns at two scales: each place alone against its surroundings, and its k-ring summed
 * against the ring beyond (as Gi* sums it). A one-cell problem is a seventh of itself in a 7-cell
 * sum; a problem spread over a patch, or a place whose own cell is uneven, shows best summed. Each
 * scale's decisions are made at q/2, so the two together keep the false discovery rate at q
 * (Bonferroni over the scales). A place takes the cell's class when it has one, else the
 * neighbourhood's — except that a neighbourhood's significant trend (intensifying, diminishing)
 * replaces the cell's "persistent" on the same side, which only says no trend was found there.
 */
export function emergingAtTwoScales(
  cube: TwoScaleCube,
  options: ExcessCubeOptions = {},
): {
  steps: ExcessStep[];
  places: TwoScalePlace[];
  cityTotals: number[];
  dispersion: { cell: ExcessCubeResult['dispersion']; neighbourhood: ExcessCubeResult['dispersion'] };
} {
  const q = (options.trendAlpha ?? 0.05) / 2;
  const alone = cube.counts.map(() => [] as number[]);
  const cell = emergingOnExcess(
    { counts: cube.counts, neighbours: alone, rings: cube.cellRings },
    { ...options, trendAlpha: q },
  );
  const hood = emergingOnExcess(
    { counts: cube.counts, neighbours: cube.neighbours, rings: cube.neighbourhoodRings },
    { ...options, trendAlpha: q },
  );
  // The cell's class, unless it says "persistent" (no significant trend found at the cell) where the
  // neighbourhood found a significant trend on the same side: a trend found on seven cells' tickets
  // beats one not found on a single cell's. Each scale's trend family keeps its FDR at q/2.
  const trendOverPersistent = (c: string, h: string) =>
    (c === 'persistent_hot' && (h === 'intensifying_hot' || h === 'diminishing_hot')) ||
    (c === 'persistent_cold' && (h === 'intensifying_cold' || h === 'diminishing_cold'));
  const useCell = cell.places.map(
    (p, i) =>
      (p.pattern !== 'no_pattern' || hood.places[i].pattern === 'no_pattern') &&
      !trendOverPersistent(p.pattern, hood.places[i].pattern),
  );
  const places = cell.places.map((p, i): TwoScalePlace =>
    useCell[i] ? { ...p, scale: 'cell' } : { ...hood.places[i], scale: 'neighbourhood' },
  );
  // Per-step series: each place's bins and scores from the scale it was classed at.
  const steps = cell.steps.map((s, t) => {
    const h = hood.steps[t];
    return {
      z: s.z.map((z, i) => (useCell[i] ? z : h.z[i])),
      p: s.p.map((p, i) => (useCell[i] ? p : h.p[i])),
      bins: s.bins.map((b, i) => (useCell[i] ? b : h.bins[i])),
      cutoffs: s.cutoffs,
    };
  });
  return {
    steps,
    places,
    cityTotals: cell.cityTotals,
    dispersion: { cell: cell.dispersion, neighbourhood: hood.dispersion },
  };
}
