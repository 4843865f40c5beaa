// test:full-only (200 null maps per statistic: ~40 s)
// Calibration, power and recovery of the hot spot statistics, on synthetic cities (simulation.ts):
// pure TypeScript, seeded, a few seconds. The protocol and the measured figures are in
// server/analysis/README.md ("Calibration"); the figures print on every run.
//
// Null maps: 200 months of Poisson draws from a city's true rates (the history's 12 months drawn
// the same way, the current month at a level 20% above the season's), and 200 maps of one month's
// counts randomly permuted over the cells. Per-place type-I error = share of (place, map) with
// unadjusted p ≤ α; false discovery proportion (FDP) = false discoveries / discoveries (0 when
// none), a discovery at q being |bin| ≥ 3, 2, 1 for q = 0.01, 0.05, 0.10 (fdr.ts).
// Benjamini–Hochberg holds the FDR at q·(null share) — exactly q on a map with nothing in it — so
// the mean FDP of a finite number of maps is q ± Monte-Carlo error: it must not exceed q by more
// than two standard errors of that mean (printed with it).
import { describe, expect, it } from 'vitest';
import { expectedCounts } from '../../../server/analysis/expected.ts';
import { excessMap } from '../../../server/analysis/excessMap.ts';
import { compactNeighbours, giStar } from '../../../server/analysis/gistar.ts';
import { confidenceBins } from '../../../server/analysis/fdr.ts';
import { conditionalPermutation } from '../../../server/analysis/permutation.ts';
import { emergingAtTwoScales } from '../../../server/analysis/emergingExcess.ts';
import { cellsAtQuantile, patch, poisson, Rng, syntheticCity, type SyntheticCity } from './simulation.ts';

const ALPHAS = [0.01, 0.05, 0.1] as const;
const LEVEL = { 0.01: 3, 0.05: 2, 0.1: 1 } as const;
const fmt = (xs: number[], d = 4) => xs.map((x) => x.toFixed(d)).join(' / ');

/** Mean and standard error of per-map false discovery proportions. */
class Fdp {
  private readonly values: number[] = [];
  add(falseDiscoveries: number, discoveries: number) {
    this.values.push(discoveries > 0 ? falseDiscoveries / discoveries : 0);
  }
  get mean() {
    return this.values.reduce((a, b) => a + b, 0) / this.values.length;
  }
  get se() {
    const m = this.mean;
    const n = this.values.length;
    return Math.sqrt(this.values.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1) / n);
  }
  toString() {
    return `${this.mean.toFixed(3)} ± ${this.se.toFixed(3)}`;
  }
}
const fdps = () => ALPHAS.map(() => new Fdp());

/** Monthly season of the synthetic city: ±30% over the year, month 0 is the analysed month's season. */
const SEASON = Array.from({ length: 12 }, (_, t) => 1 + 0.3 * Math.cos((2 * Math.PI * t) / 12));
const SAME_SEASON = SEASON.map((_, t) => (t === 0 ? 1 : 0));
const NOW_LEVEL = 1.2;

