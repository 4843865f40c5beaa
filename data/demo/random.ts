// Seeded randomness for the demo. sfc32 seeded through splitmix32: a few lines, fast, and the
// same sequence on every platform, so one seed always yields the same tickets.

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A string seed ('beijing-2024') hashed to 32 bits (FNV-1a), so CLI seeds can be words. */
export function seedFromString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed: number) {
    const sm = splitmix32(seed);
    this.a = sm();
    this.b = sm();
    this.c = sm();
    this.d = sm();
    for (let i = 0; i < 12; i++) this.next(); // warm up: sfc32's first outputs correlate with the seed
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** A child stream: lets one part of the plan draw numbers without shifting the others. */
  fork(label: string): Rng {
    return new Rng((Math.floor(this.next() * 4294967296) ^ seedFromString(label)) >>> 0);
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Box–Muller, keeping the second value). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Log-normal with the given median; sigma is the spread of the log. Durations are skewed like this. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }
}

/** Weighted choice in O(log n) from a prefix-sum table; built once, drawn from millions of times. */
export class WeightedTable<T> {
  readonly items: readonly T[];
  private readonly cum: Float64Array;
  readonly total: number;

  constructor(items: readonly T[], weights: ArrayLike<number>) {
    if (items.length !== weights.length) throw new Error('items and weights differ in length');
    this.items = items;
    this.cum = new Float64Array(items.length);
    let s = 0;
    for (let i = 0; i < items.length; i++) {
      const w = weights[i];
      if (!(w >= 0)) throw new Error(`weight ${i} is not a non-negative number`);
      s += w;
      this.cum[i] = s;
    }
    this.total = s;
  }

  index(rng: Rng): number {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cum[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  draw(rng: Rng): T {
    return this.items[this.index(rng)];
  }
}

/** Split n into integer parts proportional to weights (largest remainder): exact totals, no randomness. */
export function apportion(n: number, weights: ArrayLike<number>): number[] {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const out = new Array<number>(weights.length).fill(0);
  if (n <= 0 || total <= 0) return out;
  const rema: { i: number; r: number }[] = [];
  let given = 0;
  for (let i = 0; i < weights.length; i++) {
    const exact = (n * weights[i]) / total;
    out[i] = Math.floor(exact);
    given += out[i];
    rema.push({ i, r: exact - out[i] });
  }
  rema.sort((x, y) => y.r - x.r || x.i - y.i);
  for (let k = 0; k < n - given; k++) out[rema[k].i]++;
  return out;
}

/**
 * Spread n items over slots in proportion to weights by systematic allocation: walk the running
 * total and drop an item at every 1/n step. Exact total, each slot within one item of its expected
 * share, and thin rates (a third of an item a day) still land evenly instead of all in the slots
 * with the largest remainders.
 */
export function spread(n: number, weights: ArrayLike<number>, offset = 0.5): number[] {
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const out = new Array<number>(weights.length).fill(0);
  if (n <= 0 || total <= 0) return out;
  let cum = 0;
  let prev = Math.floor(offset);
  for (let i = 0; i < weights.length; i++) {
    cum += weights[i];
    const upto = i === weights.length - 1 ? n + Math.floor(offset) : Math.floor((cum / total) * n + offset);
    out[i] = upto - prev;
    prev = upto;
  }
  return out;
}
