// The prospective space-time permutation scan (server/analysis/surgeScan.ts) on values that can be
// checked by hand: the likelihood ratio, the permutation expectation, the Gumbel tail, the
// recurrence interval, and a two-place city whose permutation null distribution is hypergeometric.
import { describe, expect, it } from 'vitest';
import {
  fitGumbel,
  gumbelTail,
  permutationExpectation,
  poissonLlr,
  prospectiveScan,
  prospectiveScanSplit,
  runReplicaTask,
  recurrenceDays,
  type ScanFamily,
} from '../../../server/analysis/surgeScan.ts';

describe('scan formulas', () => {
  it('log likelihood ratio: 10 tickets where 2 were expected, of 100', () => {
    // 10·ln 5 + 90·ln(90/98) = 16.094379 − 7.664202
    expect(poissonLlr(10, 2, 100)).toBeCloseTo(8.430177, 5);
    // 4 where 2 were expected, of 20: 4·ln 2 + 16·ln(16/18) = 2.772589 − 1.884529
    expect(poissonLlr(4, 2, 20)).toBeCloseTo(0.88806, 5);
    expect(poissonLlr(2, 2, 20)).toBe(0); // not above expectation
    expect(poissonLlr(1, 3, 20)).toBe(0);
    expect(poissonLlr(20, 10, 20)).toBeCloseTo(20 * Math.log(2), 10); // everything in the cylinder
  });

  it('permutation expectation C_zone·C_window/C', () => {
    expect(permutationExpectation(20, 6, 120)).toBe(1);
    expect(permutationExpectation(10, 4, 20)).toBe(2);
    expect(permutationExpectation(5, 5, 0)).toBe(0);
  });

  it('Gumbel by moments: P(max ≥ location) = 1 − 1/e; scale from the standard deviation', () => {
    // maxima 1 and 3: mean 2, sd √2, scale = √2·√6/π = 1.102658, location = 2 − 0.577216·1.102658
    const g = fitGumbel([1, 3])!;
    expect(g.scale).toBeCloseTo((Math.sqrt(2) * Math.sqrt(6)) / Math.PI, 10);
    expect(g.location).toBeCloseTo(2 - 0.5772156649 * g.scale, 10);
    expect(gumbelTail(g.location, g)).toBeCloseTo(1 - Math.exp(-1), 12);
    // far tail ≈ e^(−(x − location)/scale)
    expect(gumbelTail(g.location + 20 * g.scale, g)).toBeCloseTo(Math.exp(-20), 15);
    expect(fitGumbel([2, 2, 2])).toBeNull();
  });

  it('recurrence interval = 1/(p × scans per day)', () => {
    expect(recurrenceDays(0.001, 288)).toBeCloseTo(3.4722, 4);
    expect(recurrenceDays(1e-5, 24)).toBeCloseTo(4166.67, 2);
    expect(recurrenceDays(0.01, 1)).toBe(100);
  });
});

/** Two places with 10 tickets each in the study; `recentInFirst` of them arrived in the last hour, all in place 0. */
function twoPlaces(recentInFirst: number): ScanFamily {
  return {
    name: 'street',
    unitCount: 2,
    zones: [[0], [1]],
    categories: [
      {
        category: 'water',
        units: [0, 1],
        counts: [10, 10],
        recentUnits: Array(recentInFirst).fill(0),
        recentAges: Array(recentInFirst).fill(0.5),
      },
    ],
  };
}

