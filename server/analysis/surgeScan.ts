// Prospective space-time permutation scan statistic (Kulldorff, Heffernan, Hartman, Assunção &
// Mostashari 2005, "A space-time permutation scan statistic for disease outbreak detection", PLoS
// Medicine 2(3):e59), the method of SaTScan's prospective analyses and of New York City's daily
// syndromic surveillance. Pure: counts in, clusters out, no I/O.
//
// Data of one scan: the tickets of a study period (the baseline, 30–90 days, up to `now`), each with
// a place unit (an H3 cell, or a street) and a category. Cylinders: a zone (a set of units: an H3
// cell and its k-ring, or one street) × one category × a window of the last w hours ending now
// (prospective: only cylinders that are still going on). Under the null hypothesis the times of
// a category's tickets are independent of their places, so the expected count of a cylinder is
//   μ = C_zone · C_window / C    (Kulldorff 2005 eq. 1, per category)
// with C_zone the zone's tickets over the whole study period, C_window the category's tickets (all
// places) inside the window and C the category's tickets in the study. No population is needed: a
// busy place is busy in its baseline too. The log generalised likelihood ratio (Poisson
// approximation, eq. 2) of a cylinder with c > μ is
//   LLR = c·ln(c/μ) + (C − c)·ln((C − c)/(C − μ)),
// and the scan statistic is the largest LLR over all cylinders of all categories.
//
// Significance by Monte-Carlo: each replica permutes the times among a category's tickets (places
// fixed), which keeps every place's and every time's total, and takes its largest LLR; the
// observed statistic's rank among R replicas gives p = rank/(R + 1). Only tickets inside the
// longest window matter, so a replica draws, for each category, which of its C tickets receive the
// n recent times: one by one without replacement (an alias table over units, with rejection of
// tickets already dealt: O(n), not O(C)), each replica from its own seed, so replicas can be split
// over threads (prospectiveScanSplit) without changing the answer. Small p beyond 1/(R + 1) come
// from a Gumbel distribution fitted to the replicas' maxima by moments (Abrams, Kleinman & Kulldorff
// 2010), used only when the observed statistic beats every replica. Secondary clusters (not
// overlapping a stronger one in the same category) are compared with the same maxima, as SaTScan
// does (conservative). Families of zones (H3 rings, streets) are scanned separately and their p
// multiplied by the number of families (Bonferroni).
//
// Recurrence interval (Kulldorff 2001): RI = 1 / (p × scans per day) days — how often a cluster
// this strong would turn up by chance if the scan ran that often and nothing were going on. With
// overlapping successive scans (every few minutes) it is conservative: such scans are far from
// independent.
import { SeededRandom } from './random.ts';

export interface ScanCategory {
  category: string;
  /** Tickets of the whole study period (recent ones included) per unit: parallel arrays. */
  units: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** The tickets inside the longest window: their unit and age in hours (now − received, ≥ 0). */
  recentUnits: ArrayLike<number>;
  recentAges: ArrayLike<number>;
}

export interface ScanFamily {
  name: string;
  /** Units are 0..unitCount−1 (cells or streets). */
  unitCount: number;
  /** Zones: lists of units (the first is the zone's centre). */
  zones: ReadonlyArray<ArrayLike<number>>;
  categories: ReadonlyArray<ScanCategory>;
}

export interface ScanOptions {
  /** Window lengths in hours, ascending (the last w hours up to now). */
  windowsHours: readonly number[];
  /** Monte-Carlo replicas (99, 999…). */
  replicas: number;
  seed: number;
  /** Scans per day, for the recurrence interval. */
  scansPerDay: number;
  /** A cylinder needs at least this many tickets (in the data and in every replica alike). */
  minCases?: number;
  /** Clusters reported per family (strongest first, not overlapping within a category). */
  maxClusters?: number;
  /** Report clusters with p at most this (after Bonferroni). */
  maxP?: number;
}

export interface ScanCluster {
  family: string;
  category: string;
  zone: number;
  units: number[];
  windowHours: number;
  observed: number;
  expected: number;
  llr: number;
  /** rank / (R + 1) */
  pMonteCarlo: number;
  /** Gumbel tail of the replicas' maxima. */
  pGumbel: number;
  /** The p used: Gumbel when the cluster beats every replica (capped at 1/(R+1)), else Monte-Carlo; × families. */
  p: number;
  recurrenceDays: number;
}

