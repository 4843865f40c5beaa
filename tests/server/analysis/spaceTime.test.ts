import { describe, expect, it } from 'vitest';
import { emergingHotSpots } from '../../../server/analysis/spaceTime.ts';

// A 9×9 grid of locations (queen neighbours: the 8 around, plus self) × 10 steps, built from five
// 3×3 blocks; each block's centre has exactly its block as neighbourhood (W = 9).
//   P  centre (1,1): 10 in every cell at every step                    → persistent
//   I  centre (1,7): 10s; at step t, t of its 9 cells are 12 instead   → grows: intensifying
//   D  centre (7,7): the mirror of I (12s; t cells are 10)             → shrinks: diminishing
//   N  centre (7,1): 5 in every cell, 12 at the final step             → new
//   M  centre (4,4): 12 in every cell, 5 at the final step             → historical
//   the other 36 cells: 2.
// I gains what D loses and N what M loses, so every step holds the same multiset of values and
// X̄ and S are the same in every step (a city-wide rise would not be, by design of per-step Gi*):
//   Σx = 36·2 + 9·10 + 9·10 + 9·12 + 9·5 + 9·12 = 513,    X̄ = 513/81 = 19/3
//   Σx² = 36·4 + 900 + 900 + 1296 + 225 + 1296 = 4761,    S² = 4761/81 − (19/3)² = 56/3
//   denominator = S·sqrt((81·9 − 9²)/80) = sqrt(56/3 · 8.1) = √151.2 = 12.29634
//   z = (Σ_block − 9·19/3)/√151.2 = (Σ_block − 57)/√151.2
//   P: (90 − 57)/√151.2 = 2.6837252006084658 every step
//   I: (90 + 2t − 57)/√151.2: t = 0 → 2.6837, t = 9 → 51/√151.2 = 4.147575310031265
//   N: (45 − 57)/√151.2 = −0.975900072948533 for steps 0..8, then 51/√151.2
// Mann-Kendall on the z series:
//   I strictly rising: S = 45, Var = 10·9·25/18 = 125, Z = 44/√125 = 3.9354 (p ≈ 8.3e-5)
//   P constant: S = 0, Var = 0 → no trend
//   N nine ties then a rise: S = 9, Var = (2250 − 9·8·23)/18 = 33, Z = 8/√33 = 1.3926 (p = 0.164)
const SIDE = 9;
const STEPS = 10;
const at = (r: number, c: number) => r * SIDE + c;

function cube() {
  const neighbours: number[][] = [];
  for (let r = 0; r < SIDE; r++) {
    for (let c = 0; c < SIDE; c++) {
      const list: number[] = [];
      for (let dr = -1; dr <= 1; dr++) {
        for (let dc = -1; dc <= 1; dc++) {
          const rr = r + dr;
          const cc = c + dc;
          if ((dr !== 0 || dc !== 0) && rr >= 0 && rr < SIDE && cc >= 0 && cc < SIDE) list.push(at(rr, cc));
        }
      }
      neighbours.push(list);
    }
  }
  const block = (r: number, c: number) => [-1, 0, 1].flatMap((dr) => [-1, 0, 1].map((dc) => at(r + dr, c + dc)));
  const counts: number[][] = Array.from({ length: SIDE * SIDE }, () => new Array<number>(STEPS).fill(2));
  for (let t = 0; t < STEPS; t++) {
    const final = t === STEPS - 1;
    block(1, 1).forEach((cell) => (counts[cell][t] = 10));
    block(1, 7).forEach((cell, k) => (counts[cell][t] = k < t ? 12 : 10));
    block(7, 7).forEach((cell, k) => (counts[cell][t] = k < t ? 10 : 12));
    block(7, 1).forEach((cell) => (counts[cell][t] = final ? 12 : 5));
    block(4, 4).forEach((cell) => (counts[cell][t] = final ? 5 : 12));
  }
  return { counts, neighbours };
}