describe('excess over expected counts (expected.ts + excessMap.ts)', () => {
  // 1,027 res-8 cells, ~10 tickets per cell and month (median ~6): the default 300,000-ticket demo's
  // month at res 8 has ~25,000 located tickets over ~2,500–3,000 cells.
  const city = syntheticCity(1, 18, 10_300);
  const nb = compactNeighbours(city.neighbours); // k = 1, as the API's default
  const n = city.cells.length;

  it('holds type-I errors near α and the false discovery rate under q on 200 null maps, and finds a 2× patch ≥ 90% of the time', () => {
    const rng = new Rng(42);
    const rejections = ALPHAS.map(() => 0);
    const nullFdp = fdps();
    const mixedFdp = fdps();
    const maps = 200;
    const powerMaps = 200;
    let found = 0;
    let patchExpected = 0;
    let foundSparse = 0;
    let sparseExpected = 0;
    const centres = cellsAtQuantile(city, 0.5, 18);
    const sparse = cellsAtQuantile(city, 0.15, 18);
    for (let m = 0; m < maps; m++) {
      const periods = SEASON.map((f) => Float64Array.from(city.rate, (r) => poisson(rng, r * f)));
      const observed = Float64Array.from(city.rate, (r) => poisson(rng, r * SEASON[0] * NOW_LEVEL));
      const map = excessMap(city.cells, observed, expectedCounts(observed, { periods, season: SAME_SEASON }), nb, {
        fdr: true,
        intervals: false,
      });
      for (const l of map.locations) ALPHAS.forEach((a, k) => (rejections[k] += l.p <= a ? 1 : 0));
      // Under the null every discovery is false.
      ALPHAS.forEach((q, k) => {
        const d = map.locations.filter((l) => Math.abs(l.bin) >= LEVEL[q]).length;
        nullFdp[k].add(d, d);
      });
      if (m >= powerMaps) continue;
      // The same month with a 2× excess over a 7-cell patch (a cell near the median rate and its ring).
      const planted = new Set(patch(city, centres[m % centres.length]));
      const withPatch = Float64Array.from(city.rate, (r, i) =>
        poisson(rng, r * SEASON[0] * NOW_LEVEL * (planted.has(i) ? 2 : 1)),
      );
      const model = expectedCounts(withPatch, { periods, season: SAME_SEASON });
      patchExpected += [...planted].reduce((a, i) => a + model.expected[i], 0) / 7;
      const mixed = excessMap(city.cells, withPatch, model, nb, { fdr: true, intervals: false });
      if ([...planted].some((i) => mixed.locations[i].bin >= 2)) found++;
      // The same at a quiet place (15th percentile of the cells' rates): reported, not required.
      const quiet = new Set(patch(city, sparse[m % sparse.length]));
      const withQuiet = Float64Array.from(city.rate, (r, i) =>
        poisson(rng, r * SEASON[0] * NOW_LEVEL * (quiet.has(i) ? 2 : 1)),
      );
      const quietModel = expectedCounts(withQuiet, { periods, season: SAME_SEASON });
      sparseExpected += [...quiet].reduce((a, i) => a + quietModel.expected[i], 0) / 7;
      const quietMap = excessMap(city.cells, withQuiet, quietModel, nb, { fdr: true, intervals: false });
      if ([...quiet].some((i) => quietMap.locations[i].bin >= 2)) foundSparse++;
      ALPHAS.forEach((q, k) => {
        const discoveries = mixed.locations
          .map((_, i) => i)
          .filter((i) => Math.abs(mixed.locations[i].bin) >= LEVEL[q]);
        // True discoveries: neighbourhoods that hold a planted cell.
        mixedFdp[k].add(
          discoveries.filter((i) => ![i, ...city.neighbours[i]].some((j) => planted.has(j))).length,
          discoveries.length,
        );
      });
    }
    const typeI = rejections.map((r) => r / (maps * n));
    const power = found / powerMaps;
    console.log(
      `[excess] ${maps} null maps × ${n} cells: type-I at α = 0.01/0.05/0.10: ${fmt(typeI)}; mean FDP at q = 0.01/0.05/0.10: ${nullFdp.join(' / ')}; ` +
        `with a planted 2× patch (${powerMaps} maps, ${(patchExpected / powerMaps).toFixed(1)} expected per patch cell): found ${(power * 100).toFixed(0)}%, mean FDP ${mixedFdp.join(' / ')}; ` +
        `at a quiet place (${(sparseExpected / powerMaps).toFixed(1)} expected per patch cell): found ${((foundSparse / powerMaps) * 100).toFixed(0)}%`,
    );
    ALPHAS.forEach((a, k) => {
      expect(typeI[k], `type-I at ${a}`).toBeGreaterThanOrEqual(0.5 * a);
      expect(typeI[k], `type-I at ${a}`).toBeLessThanOrEqual(1.5 * a);
      expect(nullFdp[k].mean, `null FDP at ${a}`).toBeLessThanOrEqual(a + 2 * nullFdp[k].se);
      expect(mixedFdp[k].mean, `FDP with a patch at ${a}`).toBeLessThanOrEqual(a + 2 * mixedFdp[k].se);
    });
    expect(power).toBeGreaterThanOrEqual(0.9);
  });

  it('shrinks small counts: a place with 1 ticket where 0.1 were expected is not "10×"', () => {
    // 100 ordinary places (5 expected, 5 seen), a (0.1 expected, 1 seen), b (20 expected, 60 seen).
    const expected = Float64Array.from([0.1, 20, ...new Array(100).fill(5)]);
    const observed = [1, 60, ...new Array(100).fill(5)];
    const model = { expected, relVariance: new Float64Array(102), dispersion: 0 };
    const map = excessMap(
      observed.map((_, i) => String(i)),
      observed,
      model,
      observed.map(() => []),
      { fdr: false },
    );
    const [a, b] = map.locations;
    expect(a.ratio).toBeCloseTo(10, 10);
    expect(b.ratio).toBeCloseTo(3, 10);
    // Variance of the ratios by moments: (Σ(o − e)² − Σo) / Σe² = (0.81 + 1600 − 561) / 2900.01.
    const v = (0.81 + 1600 - 561) / 2900.01;
    expect(map.ratioVariance).toBeCloseTo(v, 12);
    expect(a.shrunk).toBeCloseTo((1 / v + 1) / (1 / v + 0.1), 12); // 1.31
    expect(b.shrunk).toBeCloseTo((1 / v + 60) / (1 / v + 20), 12); // 2.76
    // Garwood: 1 ticket → [0.02532, 5.5716]; 60 → [45.786, 77.232].
    expect(a.ratioLow! * 0.1).toBeCloseTo(0.025317807984289876, 10);
    expect(a.ratioHigh! * 0.1).toBeCloseTo(5.571643390938898, 10);
    expect(b.ratioLow! * 20).toBeCloseTo(45.786320950007266, 8);
    expect(b.ratioHigh! * 20).toBeCloseTo(77.23189340664332, 8);
  });
});

