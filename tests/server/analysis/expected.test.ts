// Expected counts, the excess map and the permutation test by their rules, on numbers small enough
// to follow by hand (server/analysis/expected.ts, excessMap.ts, permutation.ts, fdr.ts bhAdjusted).
import { describe, expect, it } from 'vitest';
import { expectedCounts, historyOf } from '../../../server/analysis/expected.ts';
import { excessMap } from '../../../server/analysis/excessMap.ts';
import { countMidP, signedZ } from '../../../server/analysis/distributions.ts';
import { bhAdjusted, benjaminiHochberg } from '../../../server/analysis/fdr.ts';
import { conditionalPermutation } from '../../../server/analysis/permutation.ts';

describe('expected counts', () => {
  // Three places, two history months: 4/0/6 and 6/0/4 tickets; this period 5/1/4.
  const periods = [
    [4, 0, 6],
    [6, 0, 4],
  ];

  it('shares the period by long-run shares with ½ pseudo-ticket per place', () => {
    const m = expectedCounts([5, 1, 4], { periods });
    // share = (H_i + 1.5·⅓) / (20 + 1.5)
    const share = [10.5 / 21.5, 0.5 / 21.5, 10.5 / 21.5];
    share.forEach((s, i) => expect(m.share[i]).toBeCloseTo(s, 15));
    share.forEach((s, i) => expect(m.expected[i]).toBeCloseTo(10 * s, 12));
    expect(m.level).toBe(10);
    expect(m.historyTickets).toBe(20);
    expect(m.historyPeriods).toBe(2);
    // Dispersion: e = 5 in both months for places 0 and 2; Σ(h − e)² = 4, Σe·c = 4·5·½ = 10 → (4 − 10)/50 < 0 → 0.
    expect(m.dispersion).toBe(0);
    expect(m.relVariance[0]).toBeCloseTo(1 / 10.5, 15);
    expect(m.relVariance[1]).toBeCloseTo(1 / 0.5, 15);
    expect(m.seasonFactor).toBeNull();
    expect(m.degenerate).toBeNull();
    expect(m.prior).toBe('equal');
  });

  it('measures extra-Poisson spread of the history by moments', () => {
    // 0 and 10, then 10 and 0: e = 5 everywhere, Σ(h − e)² = 100, Σe·c = 10, Σe²·c = 50 → φ = 90/50.
    const m = expectedCounts([5, 5], {
      periods: [
        [0, 10],
        [10, 0],
      ],
    });
    expect(m.dispersion).toBeCloseTo(90 / 50, 15);
    expect(m.relVariance[0]).toBeCloseTo(1 / 10.5 + 1.8 / 2, 15);
  });

  it('adjusts by the same season last year, shrunk with 10 pseudo-tickets', () => {
    const m = expectedCounts([5, 1, 4], { periods, season: [1, 0] });
    const share = [10.5 / 21.5, 0.5 / 21.5, 10.5 / 21.5];
    const S = [4, 0, 6];
    const rho = share.map((s, i) => (S[i] + 10) / (s * 10 + 10));
    const norm = share.reduce((a, s, i) => a + s * rho[i], 0);
    rho.forEach((r, i) => expect(m.seasonFactor![i]).toBeCloseTo(r, 15));
    share.forEach((s, i) => expect(m.expected[i]).toBeCloseTo((10 * s * rho[i]) / norm, 12));
    expect(m.relVariance[2]).toBeCloseTo(1 / 10.5 + 6 / 16 ** 2, 15);
  });

  it('uses residents as the prior when the places carry them', () => {
    const m = expectedCounts([3, 3], { periods: [[0, 0]] }, { exposure: [1000, 3000] });
    expect(m.prior).toBe('exposure');
    expect(m.degenerate).toBeNull();
    expect(m.expected[0]).toBeCloseTo(1.5, 12); // 6 · 0.25
    expect(m.expected[1]).toBeCloseTo(4.5, 12);
    expect(expectedCounts([3, 3], { periods: [[0, 0]] }).degenerate).toBe('no_history');
  });

  it('keeps a place far above its expected count out of the city level', () => {
    // Ten equal places; one has 100 tickets where 10 are expected: the level is the other nine's.
    const hist = [new Array(10).fill(100)];
    const m = expectedCounts([100, 10, 10, 10, 10, 10, 10, 10, 10, 10], { periods: hist });
    expect(m.level).toBeCloseTo(90 / 0.9, 9);
    expect(m.expected[1]).toBeCloseTo(10, 9);
  });

  it('finds the history months and the same season a year back', () => {
    const h = historyOf('2026-01-01', '2026-02-01');
    expect(h.start).toBe('2025-01-01');
    expect(h.end).toBe('2026-01-01');
    expect(h.season[0]).toBeCloseTo(1, 12); // January 2025
    expect(h.season.slice(1).every((w) => w === 0)).toBe(true);
    // 2025-12-17 .. 2026-01-15 (30 days): 15 days of December 2024 (month 0), 15 of January 2025 (1).
    const w = historyOf('2025-12-17', '2026-01-16');
    expect(w.start).toBe('2024-12-01');
    expect(w.season[0]).toBeCloseTo(0.5, 12);
    expect(w.season[1]).toBeCloseTo(0.5, 12);
  });
});