const P = at(1, 1);
const I = at(1, 7);
const D = at(7, 7);
const N = at(7, 1);
const M = at(4, 4);

describe('emerging hot spots over a space-time cube', () => {
  const result = emergingHotSpots(cube());

  it('computes Gi* per step as the hand computation says', () => {
    expect(result.steps).toHaveLength(STEPS);
    const root = Math.sqrt(151.2);
    for (let t = 0; t < STEPS; t++) {
      expect(result.steps[t].degenerate).toBeNull();
      expect(result.steps[t].z[P]).toBeCloseTo(33 / root, 12);
      expect(result.steps[t].z[I]).toBeCloseTo((33 + 2 * t) / root, 12);
      expect(result.steps[t].z[N]).toBeCloseTo(t === STEPS - 1 ? 51 / root : -12 / root, 12);
    }
  });

  it('classifies the growing neighbourhood as an intensifying hot spot', () => {
    expect(result.locations[I].trend.s).toBe(45);
    expect(result.locations[I].trend.z).toBeCloseTo(44 / Math.sqrt(125), 12);
    expect(result.steps.every((s) => s.bins[I] >= 1)).toBe(true);
    expect(result.locations[I].pattern).toBe('intensifying_hot');
  });

  it('classifies the constant high neighbourhood as persistent, not trending on rounding noise', () => {
    // Unrounded, P's z differs in the 16th digit between steps (2.6837252006084644 vs …653),
    // rising monotonically: Mann-Kendall would read S = 24, p = 0.014 and call it intensifying.
    expect(result.locations[P].trend).toMatchObject({ s: 0, p: 1, degenerate: 'no_variance' });
    expect(result.locations[P].pattern).toBe('persistent_hot');
  });

  it('classifies the neighbourhood that lights up only at the end as a new hot spot', () => {
    expect(result.locations[N].trend.s).toBe(9);
    expect(result.locations[N].trend.varS).toBe(33);
    expect(result.steps.slice(0, -1).every((s) => s.bins[N] === 0)).toBe(true);
    expect(result.steps[STEPS - 1].bins[N]).toBe(3);
    expect(result.locations[N].pattern).toBe('new_hot');
  });

  it('classifies the shrinking and the switched-off neighbourhoods as diminishing and historical', () => {
    expect(result.locations[D].pattern).toBe('diminishing_hot');
    expect(result.locations[M].pattern).toBe('historical_hot');
  });

  it('applies the FDR per step by default and raw cutoffs on request', () => {
    // Step 0: BH at q = 0.10 over 81 p-values is stricter than 0.10 itself.
    expect(result.steps[0].cutoffs.p90).toBeLessThan(0.1);
    const raw = emergingHotSpots(cube(), { fdr: false });
    expect(raw.steps[0].cutoffs).toEqual({ p99: 0.01, p95: 0.05, p90: 0.1 });
    const significant = (r: typeof result) => r.steps[0].bins.filter((b) => b !== 0).length;
    expect(significant(raw)).toBeGreaterThan(significant(result));
  });

  it('passes the trend significance level through', () => {
    // N's trend p = 0.164: with α = 0.2 it is "significant", which does not change a new hot spot,
    // and I's p ≈ 8.3e-5 stays significant at α = 0.001.
    const strict = emergingHotSpots(cube(), { trendAlpha: 0.001 });
    expect(strict.locations[I].pattern).toBe('intensifying_hot');
    const lax = emergingHotSpots(cube(), { trendAlpha: 0.2 });
    expect(lax.locations[N].pattern).toBe('new_hot');
  });

  it('handles an empty cube and rejects ragged or mismatched input', () => {
    expect(emergingHotSpots({ counts: [], neighbours: [] })).toEqual({ steps: [], locations: [] });
    expect(() => emergingHotSpots({ counts: [[1, 2], [3]], neighbours: [[], []] })).toThrow(RangeError);
    expect(() => emergingHotSpots({ counts: [[1], [2]], neighbours: [[]] })).toThrow(RangeError);
  });
});