describe('counts with conditional permutation (permutation.ts)', () => {
  // A sparse map like a res-9 month of the demo: ~1.5 tickets a cell, many zeros, variance/mean > 2.
  const city: SyntheticCity = syntheticCity(3, 12, 700, 0.8);
  const nb = compactNeighbours(city.neighbours);
  const n = city.cells.length;

  it('holds type-I errors near α on 200 permuted maps, where normal Gi* p-values do not hold the FDR', () => {
    const rng = new Rng(5);
    const month = Float64Array.from(city.rate, (r) => poisson(rng, r));
    const maps = 200;
    const rejections = ALPHAS.map(() => 0);
    const fdp = fdps();
    const normalFdp = fdps();
    let normalHot = 0;
    for (let m = 0; m < maps; m++) {
      const x = Float64Array.from(month);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [x[i], x[j]] = [x[j], x[i]];
      }
      const perm = conditionalPermutation(x, nb, { permutations: 199, seed: 1000 + m });
      for (const p of perm.p) ALPHAS.forEach((a, k) => (rejections[k] += p <= a ? 1 : 0));
      const bins = confidenceBins(perm.sign, perm.p, { fdr: true }).bins;
      const g = giStar(x, nb);
      const normalBins = confidenceBins(g.z, g.p, { fdr: true }).bins;
      normalHot += normalBins.filter((b) => b > 0).length;
      ALPHAS.forEach((q, k) => {
        const d = bins.filter((b) => Math.abs(b) >= LEVEL[q]).length;
        fdp[k].add(d, d);
        const dn = normalBins.filter((b) => Math.abs(b) >= LEVEL[q]).length;
        normalFdp[k].add(dn, dn);
      });
    }
    const zeros = month.filter((v) => v === 0).length / n;
    const mean = month.reduce((a, b) => a + b, 0) / n;
    const vm = month.reduce((a, b) => a + (b - mean) ** 2, 0) / n / mean;
    const typeI = rejections.map((r) => r / (maps * n));
    console.log(
      `[count] ${maps} permuted maps × ${n} cells (${(zeros * 100).toFixed(0)}% zeros, variance/mean ${vm.toFixed(1)}), 199 permutations: ` +
        `type-I at α = 0.01/0.05/0.10: ${fmt(typeI)}; mean FDP ${fdp.join(' / ')}. ` +
        `Normal Gi* p on the same maps: mean FDP ${normalFdp.join(' / ')}, ${(normalHot / maps).toFixed(1)} hot cells a map`,
    );
    ALPHAS.forEach((a, k) => {
      expect(typeI[k], `type-I at ${a}`).toBeGreaterThanOrEqual(0.5 * a);
      expect(typeI[k], `type-I at ${a}`).toBeLessThanOrEqual(1.5 * a);
      expect(fdp[k].mean).toBeLessThanOrEqual(a + 2 * fdp[k].se);
    });
    // Why the permutation: the normal curve does not fit these counts.
    expect(normalFdp[1].mean).toBeGreaterThan(0.05 + 2 * normalFdp[1].se);
  });
});