describe('excess map', () => {
  it('tests each neighbourhood sum against its expected sum (mid-p, negative binomial) and bins by BH', () => {
    const expected = Float64Array.from([2, 2, 2, 2]);
    const relVariance = Float64Array.from([0.1, 0.1, 0.1, 0.1]);
    const neighbours = [[1], [0, 2], [1, 3], [2]];
    const observed = [9, 6, 1, 0];
    const map = excessMap(['a', 'b', 'c', 'd'], observed, { expected, relVariance, dispersion: 0.2 }, neighbours, {
      fdr: false,
    });
    const b = map.locations[1]; // b + a + c: 16 against 6, Var = 6 + 3·4·(0.2 + 0.1)
    expect(b.nbCount).toBe(16);
    expect(b.nbExpected).toBe(6);
    const t = countMidP(16, 6, 6 + 12 * 0.3);
    expect(b.p).toBeCloseTo(t.twoSided, 15);
    expect(b.z).toBeCloseTo(signedZ(t.twoSided, 1), 12);
    expect(b.bin).toBe(t.twoSided <= 0.01 ? 3 : t.twoSided <= 0.05 ? 2 : t.twoSided <= 0.1 ? 1 : 0);
    const d = map.locations[3]; // d + c: 1 against 4, a low side
    expect(d.z).toBeLessThan(0);
  });

  it('calls nothing unusual without a history or without tickets', () => {
    const model = expectedCounts([3, 0, 1], { periods: [[0, 0, 0]] });
    const map = excessMap(['a', 'b', 'c'], [3, 0, 1], model, [[1], [0, 2], [1]], { fdr: true });
    expect(map.degenerate).toBe('no_history');
    expect(map.locations.every((l) => l.p === 1 && l.bin === 0)).toBe(true);
  });
});

describe('Benjamini–Hochberg adjusted p-values', () => {
  it('are min over the larger ranks of p·m/rank, and agree with the step-up procedure', () => {
    const p = [0.5, 0.07, 0.03, 0.06];
    // sorted 0.03, 0.06, 0.07, 0.5 → 0.12, 0.12, 0.0933…, 0.5 → running min from the top: 0.0933, 0.0933, 0.0933, 0.5
    const q = bhAdjusted(p);
    expect(q[0]).toBeCloseTo(0.5, 15);
    expect(q[1]).toBeCloseTo(0.07 * (4 / 3), 15);
    expect(q[2]).toBeCloseTo(0.07 * (4 / 3), 15);
    expect(q[3]).toBeCloseTo(0.07 * (4 / 3), 15);
    for (const a of [0.05, 0.1]) expect(q.map((x) => x <= a)).toEqual(benjaminiHochberg(p, a).rejected);
  });
});

describe('conditional permutation', () => {
  const line = [[1], [0, 2], [1, 3], [2, 4], [3]];

  it('is reproducible for a seed and gives multiples of ½/(permutations + 1)', () => {
    const x = [0, 1, 9, 8, 0];
    const a = conditionalPermutation(x, line, { permutations: 99, seed: 7 });
    const b = conditionalPermutation(x, line, { permutations: 99, seed: 7 });
    expect(a.p).toEqual(b.p);
    for (const p of a.pUpper) expect((p * 100 * 2) % 1).toBeCloseTo(0, 9);
  });

  it('gives p = 1 to a neighbourhood that is every other place', () => {
    const r = conditionalPermutation([1, 2, 3], [[1, 2], [0], [0]], { permutations: 49 });
    expect(r.p[0]).toBe(1);
  });

  it('counts ties half: a place whose neighbours are all alike in a map of equal values is never significant', () => {
    const r = conditionalPermutation([2, 2, 2, 2, 2], line, { permutations: 99 });
    for (const p of r.p) expect(p).toBe(1);
  });
});