export interface ScanResult {
  clusters: ScanCluster[];
  /** Per family: the largest observed LLR and the replicas' maxima (sorted ascending). */
  families: {
    name: string;
    observedMax: number;
    replicaMax: Float64Array;
    gumbel: { location: number; scale: number } | null;
  }[];
}

export const DEFAULT_WINDOWS_HOURS = [1, 2, 4, 8, 24] as const;

/** Log-likelihood ratio of a cylinder with c tickets where μ were expected, out of C (0 unless c > μ). */
export function poissonLlr(c: number, mu: number, total: number): number {
  if (!(c > mu) || mu <= 0) return 0;
  const rest = total - c;
  const restMu = total - mu;
  return c * Math.log(c / mu) + (rest > 0 ? rest * Math.log(rest / restMu) : 0);
}

const EULER_GAMMA = 0.5772156649015329;

/** Gumbel fitted by moments: scale = sd·√6/π, location = mean − γ·scale; null when the maxima do not vary. */
export function fitGumbel(maxima: ArrayLike<number>): { location: number; scale: number } | null {
  const n = maxima.length;
  if (n < 2) return null;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += maxima[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (maxima[i]! - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  if (!(sd > 0)) return null;
  const scale = (sd * Math.sqrt(6)) / Math.PI;
  return { location: mean - EULER_GAMMA * scale, scale };
}

/** P(max ≥ x) under the fitted Gumbel: 1 − exp(−exp(−(x − location)/scale)), computed without cancellation. */
export function gumbelTail(x: number, g: { location: number; scale: number }): number {
  const e = Math.exp(-(x - g.location) / g.scale);
  return -Math.expm1(-e);
}

/** Days between clusters this strong by chance: 1 / (p × scans per day). */
export function recurrenceDays(p: number, scansPerDay: number): number {
  return 1 / (p * scansPerDay);
}

/** Expected count of a cylinder under the permutation null: C_zone · C_window / C. */
export function permutationExpectation(zoneTotal: number, windowTotal: number, total: number): number {
  return total > 0 ? (zoneTotal * windowTotal) / total : 0;
}

interface Prepared {
  category: string;
  total: number;
  /** The category's study totals, dense by unit. */
  unitTotals: Float64Array;
  /** Alias table (Walker 1977, Vose 1991) over the units with study tickets, ∝ their totals: the
   * recent times are dealt to tickets drawn from it, without replacement by rejection. */
  aliasUnit: Int32Array;
  aliasProb: Float64Array;
  aliasOther: Int32Array;
  /** Recent tickets' window buckets (index of the shortest window holding them), and actual units. */
  buckets: Int32Array;
  actualUnits: Int32Array;
  /** Tickets of the category (all places) inside each window. */
  windowTotals: Float64Array;
  /** The category's study tickets per zone (filled by `zoneTotalsOf`). */
  zoneTotals: Float64Array;
}

function bucketOf(age: number, windows: readonly number[]): number {
  for (let b = 0; b < windows.length; b++) if (age < windows[b]!) return b;
  return -1;
}

/** Vose's alias method over the units with weight > 0: draw i uniform, keep unit[i] with prob[i], else unit[other[i]]. */
function aliasTable(weights: Float64Array, total: number) {
  const units: number[] = [];
  for (let u = 0; u < weights.length; u++) if (weights[u]! > 0) units.push(u);
  const K = units.length;
  const prob = new Float64Array(K);
  const other = new Int32Array(K);
  const scaled = units.map((u) => (weights[u]! * K) / total);
  const small: number[] = [];
  const large: number[] = [];
  scaled.forEach((x, i) => (x < 1 ? small : large).push(i));
  while (small.length && large.length) {
    const s = small.pop()!;
    const l = large[large.length - 1]!;
    prob[s] = scaled[s]!;
    other[s] = l;
    scaled[l] = scaled[l]! + scaled[s]! - 1;
    if (scaled[l]! < 1) small.push(large.pop()!);
  }
  // what is left has weight 1 (up to rounding)
  for (const i of [...large, ...small]) {
    prob[i] = 1;
    other[i] = i;
  }
  return { unit: Int32Array.from(units), prob, other };
}

function prepare(cat: ScanCategory, unitCount: number, windows: readonly number[]): Prepared {
  const unitTotals = new Float64Array(unitCount);
  let total = 0;
  for (let i = 0; i < cat.units.length; i++) {
    const u = cat.units[i]!;
    const n = cat.counts[i]!;
    if (!(u >= 0 && u < unitCount) || !Number.isInteger(n) || n < 0)
      throw new RangeError(`${cat.category}: unit ${u} or count ${n} out of range`);
    unitTotals[u]! += n;
    total += n;
  }
  const alias = aliasTable(unitTotals, total);
  const buckets: number[] = [];
  const actual: number[] = [];
  const recentPerUnit = new Float64Array(unitCount);
  for (let i = 0; i < cat.recentUnits.length; i++) {
    const b = bucketOf(cat.recentAges[i]!, windows);
    if (b < 0 || !(cat.recentAges[i]! >= 0)) continue;
    const u = cat.recentUnits[i]!;
    if (++recentPerUnit[u]! > unitTotals[u]!)
      throw new RangeError(`${cat.category}: unit ${u} has more recent tickets than study tickets`);
    buckets.push(b);
    actual.push(u);
  }
  const windowTotals = new Float64Array(windows.length);
  for (const b of buckets) for (let w = b; w < windows.length; w++) windowTotals[w]!++;
  return {
    category: cat.category,
    total,
    unitTotals,
    aliasUnit: alias.unit,
    aliasProb: alias.prob,
    aliasOther: alias.other,
    buckets: Int32Array.from(buckets),
    actualUnits: Int32Array.from(actual),
    windowTotals,
    zoneTotals: new Float64Array(0),
  };
}

/**
 * Scores every cylinder of one category for one assignment of recent tickets to units; calls
 * `visit` for each with c ≥ minCases and c > μ. Scratch arrays are reset before returning.
 */
class Scorer {
  private readonly unitCounts: Int32Array;
  private readonly zoneCounts: Int32Array;
  private readonly touchedUnits: Int32Array;
  private readonly touchedZones: Int32Array;
  private readonly zoneSeen: Uint8Array;
  private readonly unitSeen: Uint8Array;
  private readonly W: number;

  /** Zones of each unit, flat: zoneList[zoneStart[u] .. zoneStart[u + 1]). */
  private readonly zoneStart: Int32Array;
  private readonly zoneList: Int32Array;

  constructor(
    unitZones: Int32Array[],
    private readonly zones: ReadonlyArray<ArrayLike<number>>,
    unitCount: number,
    windows: number,
    private readonly minCases: number,
  ) {
    this.W = windows;
    this.zoneStart = new Int32Array(unitCount + 1);
    for (let u = 0; u < unitCount; u++) this.zoneStart[u + 1] = this.zoneStart[u]! + unitZones[u]!.length;
    this.zoneList = new Int32Array(this.zoneStart[unitCount]!);
    for (let u = 0; u < unitCount; u++) this.zoneList.set(unitZones[u]!, this.zoneStart[u]!);
    this.unitCounts = new Int32Array(unitCount * windows);
    this.zoneCounts = new Int32Array(zones.length * windows);
    this.touchedUnits = new Int32Array(unitCount);
    this.touchedZones = new Int32Array(zones.length);
    this.zoneSeen = new Uint8Array(zones.length);
    this.unitSeen = new Uint8Array(unitCount);
  }

  /**
   * With `visit`, every cylinder is reported; without, returns the largest LLR above `floor`
   * (cylinders that cannot beat it skip their logarithms: LLR < c·ln(c/μ), so c ≤ μ·e^(floor/c) cannot).
   */
  run(
    p: Prepared,
    units: ArrayLike<number>,
    n: number,
    visit: ((zone: number, w: number, c: number, mu: number, llr: number) => void) | null,
    floor = 0,
  ): number {
    let max = floor;
    let bound = this.bounds(max);
    const W = this.W;
    let nu = 0;
    for (let i = 0; i < n; i++) {
      const u = units[i]!;
      if (!this.unitSeen[u]) {
        this.unitSeen[u] = 1;
        this.touchedUnits[nu++] = u;
      }
      this.unitCounts[u * W + p.buckets[i]!]!++;
    }
    let nz = 0;
    const zoneSeen = this.zoneSeen;
    const touchedZones = this.touchedZones;
    const zoneStart = this.zoneStart;
    const zoneList = this.zoneList;
    const zc = this.zoneCounts;
    if (n <= nu * W) {
      // few tickets per unit: each ticket to its unit's zones, one bucket each
      const buckets = p.buckets;
      for (let i = 0; i < n; i++) {
        const u = units[i]!;
        const b = buckets[i]!;
        const end = zoneStart[u + 1]!;
        for (let j = zoneStart[u]!; j < end; j++) {
          const z = zoneList[j]!;
          if (!zoneSeen[z]) {
            zoneSeen[z] = 1;
            touchedZones[nz++] = z;
          }
          zc[z * W + b]!++;
        }
      }
    } else {
      const uc = this.unitCounts;
      for (let i = 0; i < nu; i++) {
        const u = this.touchedUnits[i]!;
        const end = zoneStart[u + 1]!;
        for (let j = zoneStart[u]!; j < end; j++) {
          const z = zoneList[j]!;
          if (!zoneSeen[z]) {
            zoneSeen[z] = 1;
            touchedZones[nz++] = z;
          }
          for (let b = 0; b < W; b++) zc[z * W + b]! += uc[u * W + b]!;
        }
      }
    }
    for (let i = 0; i < nu; i++) {
      const u = this.touchedUnits[i]!;
      this.unitSeen[u] = 0;
      this.unitCounts.fill(0, u * W, u * W + W);
    }
    const C = p.total;
    const zoneTotals = p.zoneTotals;
    const minCases = this.minCases;
    const zoneCounts = this.zoneCounts;
    for (let i = 0; i < nz; i++) {
      const z = this.touchedZones[i]!;
      this.zoneSeen[z] = 0;
      let c = 0;
      const zoneTotal = zoneTotals[z]!;
      for (let b = 0; b < W; b++) {
        c += zoneCounts[z * W + b]!;
        zoneCounts[z * W + b] = 0;
        if (c < minCases) continue;
        const mu = (zoneTotal * p.windowTotals[b]!) / C;
        if (!(c > mu)) continue;
        if (visit) {
          visit(z, b, c, mu, poissonLlr(c, mu, C));
          continue;
        }
        if (c < bound.length ? c <= mu * bound[c]! : c * Math.log(c / mu) <= max) continue;
        const llr = poissonLlr(c, mu, C);
        if (llr > max) {
          max = llr;
          bound = this.bounds(max);
        }
      }
    }
    return max;
  }

  private boundFor = -1;
  private boundTable = new Float64Array(BOUND_CASES);
  /** e^(max/c) for c < BOUND_CASES: a cylinder with c ≤ μ·e^(max/c) has LLR < max. */
  private bounds(max: number): Float64Array {
    if (max !== this.boundFor) {
      this.boundFor = max;
      for (let c = 1; c < BOUND_CASES; c++) this.boundTable[c] = Math.exp(max / c);
    }
    return this.boundTable;
  }
}

const BOUND_CASES = 256;

interface Candidate {
  category: number;
  zone: number;
  w: number;
  c: number;
  mu: number;
  llr: number;
}

/** A family made ready to score: zones by unit, categories prepared, the scorer's scratch arrays. */
interface ReadyFamily {
  f: ScanFamily;
  o: Required<ScanOptions>;
  scorer: Scorer;
  prepared: Prepared[];
  /** The family's seed (the scan's seed mixed with the family's index). */
  seed: number;
}

function readyFamily(f: ScanFamily, o: Required<ScanOptions>, index: number): ReadyFamily {
  const W = o.windowsHours.length;
  const unitZoneLists: number[][] = Array.from({ length: f.unitCount }, () => []);
  f.zones.forEach((members, z) => {
    for (let m = 0; m < members.length; m++) {
      const u = members[m]!;
      if (!(u >= 0 && u < f.unitCount))
        throw new RangeError(`${f.name}: zone ${z} names unit ${u} outside 0..${f.unitCount - 1}`);
      unitZoneLists[u]!.push(z);
    }
  });
  const unitZones = unitZoneLists.map((l) => Int32Array.from(l));
  const scorer = new Scorer(unitZones, f.zones, f.unitCount, W, o.minCases);
  const prepared = f.categories
    .map((c) => prepare(c, f.unitCount, o.windowsHours))
    .filter((p) => p.buckets.length >= o.minCases);
  for (const p of prepared) {
    p.zoneTotals = new Float64Array(f.zones.length);
    for (let u = 0; u < f.unitCount; u++) {
      const n = p.unitTotals[u]!;
      if (n === 0) continue;
      const zs = unitZones[u]!;
      for (let j = 0; j < zs.length; j++) p.zoneTotals[zs[j]!]! += n;
    }
  }
  return { f, o, scorer, prepared, seed: (o.seed + index * 0x9e3779b9) >>> 0 };
}

/** Every cylinder of the observed data with c ≥ minCases and c > μ. */
function observedCandidates(rf: ReadyFamily): { candidates: Candidate[]; observedMax: number } {
  const candidates: Candidate[] = [];
  let observedMax = 0;
  rf.prepared.forEach((p, ci) => {
    rf.scorer.run(p, p.actualUnits, p.actualUnits.length, (zone, w, c, mu, llr) => {
      candidates.push({ category: ci, zone, w, c, mu, llr });
      if (llr > observedMax) observedMax = llr;
    });
  });
  return { candidates, observedMax };
}

/** The seed of replica r: its own stream, so a replica's maximum does not depend on which others ran before it. */
const replicaSeed = (familySeed: number, r: number) => (familySeed ^ Math.imul(r + 1, 0x85ebca6b)) >>> 0;

/**
 * Maxima of replicas [from, to): each deals every category's recent times to a random subset of
 * its study tickets — drawn one by one without replacement: a unit by the alias table (∝ its
 * tickets), kept with probability (its tickets − already dealt)/(its tickets), which makes each draw
 * uniform over the tickets not yet dealt, as a shuffle would, in O(1) per draw from a table of units
 * rather than a pool of every ticket. Yields after each replica. Each replica has its own seed, so
 * its maximum does not depend on which range or thread computes it.
 */
function* replicaRange(rf: ReadyFamily, from: number, to: number, out: Float64Array): Generator<void, void> {
  const { prepared, scorer } = rf;
  let longest = 1;
  for (const p of prepared) longest = Math.max(longest, p.buckets.length);
  const dealt = new Int32Array(longest);
  const taken = new Int32Array(rf.f.unitCount);
  for (let r = from; r < to; r++) {
    const rng = new SeededRandom(replicaSeed(rf.seed, r));
    let max = 0;
    for (const p of prepared) {
      const n = p.buckets.length;
      const { aliasUnit, aliasProb, aliasOther, unitTotals } = p;
      const K = aliasUnit.length;
      for (let i = 0; i < n; i++) {
        for (;;) {
          const x = rng.next() * K;
          const j = x | 0;
          const u = aliasUnit[x - j < aliasProb[j]! ? j : aliasOther[j]!]!;
          const t = taken[u]!;
          if (t > 0 && rng.next() * unitTotals[u]! < t) continue; // that ticket was dealt already
          taken[u] = t + 1;
          dealt[i] = u;
          break;
        }
      }
      max = scorer.run(p, dealt, n, null, max);
      for (let i = 0; i < n; i++) taken[dealt[i]!] = 0;
    }
    out[r - from] = max;
    yield;
  }
}

/** Clusters from the observed cylinders and the replicas' maxima (sorted ascending). */
function finishFamily(
  rf: ReadyFamily,
  observed: { candidates: Candidate[]; observedMax: number },
  replicaMax: Float64Array,
  familyCount: number,
): { clusters: ScanCluster[]; summary: ScanResult['families'][number] } {
  const { f, o, prepared } = rf;
  const gumbel = fitGumbel(replicaMax);
  // strongest first, not overlapping a stronger cluster of the same category
  const candidates = observed.candidates.sort((a, b) => b.llr - a.llr || a.zone - b.zone || a.w - b.w);
  const used = new Map<number, Set<number>>();
  const clusters: ScanCluster[] = [];
  for (const cand of candidates) {
    if (clusters.length >= o.maxClusters) break;
    const members = Array.from(f.zones[cand.zone]!);
    const taken = used.get(cand.category) ?? new Set<number>();
    if (members.some((u) => taken.has(u))) continue;
    const beaten = countAtLeast(replicaMax, cand.llr);
    const pMonteCarlo = (beaten + 1) / (o.replicas + 1);
    const pGumbel = gumbel ? gumbelTail(cand.llr, gumbel) : pMonteCarlo;
    const single = beaten === 0 ? Math.min(pGumbel, pMonteCarlo) : pMonteCarlo;
    const p = Math.min(1, single * familyCount);
    if (p > o.maxP) break; // weaker ones only get larger p
    for (const u of members) taken.add(u);
    used.set(cand.category, taken);
    clusters.push({
      family: f.name,
      category: prepared[cand.category]!.category,
      zone: cand.zone,
      units: members,
      windowHours: o.windowsHours[cand.w]!,
      observed: cand.c,
      expected: cand.mu,
      llr: cand.llr,
      pMonteCarlo,
      pGumbel,
      p,
      recurrenceDays: recurrenceDays(p, o.scansPerDay),
    });
  }
  return { clusters, summary: { name: f.name, observedMax: observed.observedMax, replicaMax, gumbel } };
}

/** How many of the sorted values are ≥ x. */
function countAtLeast(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! >= x) hi = mid;
    else lo = mid + 1;
  }
  return sorted.length - lo;
}

