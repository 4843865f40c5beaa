// A synthetic ticket stream for the surge scan's calibration and power tests: res-8 cells around a
// core (busier in the middle, uneven from cell to cell), streets of a few cells each, categories of
// different sizes, a day-night rhythm and a weekly one — the things the permutation must absorb —
// as Poisson arrivals, seeded. Pure TypeScript.
import { gridDisk, latLngToCell, gridDistance } from 'h3-js';
import { Rng } from '../../../data/demo/random.ts';
import { poisson } from './simulation.ts';
import {
  prospectiveScan,
  type ScanCategory,
  type ScanFamily,
  type ScanOptions,
  type ScanResult,
} from '../../../server/analysis/surgeScan.ts';

export interface SimTicket {
  /** hours since the stream's start */
  t: number;
  cell: number;
  street: number;
  category: number;
}

export interface SimCity {
  cells: string[];
  /** street of each cell */
  streetOf: number[];
  streets: number;
  /** k = 0 and k = 1 zones over cells (indices) */
  cellZones: number[][];
  /** relative weight of each cell */
  weight: number[];
  categoryShare: number[];
}

export function simCity(seed: number, radius = 5, categories = 6): SimCity {
  const rng = new Rng(seed);
  const centre = latLngToCell(39.9, 116.4, 8);
  const cells = [...gridDisk(centre, radius)].sort();
  const index = new Map(cells.map((c, i) => [c, i]));
  const weight = cells.map((c) => Math.exp(-gridDistance(centre, c) / 2.5) * Math.exp(0.4 * rng.normal()));
  // streets: each cell joins the street of the first cell of its 1-ring that has one, else starts one
  const streetOf = cells.map(() => -1);
  let streets = 0;
  cells.forEach((c, i) => {
    const near = gridDisk(c, 1)
      .map((x) => index.get(x))
      .filter((j): j is number => j !== undefined && j < i && streetOf[j]! >= 0);
    const sizes = new Map<number, number>();
    for (const j of near) sizes.set(streetOf[j]!, (sizes.get(streetOf[j]!) ?? 0) + 1);
    const joinable = [...sizes.keys()].find((s) => streetOf.filter((x) => x === s).length < 5);
    streetOf[i] = joinable ?? streets++;
  });
  const cellZones: number[][] = [];
  cells.forEach((c, i) => {
    cellZones.push([i]);
    cellZones.push([
      i,
      ...gridDisk(c, 1)
        .filter((x) => x !== c)
        .map((x) => index.get(x))
        .filter((j): j is number => j !== undefined),
    ]);
  });
  const raw = Array.from({ length: categories }, (_, k) => 1 / (k + 1));
  const s = raw.reduce((a, b) => a + b, 0);
  return { cells, streetOf, streets, cellZones, weight, categoryShare: raw.map((x) => x / s) };
}

/** Hour-of-day rhythm: quiet at night (×0.2 at 3 am), busy mid-morning; weekends ×0.8. */
export function rhythm(hour: number): number {
  const h = hour % 24;
  const day = Math.floor(hour / 24) % 7;
  return (0.6 + 0.4 * Math.cos(((h - 10) * Math.PI) / 12)) * (day >= 5 ? 0.8 : 1) * 1.25;
}

/** Poisson arrivals for `days` days at `perDay` tickets a day on average, hour by hour. */
export function nullStream(city: SimCity, rng: Rng, days: number, perDay: number): SimTicket[] {
  const out: SimTicket[] = [];
  const wsum = city.weight.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of city.weight) cum.push((acc += w / wsum));
  const catCum: number[] = [];
  acc = 0;
  for (const s of city.categoryShare) catCum.push((acc += s));
  const pick = (c: number[]) => {
    const u = rng.next();
    let i = 0;
    while (i < c.length - 1 && c[i]! < u) i++;
    return i;
  };
  for (let h = 0; h < days * 24; h++) {
    const n = poisson(rng, (perDay / 24) * rhythm(h));
    for (let i = 0; i < n; i++) {
      const cell = pick(cum);
      out.push({ t: h + rng.next(), cell, street: city.streetOf[cell]!, category: pick(catCum) });
    }
  }
  return out.sort((a, b) => a.t - b.t);
}

