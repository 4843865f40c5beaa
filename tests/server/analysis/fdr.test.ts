import { describe, expect, it } from 'vitest';
import { benjaminiHochberg, confidenceBins } from '../../../server/analysis/fdr.ts';

describe('Benjamini–Hochberg false discovery rate', () => {
  it('steps up: rejects smaller p-values that failed their own cutoff', () => {
    // m = 4, q = 0.1 → cutoffs k·q/m = 0.025, 0.05, 0.075, 0.1
    //   sorted p: 0.03 > 0.025 ✗, 0.06 > 0.05 ✗, 0.07 ≤ 0.075 ✓, 0.5 > 0.1 ✗
    //   largest k with p_(k) ≤ k·q/m is 3 → reject 0.03, 0.06, 0.07; threshold = 3·0.1/4 = 0.075
    const r = benjaminiHochberg([0.5, 0.07, 0.03, 0.06], 0.1);
    expect(r.rejectedCount).toBe(3);
    expect(r.threshold).toBeCloseTo(0.075, 15);
    expect(r.rejected).toEqual([false, true, true, true]);
  });

  it('rejects nothing when no p-value is under its cutoff', () => {
    // m = 2, q = 0.05: 0.5 > 0.025, 0.9 > 0.05
    expect(benjaminiHochberg([0.9, 0.5], 0.05)).toEqual({ threshold: 0, rejectedCount: 0, rejected: [false, false] });
    expect(benjaminiHochberg([], 0.05)).toEqual({ threshold: 0, rejectedCount: 0, rejected: [] });
  });

  it('rejects equal p-values together', () => {
    // m = 3, q = 0.05: cutoffs 0.01667, 0.03333, 0.05; sorted 0.02, 0.02, 0.02:
    //   k = 3 (0.02 ≤ 0.05) → all three rejected, though 0.02 > 0.01667.
    expect(benjaminiHochberg([0.02, 0.02, 0.02], 0.05).rejectedCount).toBe(3);
  });

  it('rejects p-values outside [0, 1] and a bad q', () => {
    expect(() => benjaminiHochberg([1.2], 0.05)).toThrow(RangeError);
    expect(() => benjaminiHochberg([Number.NaN], 0.05)).toThrow(RangeError);
    expect(() => benjaminiHochberg([0.1], 0)).toThrow(RangeError);
  });
});

describe('confidence bins', () => {
  it('uses the raw 0.01 / 0.05 / 0.10 cutoffs without FDR, inclusive, signed by z', () => {
    const z = [3, -2.2, 1.7, -1, 0, 2.6, 1.96, -1.65];
    const p = [0.0027, 0.0278, 0.0891, 0.3173, 1, 0.0093, 0.05, 0.1];
    //  0.0027 ≤ 0.01 → 3; 0.0278 ≤ 0.05 → −2; 0.0891 ≤ 0.10 → 1; 0.3173 → 0; z = 0 → 0;
    //  0.0093 → 3; exactly 0.05 → 2; exactly 0.10 → −1
    const r = confidenceBins(z, p, { fdr: false });
    expect(r.bins).toEqual([3, -2, 1, 0, 0, 3, 2, -1]);
    expect(r.cutoffs).toEqual({ p99: 0.01, p95: 0.05, p90: 0.1 });
  });

  it('uses the Benjamini–Hochberg threshold at q = α for each level with FDR', () => {
    // m = 10, sorted p: 0.0005 0.0019 0.004 0.012 0.03 0.045 0.2 0.5 0.7 0.9
    // q = 0.01 (cutoffs k·0.001): 0.0005 ≤ 0.001 ✓, 0.0019 ≤ 0.002 ✓, 0.004 > 0.003, and every
    //   later p exceeds k·0.001 → k = 2, threshold 0.002
    // q = 0.05 (cutoffs k·0.005): ... 0.012 ≤ 0.020 ✓ (k = 4), 0.03 > 0.025, 0.045 > 0.030,
    //   0.2 > 0.035 ... → k = 4, threshold 0.02
    // q = 0.10 (cutoffs k·0.01): 0.03 ≤ 0.05 ✓, 0.045 ≤ 0.06 ✓ (k = 6), 0.2 > 0.07, 0.5, 0.7, 0.9 ✗
    //   → k = 6, threshold 0.06
    // bins: 0.0005, 0.0019 → 3; 0.004, 0.012 → 2; 0.03, 0.045 → 1; the rest 0.
    // (Raw cutoffs would give 0.004 → 3 and 0.03, 0.045 → 2.)
    const p = [0.03, 0.9, 0.0019, 0.012, 0.5, 0.0005, 0.045, 0.2, 0.004, 0.7];
    const z = [2.1, 0.1, -3.1, 2.5, -0.7, 3.5, -2.0, 1.3, -2.9, 0.4];
    const r = confidenceBins(z, p, { fdr: true });
    expect(r.cutoffs.p99).toBeCloseTo(0.002, 15);
    expect(r.cutoffs.p95).toBeCloseTo(0.02, 15);
    expect(r.cutoffs.p90).toBeCloseTo(0.06, 15);
    expect(r.bins).toEqual([1, 0, -3, 2, 0, 3, -1, 0, -2, 0]);
    expect(confidenceBins(z, p, { fdr: false }).bins).toEqual([2, 0, -3, 2, 0, 3, -2, 0, -3, 0]);
  });

  it('never returns −0 for a not-significant negative z', () => {
    expect(Object.is(confidenceBins([-0.5], [0.6], { fdr: false }).bins[0], 0)).toBe(true);
  });

  it('rejects arrays of different lengths', () => {
    expect(() => confidenceBins([1, 2], [0.1], { fdr: false })).toThrow(RangeError);
  });
});
