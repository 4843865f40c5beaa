// Empirical-Bayes shrinkage of small units' scores (server/ranking/shrink.ts), against numbers
// worked out by hand from the formulas in the module's header.
import { describe, expect, it } from 'vitest';
import { shrinkScores } from '../../../server/ranking/shrink.ts';

describe('shrinking scores toward the table mean', () => {
  // μ = (6·100 + 100·80 + 100·60 + 50·90) / 256 = 74.609375; σ² = μ(100 − μ) = 1894.3787;
  // τ² = mean[(s − μ)² − σ²/n] = 183.1357; k = σ²/τ² = 10.344 callbacks
  const units = [
    { code: 'tiny', score: 100, calledBack: 6 },
    { code: 'b', score: 80, calledBack: 100 },
    { code: 'c', score: 60, calledBack: 100 },
    { code: 'd', score: 90, calledBack: 50 },
    { code: 'none', score: null, calledBack: 0 },
  ];

  it('pulls a unit toward the mean by how few callbacks it has, and flags it when chance outweighs evidence', () => {
    const r = shrinkScores(units);
    expect(r.mean).toBe(74.61);
    expect(r.priorCallbacks).toBe(10.34);
    expect(Object.fromEntries(r.byUnit)).toEqual({
      tiny: { score: 83.93, weight: 0.37, flagged: true },
      b: { score: 79.49, weight: 0.91, flagged: false },
      c: { score: 61.37, weight: 0.91, flagged: false },
      d: { score: 87.36, weight: 0.83, flagged: false },
    });
  });

  it('so 6 perfect callbacks no longer top a unit with 50 callbacks at 90', () => {
    const r = shrinkScores(units);
    const order = [...r.byUnit].sort((a, b) => b[1].score - a[1].score).map(([c]) => c);
    expect(order).toEqual(['d', 'tiny', 'b', 'c']);
  });

  it('shrinks everything to the mean when the scores spread no more than chance would', () => {
    const r = shrinkScores([
      { code: 'x', score: 80, calledBack: 10 },
      { code: 'y', score: 81, calledBack: 10 },
    ]);
    expect(r.byUnit.get('x')!.score).toBe(80.5);
    expect(r.byUnit.get('x')!.flagged).toBe(true);
  });

  it('says nothing without scores', () => {
    expect(shrinkScores([{ code: 'z', score: null, calledBack: 0 }])).toEqual({
      mean: null,
      priorCallbacks: null,
      byUnit: new Map(),
    });
  });
});
