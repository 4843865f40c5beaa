import { describe, expect, it } from 'vitest';
import { mannKendall } from '../../../server/analysis/mannKendall.ts';

// Reference p-values: 2·scipy.stats.norm.sf(|Z|); tau-b cross-checked with scipy.stats.kendalltau.
describe('Mann-Kendall trend test', () => {
  it('finds a significant upward trend in a strictly increasing series', () => {
    // x = 1..5: all 10 pairs rise → S = 10; no ties.
    // Var = 5·4·15/18 = 300/18 = 16.6667; Z = (10 − 1)/√16.6667 = 9/4.0824829 = 2.2045407685048604
    // p = 0.02748633611151033; tau-b = 10/sqrt(10·10) = 1
    const r = mannKendall([1, 2, 3, 4, 5]);
    expect(r.s).toBe(10);
    expect(r.varS).toBeCloseTo(300 / 18, 12);
    expect(r.z).toBeCloseTo(2.2045407685048604, 12);
    expect(r.p).toBeCloseTo(0.02748633611151033, 7);
    expect(r.tau).toBe(1);
    expect(r.degenerate).toBeNull();
  });

  it('finds nothing in a constant series', () => {
    // x = 4,4,4,4: S = 0; one tie group t = 4: Var = (4·3·13 − 4·3·13)/18 = 0
    expect(mannKendall([4, 4, 4, 4])).toEqual({ n: 4, s: 0, varS: 0, z: 0, p: 1, tau: 0, degenerate: 'no_variance' });
  });

  it('corrects the variance for one group of ties', () => {
    // x = 1, 2, 2, 3. Pairs: (1,2)+ (1,2)+ (1,3)+ (2,2)0 (2,3)+ (2,3)+ → S = 5
    // Var = [4·3·13 − 2·1·(2·2+5)]/18 = (156 − 18)/18 = 138/18 = 7.6667
    // Z = (5 − 1)/√7.6667 = 1.4446302370292303, p = 0.14856177489186864
    // tau-b: n0 = 6, n1 = 1 → 5/sqrt((6 − 1)·6) = 5/√30 = 0.9128709291752769
    const r = mannKendall([1, 2, 2, 3]);
    expect(r.s).toBe(5);
    expect(r.varS).toBeCloseTo(138 / 18, 12);
    expect(r.z).toBeCloseTo(1.4446302370292303, 12);
    expect(r.p).toBeCloseTo(0.14856177489186864, 7);
    expect(r.tau).toBeCloseTo(0.9128709291752769, 12);
  });

  it('corrects the variance for two groups of ties in a falling series', () => {
    // x = 5, 3, 3, 4, 1, 1, 1 (n = 7)
    // S by first element: 5 → six lower: −6; first 3 → 3(0) 4(+1) 1,1,1(−3): −2;
    //   second 3 → 4(+1) 1,1,1(−3): −2; 4 → 1,1,1: −3; the 1s tie: 0.  S = −13
    // ties: {3,3} t = 2 → 2·1·9 = 18; {1,1,1} t = 3 → 3·2·11 = 66; Σ = 84
    // Var = (7·6·19 − 84)/18 = (798 − 84)/18 = 714/18 = 39.6667
    // Z = (−13 + 1)/√39.6667 = −1.9053220464898675, p = 0.05673822137519339
    // tau-b: n0 = 21, n1 = 1 + 3 = 4 → −13/sqrt(17·21) = −13/√357 = −0.6880329612324521
    const r = mannKendall([5, 3, 3, 4, 1, 1, 1]);
    expect(r.s).toBe(-13);
    expect(r.varS).toBeCloseTo(714 / 18, 12);
    expect(r.z).toBeCloseTo(-1.9053220464898675, 12);
    expect(r.p).toBeCloseTo(0.05673822137519339, 7);
    expect(r.tau).toBeCloseTo(-0.6880329612324521, 12);
  });

  it('does not test series shorter than three points', () => {
    // n = 2: S = 1, Var = 2·1·9/18 = 1, tau-b = 1/sqrt(1·1) = 1 — reported, but z = 0, p = 1.
    expect(mannKendall([1, 2])).toEqual({ n: 2, s: 1, varS: 1, z: 0, p: 1, tau: 1, degenerate: 'too_few_points' });
    expect(mannKendall([])).toEqual({ n: 0, s: 0, varS: 0, z: 0, p: 1, tau: 0, degenerate: 'too_few_points' });
  });

  it('rejects non-finite values', () => {
    expect(() => mannKendall([1, Number.NaN, 3])).toThrow(RangeError);
  });
});