/** `count` tickets of one category in one cell, evenly over `hours` from `start`. */
export function surge(
  city: SimCity,
  cell: number,
  category: number,
  start: number,
  hours: number,
  count: number,
): SimTicket[] {
  return Array.from({ length: count }, (_, i) => ({
    t: start + (i * hours) / count,
    cell,
    street: city.streetOf[cell]!,
    category,
  }));
}

/** First index with t ≥ x in tickets sorted by time. */
function lowerBound(tickets: readonly SimTicket[], x: number): number {
  let lo = 0;
  let hi = tickets.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tickets[mid]!.t < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One scan at `now` (hours) over the tickets (sorted by time) of the last `baselineDays`, both families (cells, streets). */
export function scanAt(
  city: SimCity,
  tickets: readonly SimTicket[],
  now: number,
  baselineDays: number,
  options: ScanOptions,
): ScanResult {
  const from = now - baselineDays * 24;
  const maxWindow = options.windowsHours[options.windowsHours.length - 1]!;
  const cats = city.categoryShare.length;
  const build = (unitOf: (t: SimTicket) => number, unitCount: number): ScanCategory[] => {
    const counts = Array.from({ length: cats }, () => new Map<number, number>());
    const recent = Array.from({ length: cats }, () => ({ units: [] as number[], ages: [] as number[] }));
    for (let i = lowerBound(tickets, from), end = lowerBound(tickets, now + 1e-12); i < end; i++) {
      const t = tickets[i]!;
      const u = unitOf(t);
      counts[t.category]!.set(u, (counts[t.category]!.get(u) ?? 0) + 1);
      if (now - t.t < maxWindow) {
        recent[t.category]!.units.push(u);
        recent[t.category]!.ages.push(now - t.t);
      }
    }
    void unitCount;
    return counts.map((m, k) => ({
      category: String(k),
      units: [...m.keys()],
      counts: [...m.values()],
      recentUnits: recent[k]!.units,
      recentAges: recent[k]!.ages,
    }));
  };
  const families: ScanFamily[] = [
    {
      name: 'h3',
      unitCount: city.cells.length,
      zones: city.cellZones,
      categories: build((t) => t.cell, city.cells.length),
    },
    {
      name: 'street',
      unitCount: city.streets,
      zones: Array.from({ length: city.streets }, (_, s) => [s]),
      categories: build((t) => t.street, city.streets),
    },
  ];
  return prospectiveScan(families, options);
}

export interface Episode {
  category: string;
  units: Set<string>;
  first: number;
  last: number;
  bestRecurrence: number;
}

/**
 * Alerts as the server keeps them: a cluster at or above the threshold continues an episode of the
 * same category sharing a unit (cell or street, by family) seen within `gapHours`, else opens one.
 */
export class Episodes {
  readonly all: Episode[] = [];
  constructor(
    private readonly city: SimCity,
    private readonly gapHours = 24,
  ) {}

  add(now: number, result: ScanResult, minRecurrenceDays: number): Episode[] {
    const touched: Episode[] = [];
    for (const c of result.clusters) {
      if (c.recurrenceDays < minRecurrenceDays) continue;
      const units = new Set(
        c.family === 'h3' ? c.units.map((u) => `s${this.city.streetOf[u]}`) : c.units.map((u) => `s${u}`),
      );
      let ep = this.all.find(
        (e) => e.category === c.category && now - e.last <= this.gapHours && [...units].some((u) => e.units.has(u)),
      );
      if (!ep) {
        ep = { category: c.category, units, first: now, last: now, bestRecurrence: c.recurrenceDays };
        this.all.push(ep);
      } else {
        for (const u of units) ep.units.add(u);
        ep.last = now;
        ep.bestRecurrence = Math.max(ep.bestRecurrence, c.recurrenceDays);
      }
      touched.push(ep);
    }
    return touched;
  }
}
