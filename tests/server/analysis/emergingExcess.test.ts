// The classes of emerging patterns on counts (server/analysis/emergingExcess.ts classifyExcess) by
// their rules, and the cube computation on a small hand-made city.
import { describe, expect, it } from 'vitest';
import {
  beforeSteps,
  classifyExcess,
  emergingOnExcess,
  type PlaceEvidence,
} from '../../../server/analysis/emergingExcess.ts';
import { EMERGING_PATTERN_IDS } from '../../../server/analysis/emerging.ts';

const none: PlaceEvidence = {
  steps: 12,
  span: 0,
  before: 0,
  trend: 0,
  surge: 0,
  previous: 0,
  now: 0,
  above: 6,
  below: 6,
  finalRatio: 1,
};
const at = (e: Partial<PlaceEvidence>) => classifyExcess({ ...none, ...e });

describe('classes of emerging patterns on counts', () => {
  it('new: a surge above the own earlier level where nothing was hot before; consecutive when the step before rose too', () => {
    expect(at({ surge: 1, finalRatio: 3 })).toBe('new_hot');
    expect(at({ surge: 1, previous: 1, finalRatio: 3 })).toBe('consecutive_hot');
    // Hot before: not new (steady, rising or not).
    expect(at({ surge: 1, before: 1, span: 1, finalRatio: 3, above: 12 })).toBe('persistent_hot');
    // A surge that stays below the surroundings is no hot spot.
    expect(at({ surge: 1, finalRatio: 0.8 })).toBe('no_pattern');
  });

  it('intensifying, diminishing, persistent and historical hot spots', () => {
    expect(at({ trend: 1, span: 1, finalRatio: 3 })).toBe('intensifying_hot');
    expect(at({ trend: 1, now: 1, finalRatio: 3 })).toBe('intensifying_hot');
    expect(at({ trend: -1, span: 1, finalRatio: 1.5 })).toBe('diminishing_hot');
    expect(at({ trend: -1, span: 1, finalRatio: 0.9 })).toBe('historical_hot');
    expect(at({ span: 1, above: 11, finalRatio: 2 })).toBe('persistent_hot'); // 11 of 12 ≥ 90%
    expect(at({ span: 1, above: 10, finalRatio: 2 })).toBe('sporadic_hot'); // 10 of 12 < 90%
    expect(at({ span: 1, above: 12, finalRatio: 1 })).toBe('historical_hot');
    expect(at({ now: 1, finalRatio: 2 })).toBe('sporadic_hot');
  });

  it('mirrors them for cold spots, hot first', () => {
    expect(at({ surge: -1, finalRatio: 0.2 })).toBe('new_cold');
    expect(at({ trend: -1, span: -1, finalRatio: 0.3 })).toBe('intensifying_cold');
    expect(at({ trend: 1, span: -1, finalRatio: 0.7 })).toBe('diminishing_cold');
    expect(at({ span: -1, below: 12, finalRatio: 0.5 })).toBe('persistent_cold');
    expect(at({ span: -1, finalRatio: 1.2 })).toBe('historical_cold');
    // A quiet place with a surge now: the surge is the news.
    expect(at({ span: -1, surge: 1, finalRatio: 1.5 })).toBe('new_hot');
  });

  it('keeps "before" to the steps ahead of the last quarter', () => {
    expect(beforeSteps(12)).toBe(9);
    expect(beforeSteps(52)).toBe(39);
    expect(beforeSteps(4)).toBe(3);
    expect(beforeSteps(2)).toBe(1);
  });
});

describe('emerging patterns on a small city', () => {
  // 30 places on a line, each with its neighbours ±1 and ring ±2..3; 10 tickets a step, 12 steps.
  const n = 30;
  const neighbours = Array.from({ length: n }, (_, i) => [i - 1, i + 1].filter((j) => j >= 0 && j < n));
  const rings = Array.from({ length: n }, (_, i) => [i - 3, i - 2, i + 2, i + 3].filter((j) => j >= 0 && j < n));

  it('classifies every place, and sees a place that jumps in the last two steps as new', () => {
    const counts = Array.from({ length: n }, (_, i) =>
      Array.from({ length: 12 }, (_, t) => (i === 15 && t >= 10 ? 60 : 10 + ((i + t) % 3) - 1)),
    );
    const r = emergingOnExcess({ counts, neighbours, rings });
    expect(r.places).toHaveLength(n);
    for (const p of r.places) expect(EMERGING_PATTERN_IDS).toContain(p.pattern);
    expect(['new_hot', 'consecutive_hot']).toContain(r.places[15].pattern);
    expect(r.places[15].surge.ratio).toBeGreaterThan(2); // 80 against ~30 in the neighbourhood, less the city's own rise
    expect(r.places[0].pattern).toBe('no_pattern');
    // Neighbourhood sums: place 15 holds 14, 15, 16.
    expect(r.places[15].nbCounts[11]).toBe(counts[14][11] + 60 + counts[16][11]);
    expect(r.cityTotals[0]).toBe(counts.reduce((a, c) => a + c[0], 0));
  });

  it('does not call a city-wide rise a local trend', () => {
    const counts = Array.from({ length: n }, (_, i) => Array.from({ length: 12 }, (_, t) => (10 + t) * (1 + (i % 2))));
    const r = emergingOnExcess({ counts, neighbours, rings });
    for (const p of r.places) expect(p.evidence.trend).toBe(0);
  });
});
