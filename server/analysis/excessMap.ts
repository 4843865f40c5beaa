// Hot and cold spots of EXCESS over expected counts (expected.ts): one map of places with their
// observed and expected counts and neighbours. Pure.
//
// Test, per place i with neighbourhood N_i (itself and its neighbours, as Gi*):
//   O = Σ_{j∈N_i} o_j,   E = Σ_{j∈N_i} e_j,   Var = E + φ·Σ e_j² + Σ e_j²·relVariance_j
//   p = two-sided mid-p of O under the negative binomial with that mean and variance (Poisson when
//   φ = 0 and the expected values are known), distributions.ts
// then Benjamini–Hochberg across the places (fdr.ts: bins ±3/±2/±1 at q = 0.01/0.05/0.10), z = the
// signed normal score of p (distributions.ts signedZ) so lists can still sort by z. A place is hot
// when its neighbourhood holds significantly MORE tickets than its own history predicts at the
// city's current level, cold when significantly fewer: cold spots exist wherever enough was
// expected (E ≥ 3 can be significant at 0.05).
//
// Each place also carries its own (not the neighbourhood's) ratio observed/expected with the exact
// Poisson interval (Garwood 1936) and an empirical-Bayes ratio (Clayton & Kaldor 1987): relative
// risks θ ~ Gamma(a, a) with 1/a = the variance of the ratios across places by moments,
// (Σ(o − e)² − Σo)/Σe² (floored at 0.01), posterior mean (a + o)/(a + e). A place with 1 ticket
// where 0.1 were expected has ratio 10 but a shrunk ratio near 1; one with 60 where 20 were
// expected keeps most of its 3.
//
// References: Ord & Getis 1995 (the neighbourhood sum, self included); Benjamini & Hochberg 1995;
// Lancaster 1961 (mid-p); Clayton & Kaldor 1987 (empirical Bayes relative risks).
import { countMidP, poissonInterval, signedZ } from './distributions.ts';
import type { ExpectedModel } from './expected.ts';
import { confidenceBins, type ConfidenceBin } from './fdr.ts';
import { compactNeighbours, type CompactNeighbours, type NeighbourLists } from './gistar.ts';

/** Smallest variance of relative risks the empirical-Bayes prior assumes (its CV ≥ 10%). */
export const MIN_RATIO_VARIANCE = 0.01;

export interface ExcessLocation {
  id: string;
  count: number;
  expected: number;
  /** count / expected (null when nothing is expected). */
  ratio: number | null;
  /** 95% exact interval of the ratio (Garwood); null when nothing is expected or not asked for (`intervals`). */
  ratioLow: number | null;
  ratioHigh: number | null;
  /** Empirical-Bayes ratio (a + o)/(a + e). */
  shrunk: number;
  /** Neighbourhood sums the test reads. */
  nbCount: number;
  nbExpected: number;
  z: number;
  p: number;
  bin: ConfidenceBin;
}

export interface ExcessMap {
  locations: ExcessLocation[];
  cutoffs: { p99: number; p95: number; p90: number };
  /** φ of the test (from the history) and the prior variance of the ratios (current map). */
  dispersion: number;
  ratioVariance: number;
  degenerate: 'no_history' | 'no_tickets' | null;
}

function isCompact(nb: NeighbourLists | CompactNeighbours): nb is CompactNeighbours {
  return !Array.isArray(nb) && 'offsets' in nb;
}

/** Pick the fields of an expected model the test needs (lets callers pass plain arrays too). */
export type ExpectedInput = Pick<ExpectedModel, 'expected' | 'relVariance' | 'dispersion'> & {
  degenerate?: ExpectedModel['degenerate'];
};

export function excessMap(
  ids: readonly string[],
  observed: ArrayLike<number>,
  model: ExpectedInput,
  neighbours: NeighbourLists | CompactNeighbours,
  options: { fdr: boolean; level?: number; intervals?: boolean | ((i: number, bin: ConfidenceBin) => boolean) },
): ExcessMap {
  const n = ids.length;
  if (observed.length !== n || model.expected.length !== n)
    throw new RangeError(`${n} places, ${observed.length} counts, ${model.expected.length} expected values`);
  const nb = isCompact(neighbours) ? neighbours : compactNeighbours(neighbours);
  if (nb.n !== n) throw new RangeError(`${n} places but ${nb.n} neighbour sets`);
  const { expected, relVariance, dispersion } = model;
  let total = 0;
  let ss = 0;
  let so = 0;
  let se2 = 0;
  for (let i = 0; i < n; i++) {
    const o = observed[i];
    if (!Number.isInteger(o) || o < 0) throw new RangeError(`count ${o} at place ${i} is not a non-negative integer`);
    total += o;
    const e = expected[i];
    ss += (o - e) * (o - e);
    so += o;
    se2 += e * e;
  }
  const degenerate = model.degenerate === 'no_history' ? 'no_history' : total === 0 ? 'no_tickets' : null;
  const ratioVariance = Math.max(MIN_RATIO_VARIANCE, se2 > 0 ? (ss - so) / se2 : 0);
  const a = 1 / ratioVariance;

  const z = new Array<number>(n).fill(0);
  const p = new Array<number>(n).fill(1);
  const nbCount = new Array<number>(n).fill(0);
  const nbExpected = new Array<number>(n).fill(0);
  const { offsets, indices } = nb;
  for (let i = 0; i < n; i++) {
    let O = 0;
    let E = 0;
    let extra = 0;
    for (let k = offsets[i]; k < offsets[i + 1]; k++) {
      const j = indices[k];
      const e = expected[j];
      O += observed[j];
      E += e;
      extra += e * e * (dispersion + relVariance[j]);
    }
    nbCount[i] = O;
    nbExpected[i] = E;
    if (degenerate !== null) continue;
    const t = countMidP(O, E, E + extra);
    p[i] = t.twoSided;
    z[i] = signedZ(t.twoSided, t.upper < t.lower ? 1 : t.lower < t.upper ? -1 : 0);
  }
  const { bins, cutoffs } = confidenceBins(z, p, { fdr: options.fdr });
  const level = options.level ?? 0.95;
  const locations = ids.map((id, i): ExcessLocation => {
    const o = observed[i];
    const e = expected[i];
    const want = options.intervals ?? true;
    const withInterval = e > 0 && (typeof want === 'function' ? want(i, bins[i]) : want);
    const [lo, hi] = withInterval ? poissonInterval(o, level) : [0, 0];
    return {
      id,
      count: o,
      expected: e,
      ratio: e > 0 ? o / e : null,
      ratioLow: withInterval ? lo / e : null,
      ratioHigh: withInterval ? hi / e : null,
      shrunk: (a + o) / (a + e),
      nbCount: nbCount[i],
      nbExpected: nbExpected[i],
      z: z[i],
      p: p[i],
      bin: bins[i],
    };
  });
  return { locations, cutoffs, dispersion, ratioVariance, degenerate };
}