function checkedOptions(options: ScanOptions): Required<ScanOptions> {
  const o: Required<ScanOptions> = { minCases: 3, maxClusters: 20, maxP: 1, ...options };
  const w = o.windowsHours;
  if (w.length === 0 || w.some((x, i) => !(x > 0) || (i > 0 && x <= w[i - 1]!)))
    throw new RangeError('windowsHours: positive and ascending');
  if (!Number.isInteger(o.replicas) || o.replicas < 1) throw new RangeError('replicas: a positive integer');
  if (!(o.scansPerDay > 0)) throw new RangeError('scansPerDay: positive');
  return o;
}

function assemble(
  families: readonly ScanFamily[],
  o: Required<ScanOptions>,
  ready: ReadyFamily[],
  observed: { candidates: Candidate[]; observedMax: number }[],
  maxima: Float64Array[],
): ScanResult {
  const out: ScanResult = { clusters: [], families: [] };
  ready.forEach((rf, i) => {
    const r = finishFamily(rf, observed[i]!, maxima[i]!.sort(), families.length);
    out.clusters.push(...r.clusters);
    out.families.push(r.summary);
  });
  out.clusters.sort((a, b) => a.p - b.p || b.llr - a.llr);
  return out;
}

function* scanAll(families: readonly ScanFamily[], o: Required<ScanOptions>): Generator<void, ScanResult> {
  const ready = families.map((f, i) => readyFamily(f, o, i));
  const observed = ready.map(observedCandidates);
  const maxima = ready.map(() => new Float64Array(o.replicas));
  for (let i = 0; i < ready.length; i++) yield* replicaRange(ready[i]!, 0, o.replicas, maxima[i]!);
  return assemble(families, o, ready, observed, maxima);
}