describe('prospectiveScan', () => {
  it('two places: observed cylinder and the exact permutation p', () => {
    // 4 recent tickets, all in place 0: μ = 10·4/20 = 2, LLR = 0.888060. Under the permutation null
    // the 4 recent times fall on 4 of the 20 tickets at random: all 4 in one place has probability
    // 2·C(10,4)/C(20,4) = 420/4845 = 0.08669 (a 3–1 split gives 3·ln 1.5 + 17·ln(17/18) = 0.244702, a 2–2 split no cylinder).
    const r = prospectiveScan([twoPlaces(4)], { windowsHours: [1], replicas: 9999, seed: 7, scansPerDay: 24 });
    const top = r.clusters[0]!;
    expect(top).toMatchObject({
      family: 'street',
      category: 'water',
      units: [0],
      windowHours: 1,
      observed: 4,
      expected: 2,
    });
    expect(top.llr).toBeCloseTo(0.88806, 5);
    expect(Math.abs(top.pMonteCarlo - 420 / 4845)).toBeLessThan(0.01); // Monte-Carlo SE 0.0028
    expect(top.p).toBe(top.pMonteCarlo); // replicas reach it: no Gumbel
    expect(top.recurrenceDays).toBeCloseTo(1 / (top.p * 24), 10);
    // the replicas' maxima take only the three values a 4-0, 3-1 or 2-2 split gives
    const distinct = [...new Set(Array.from(r.families[0]!.replicaMax, (x) => x.toFixed(6)))].sort();
    expect(distinct).toEqual(['0.000000', '0.244702', '0.888060']);
  });

  it('the same seed gives the same answer; another seed a different draw', () => {
    const a = prospectiveScan([twoPlaces(4)], { windowsHours: [1], replicas: 99, seed: 1, scansPerDay: 24 });
    const b = prospectiveScan([twoPlaces(4)], { windowsHours: [1], replicas: 99, seed: 1, scansPerDay: 24 });
    expect(b.clusters).toEqual(a.clusters);
    expect(Array.from(b.families[0]!.replicaMax)).toEqual(Array.from(a.families[0]!.replicaMax));
  });

  it('replicas split into ranges (as the worker threads run them) give exactly the one-thread answer', async () => {
    const families = [twoPlaces(4), { ...twoPlaces(5), name: 'street' }];
    const options = { windowsHours: [1, 2], replicas: 49, seed: 3, scansPerDay: 24 };
    const whole = prospectiveScan(families, options);
    const ranges: [number, number][] = [];
    const split = await prospectiveScanSplit(families, options, 3, async (task) => {
      ranges.push([task.from, task.to]);
      return runReplicaTask(structuredClone(task));
    });
    expect(ranges).toEqual([
      [0, 16],
      [16, 33],
      [33, 49],
    ]);
    expect(split).toEqual(whole);
  });

  it('fewer than minCases recent tickets make no cylinder', () => {
    const r = prospectiveScan([twoPlaces(2)], { windowsHours: [1], replicas: 9, seed: 1, scansPerDay: 24 });
    expect(r.clusters).toEqual([]);
  });

  it('a surge in one of 50 places is the primary cluster, with a Gumbel p beyond 1/(R+1)', () => {
    // 50 places in a row, zones = each place and each place with its two neighbours; 20 tickets
    // per place in the study, 1 recent ticket each in the last 24 h spread over the day, and 12
    // more in place 17 in the last hour.
    const n = 50;
    const zones: number[][] = [];
    for (let u = 0; u < n; u++) zones.push([u], [u, (u + 1) % n, (u + n - 1) % n]);
    const units = Array.from({ length: n }, (_, u) => u);
    const counts = units.map((u) => (u === 17 ? 32 : 20));
    const recentUnits = [...units, ...Array(12).fill(17)];
    const recentAges = [...units.map((u) => 1 + (u * 23) / n), ...Array(12).fill(0.5)];
    const fam: ScanFamily = {
      name: 'h3',
      unitCount: n,
      zones,
      categories: [{ category: 'water', units, counts, recentUnits, recentAges }],
    };
    const r = prospectiveScan([fam], { windowsHours: [1, 2, 4, 8, 24], replicas: 99, seed: 3, scansPerDay: 288 });
    const top = r.clusters[0]!;
    // place 17 in the last hour: 12 of the category's 1,012 tickets where 32·12/1012 = 0.3794 were expected
    expect(top.units).toEqual([17]);
    expect(top.windowHours).toBe(1);
    expect(top.observed).toBe(12);
    expect(top.expected).toBeCloseTo((32 * 12) / 1012, 10);
    expect(top.llr).toBeCloseTo(poissonLlr(12, (32 * 12) / 1012, 1012), 10);
    expect(top.pMonteCarlo).toBe(0.01);
    expect(top.pGumbel).toBeLessThan(1e-6);
    expect(top.p).toBe(top.pGumbel);
    expect(top.recurrenceDays).toBeGreaterThan(1000);
  });

  it('two families: each p is multiplied by two (Bonferroni)', () => {
    const one = prospectiveScan([twoPlaces(4)], { windowsHours: [1], replicas: 999, seed: 5, scansPerDay: 24 });
    const two = prospectiveScan([twoPlaces(4), { ...twoPlaces(4), name: 'h3' }], {
      windowsHours: [1],
      replicas: 999,
      seed: 5,
      scansPerDay: 24,
    });
    const street = two.clusters.find((c) => c.family === 'street')!;
    expect(street.p).toBeCloseTo(2 * street.pMonteCarlo, 12);
    expect(one.clusters[0]!.p).toBe(one.clusters[0]!.pMonteCarlo);
  });

  it('refuses inconsistent input', () => {
    expect(() =>
      prospectiveScan([twoPlaces(4)], { windowsHours: [2, 1], replicas: 9, seed: 1, scansPerDay: 1 }),
    ).toThrow(/ascending/);
    const bad = twoPlaces(11); // 11 recent tickets in a place with 10 in the whole study
    expect(() => prospectiveScan([bad], { windowsHours: [1], replicas: 9, seed: 1, scansPerDay: 1 })).toThrow(
      /more recent tickets/,
    );
  });
});
