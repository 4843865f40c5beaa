// Mann-Kendall trend test (Mann 1945; Kendall 1975, "Rank Correlation Methods"), with the
// tie correction of the variance, as ArcGIS Emerging Hot Spot Analysis applies it to each
// location's series of Gi* z-scores.
//
//   S = Σ_{i<j} sign(x_j − x_i)
//   Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18     (t = size of each group of ties)
//   Z = (S − 1)/√Var if S > 0,  (S + 1)/√Var if S < 0,  0 if S = 0   (continuity correction)
//   p = two-sided from the standard normal
//
// tau is Kendall's tau-b between the series and time (time has no ties):
//   tau = S / sqrt((n0 − n1) · n0),  n0 = n(n−1)/2,  n1 = Σ_t t(t−1)/2
// (the Kendall R package's choice; with no ties it equals tau-a = S / n0).
//
// Degenerate cases are explicit: n < 3 (the normal approximation is meaningless, and with
// n = 2 a single pair would be "a trend") gives z = 0, p = 1, degenerate 'too_few_points';
// a constant series has Var(S) = 0 and gives z = 0, p = 1, tau = 0, 'no_variance'.
// O(n²) pairs: fine for the tens to hundreds of time steps a cube has.
import { twoSidedP } from './normal.ts';

export interface MannKendallResult {
  n: number;
  s: number;
  varS: number;
  z: number;
  p: number;
  /** Kendall's tau-b. */
  tau: number;
  degenerate: 'too_few_points' | 'no_variance' | null;
}

export function mannKendall(series: ArrayLike<number>): MannKendallResult {
  const n = series.length;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(series[i])) throw new RangeError(`value ${series[i]} at ${i} is not a finite number`);
  }
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = series[i];
    for (let j = i + 1; j < n; j++) {
      const d = series[j] - xi;
      s += d > 0 ? 1 : d < 0 ? -1 : 0;
    }
  }
  // Tie groups: runs of equal values in sorted order.
  const sorted = Float64Array.from(series).sort();
  let tieTerm = 0;
  let tiedPairs = 0;
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const t = j - i;
    tieTerm += t * (t - 1) * (2 * t + 5);
    tiedPairs += (t * (t - 1)) / 2;
    i = j;
  }
  const varS = n < 2 ? 0 : (n * (n - 1) * (2 * n + 5) - tieTerm) / 18; // n = 0 would give −0
  const n0 = (n * (n - 1)) / 2;
  const tauDenominator = Math.sqrt((n0 - tiedPairs) * n0);
  const tau = tauDenominator > 0 ? s / tauDenominator : 0;
  if (n < 3) return { n, s, varS, z: 0, p: 1, tau, degenerate: 'too_few_points' };
  if (varS <= 0) return { n, s, varS, z: 0, p: 1, tau, degenerate: 'no_variance' };
  const z = s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0;
  return { n, s, varS, z, p: twoSidedP(z), tau, degenerate: null };
}