export function prospectiveScan(families: readonly ScanFamily[], options: ScanOptions): ScanResult {
  const run = scanAll(families, checkedOptions(options));
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
  }
}

/**
 * The same scan, giving the event loop a turn whenever `sliceMs` of work has passed (between
 * replicas): a server keeps answering requests while it scans. Same result as `prospectiveScan`.
 */
export async function prospectiveScanAsync(
  families: readonly ScanFamily[],
  options: ScanOptions,
  sliceMs = 20,
): Promise<ScanResult> {
  const run = scanAll(families, checkedOptions(options));
  let since = performance.now();
  for (;;) {
    const step = run.next();
    if (step.done) return step.value;
    if (performance.now() - since >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      since = performance.now();
    }
  }
}

/** A share of the replicas, for another thread: every family's maxima of replicas [from, to). */
export interface ReplicaTask {
  families: readonly ScanFamily[];
  options: ScanOptions;
  from: number;
  to: number;
}

/** Computes a ReplicaTask (in whatever thread runs it). */
export function runReplicaTask(task: ReplicaTask): Float64Array[] {
  const o = checkedOptions(task.options);
  return task.families.map((f, i) => {
    const out = new Float64Array(task.to - task.from);
    const run = replicaRange(readyFamily(f, o, i), task.from, task.to, out);
    while (!run.next().done);
    return out;
  });
}

/**
 * The same scan with the replicas split into `parts` ranges handed to `run` (worker threads: see
 * server/alerts/scanWorkers.ts); the observed cylinders are scored here meanwhile. The result does
 * not depend on the split: each replica has its own seed.
 */
export async function prospectiveScanSplit(
  families: readonly ScanFamily[],
  options: ScanOptions,
  parts: number,
  run: (task: ReplicaTask) => Promise<Float64Array[]>,
): Promise<ScanResult> {
  const o = checkedOptions(options);
  const k = Math.max(1, Math.min(parts, o.replicas));
  const bounds = Array.from({ length: k + 1 }, (_, i) => Math.round((i * o.replicas) / k));
  const pending = Array.from({ length: k }, (_, i) =>
    run({ families, options: o, from: bounds[i]!, to: bounds[i + 1]! }),
  );
  const ready = families.map((f, i) => readyFamily(f, o, i));
  const observed = ready.map(observedCandidates);
  const results = await Promise.all(pending);
  const maxima = ready.map((_, fi) => {
    const all = new Float64Array(o.replicas);
    results.forEach((r, i) => all.set(r[fi]!, bounds[i]!));
    return all;
  });
  return assemble(families, o, ready, observed, maxima);
}