describe('emerging patterns on counts (emergingExcess.ts)', () => {
  // 1,027 res-8 cells, ~10 tickets a cell and month; 12 monthly steps with a ±25% season and 20% growth.
  // Two scales, as the API with k = 1: each cell alone against grid distance 1..2, and its 1-ring
  // summed against distance 2..3 (emergingAtTwoScales). Planted places are 7-cell patches (the
  // demo's res-8 cells seen at res 9) or, reported apart, single cells.
  const run = (counts: number[][]) =>
    emergingAtTwoScales({
      counts,
      neighbours: city.neighbours,
      cellRings: city.cellRings,
      neighbourhoodRings: city.rings,
    });
  const city = syntheticCity(11, 18, 10_300);
  const T = 12;
  const level = Array.from(
    { length: T },
    (_, t) => (1 + 0.25 * Math.cos((2 * Math.PI * t) / 12)) * (1 + (0.2 * t) / (T - 1)),
  );
  const draw = (rng: Rng, factor: Map<number, (t: number) => number>) =>
    Array.from(city.rate, (r, i) => level.map((f, t) => poisson(rng, r * f * (factor.get(i)?.(t) ?? 1))));
  /** Ordinary cells for planting: busy enough (≥ 3 a month) and as busy as their surroundings (±25%). */
  const ordinary = city.cells
    .map((_, i) => i)
    .filter((i) => {
      if (city.distance[i] > 14) return false;
      const own = patch(city, i).reduce((a, j) => a + city.rate[j], 0) / 7;
      const ring = city.rings[i].reduce((a, j) => a + city.rate[j], 0) / city.rings[i].length;
      return own >= 3 && own / ring >= 0.8 && own / ring <= 1.25;
    });
  /** `count` places among the ordinary ones, none in another's patch or surroundings. */
  function apart(rng: Rng, count: number): number[] {
    const chosen: number[] = [];
    const patches = new Set<number>();
    const areas = new Set<number>();
    for (let attempt = 0; chosen.length < count; attempt++) {
      if (attempt > 10_000) throw new Error(`no room for ${count} places apart`);
      const c = ordinary[rng.int(ordinary.length)];
      const own = patch(city, c);
      const area = [...own, ...city.rings[c]];
      if (own.some((j) => areas.has(j)) || area.some((j) => patches.has(j))) continue;
      chosen.push(c);
      for (const j of own) patches.add(j);
      for (const j of area) areas.add(j);
    }
    return chosen;
  }

  it('finds no pattern in null cubes and no false trend among steady hot spots (FDR across places)', () => {
    const rng = new Rng(21);
    const cubes = 25;
    let classes = 0;
    let anyDecision = 0;
    let anyTrend = 0;
    let steadyHot = 0;
    for (let c = 0; c < cubes; c++) {
      const res = run(draw(rng, new Map()));
      const found = res.places.filter((p) => p.pattern !== 'no_pattern').length;
      classes += found;
      if (res.places.some((p) => p.evidence.span !== 0 || p.evidence.surge !== 0 || p.evidence.now !== 0))
        anyDecision++;
      // 12 steady (3×, no trend) places: every trend found among them is false.
      const steady = apart(rng, 12);
      const factor = new Map<number, (t: number) => number>();
      for (const s of steady) for (const i of patch(city, s)) factor.set(i, () => 3);
      const withSteady = run(draw(rng, factor));
      if (withSteady.places.some((p) => p.evidence.trend !== 0)) anyTrend++;
      steadyHot += steady.filter((s) => withSteady.places[s].pattern === 'persistent_hot').length;
    }
    console.log(
      `[emerging] ${cubes} null cubes × ${city.cells.length} places: ${(classes / cubes).toFixed(2)} places with a class per cube, ` +
        `FDP of the place decisions ${(anyDecision / cubes).toFixed(3)}; with 12 steady 3× places: trend FDP ${(anyTrend / cubes).toFixed(3)}, ` +
        `${((steadyHot / cubes / 12) * 100).toFixed(0)}% of them persistent`,
    );
    expect(anyDecision / cubes).toBeLessThanOrEqual(0.05 * 3); // three families (span, surge, now), each at q = 0.05
    expect(anyTrend / cubes).toBeLessThanOrEqual(0.05);
  });

  it('recovers planted new, intensifying, diminishing and persistent places ≥ 90% each', () => {
    const rng = new Rng(33);
    const kinds = {
      persistent: { factor: () => 3, classes: ['persistent_hot'] },
      new: { factor: (t: number) => (t >= T - 2 ? 3 : 1), classes: ['new_hot', 'consecutive_hot'] },
      intensifying: { factor: (t: number) => 1.5 + (2.5 * t) / (T - 1), classes: ['intensifying_hot'] },
      diminishing: { factor: (t: number) => 4 - (2 * t) / (T - 1), classes: ['diminishing_hot'] },
    } as const;
    const names = Object.keys(kinds) as (keyof typeof kinds)[];
    const hits: Record<string, number> = {};
    const single: Record<string, number> = {};
    const seen: Record<string, Record<string, number>> = {};
    const cubes = 25;
    const perKind = 2;
    for (let c = 0; c < cubes; c++) {
      // Two places of each kind as 7-cell patches, one of each as a single cell.
      const places = apart(rng, names.length * (perKind + 1));
      const factor = new Map<number, (t: number) => number>();
      places.forEach((p, k) => {
        const f = kinds[names[k % names.length]].factor;
        for (const i of k < names.length * perKind ? patch(city, p) : [p]) factor.set(i, f);
      });
      const res = run(draw(rng, factor));
      places.forEach((p, k) => {
        const kind = names[k % names.length];
        const pattern = res.places[p].pattern;
        const ok = (kinds[kind].classes as readonly string[]).includes(pattern);
        if (k >= names.length * perKind) {
          if (ok) single[kind] = (single[kind] ?? 0) + 1;
          return;
        }
        (seen[kind] ??= {})[pattern] = (seen[kind][pattern] ?? 0) + 1;
        if (ok) hits[kind] = (hits[kind] ?? 0) + 1;
      });
    }
    const rate = (k: string) => (hits[k] ?? 0) / (cubes * perKind);
    console.log(
      `[emerging] recovery over ${cubes * perKind} planted 7-cell places each: ` +
        names.map((k) => `${k} ${(rate(k) * 100).toFixed(0)}% ${JSON.stringify(seen[k])}`).join('; ') +
        `; single cells (${cubes} each, reported): ` +
        names.map((k) => `${k} ${(((single[k] ?? 0) / cubes) * 100).toFixed(0)}%`).join(', '),
    );
    for (const k of names) expect(rate(k), k).toBeGreaterThanOrEqual(0.9);
  });
});
