// False discovery rate and confidence bins for hot spot maps.
//
// Follows Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57:
// sort the m p-values, find the largest k with p_(k) ≤ k·q/m, reject the k smallest.
// Why: one Gi* test per location means thousands of tests; at 90% confidence a map of
// 50,000 cells shows ~5,000 "hot spots" from noise alone without a correction.
//
// Confidence bins follow ArcGIS Hot Spot Analysis (Gi_Bin): ±3 = 99%, ±2 = 95%, ±1 = 90%,
// sign from z, 0 = not significant. With the FDR option each level α ∈ {0.01, 0.05, 0.10}
// uses the BH threshold at q = α instead of α itself (ArcGIS: "Apply False Discovery Rate
// (FDR) Correction"). Comparisons are p ≤ cutoff throughout, the usual rejection rule.

export interface FdrResult {
  /** k·q/m for the largest k with p_(k) ≤ k·q/m; 0 when nothing is rejected. */
  threshold: number;
  /** k, the number of rejected hypotheses. */
  rejectedCount: number;
  /** rejected[i] ⇔ p[i] ≤ threshold (and k > 0). */
  rejected: boolean[];
}

function checkProbabilities(p: ArrayLike<number>): void {
  for (let i = 0; i < p.length; i++) {
    const v = p[i];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`p-value ${v} at ${i} is not in [0, 1]`);
  }
}

/** k and the threshold k·q/m of the step-up procedure, on p-values already sorted ascending. */
function stepUp(sorted: Float64Array, q: number): { k: number; threshold: number } {
  if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1], got ${q}`);
  const m = sorted.length;
  let k = 0;
  for (let i = m; i >= 1; i--) {
    if (sorted[i - 1] <= (i * q) / m) {
      k = i;
      break;
    }
  }
  // The set {p ≤ k·q/m} is exactly the k smallest: any larger p_(j), j > k, exceeds
  // j·q/m ≥ k·q/m (rounding is monotone, so this holds in floating point too).
  return { k, threshold: k === 0 ? 0 : (k * q) / m };
}

/** Benjamini–Hochberg step-up procedure at false discovery rate q. */
export function benjaminiHochberg(p: ArrayLike<number>, q: number): FdrResult {
  if (!(q > 0 && q <= 1)) throw new RangeError(`q must be in (0, 1], got ${q}`);
  checkProbabilities(p);
  const m = p.length;
  const { k, threshold } = stepUp(Float64Array.from(p).sort(), q);
  const rejected = new Array<boolean>(m);
  for (let i = 0; i < m; i++) rejected[i] = k > 0 && p[i] <= threshold;
  return { threshold, rejectedCount: k, rejected };
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values): q_(i) = min_{j ≥ i} p_(j)·m/j, capped at 1.
 * q_i ≤ α ⇔ p_i is rejected by benjaminiHochberg(p, α), so one pass serves every α.
 */
export function bhAdjusted(p: ArrayLike<number>): number[] {
  checkProbabilities(p);
  const m = p.length;
  const order = Array.from({ length: m }, (_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const q = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r];
    running = Math.min(running, (p[i] * m) / (r + 1));
    q[i] = running;
  }
  return q;
}

/** Confidence levels of the bins, most confident first: bin 3 ↔ α = 0.01. */
export const CONFIDENCE_ALPHAS = [0.01, 0.05, 0.1] as const;

/** A confidence bin: −3..3 (see header). */
export type ConfidenceBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

export interface ConfidenceBinsResult {
  bins: ConfidenceBin[];
  /** p cutoff used for bins ±3, ±2, ±1 (α itself, or the BH threshold at q = α). */
  cutoffs: { readonly p99: number; readonly p95: number; readonly p90: number };
}

/** Gi_Bin-style confidence bins from z (sign) and p (level), optionally FDR-corrected. */
export function confidenceBins(
  z: ArrayLike<number>,
  p: ArrayLike<number>,
  options: { fdr: boolean },
): ConfidenceBinsResult {
  if (z.length !== p.length) throw new RangeError(`${z.length} z-scores but ${p.length} p-values`);
  checkProbabilities(p);
  // One sort serves the three levels (a map of 30,000 cells × 52 steps sorts 52 times, not 156).
  const sorted = options.fdr ? Float64Array.from(p).sort() : null;
  const [c99, c95, c90] = CONFIDENCE_ALPHAS.map((alpha) => (sorted ? stepUp(sorted, alpha).threshold : alpha));
  const bins = new Array<ConfidenceBin>(z.length);
  for (let i = 0; i < z.length; i++) {
    const pi = p[i];
    const level = pi <= c99 ? 3 : pi <= c95 ? 2 : pi <= c90 ? 1 : 0;
    const sign = z[i] > 0 ? 1 : z[i] < 0 ? -1 : 0;
    bins[i] = (level === 0 ? 0 : sign * level) as ConfidenceBin; // never −0
  }
  return { bins, cutoffs: { p99: c99, p95: c95, p90: c90 } };
}
