// The planted patterns: where hotspots and recurring clusters sit, which categories they carry and
// how their tickets spread over the days. Drawn once from the seed before any ticket is made. What
// each is about (themes, cluster specs) comes from the city's demo profile (profile.ts).
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import { MS_DAY, type DemoDay } from './calendar.ts';
import { bboxOf, distanceMetres, samplePointIn, type BBox, type MultiPolygon, type Position } from './geometry.ts';
import type { ClusterSpec, DemoSettings } from './profile.ts';
import { spread, type Rng } from './random.ts';
import type { RegionModel, StreetModel } from './regions.ts';
import { seasonFactor } from './seasons.ts';
import { HOTSPOT_PATTERNS, type HotspotPattern } from './truth.ts';

export type PlantedPlace =
  { type: 'cell'; h3r8: string; shape: MultiPolygon; bbox: BBox } | { type: 'disc'; radiusMetres: number };

export interface PlantedSource {
  id: string;
  pattern: HotspotPattern | 'cluster';
  story: string;
  place: PlantedPlace;
  centre: Position;
  /** Index into model.streets of the street holding the centre. */
  streetIndex: number;
  /** Clusters repeat one address: the estate or lane everyone calls about. */
  address: string | null;
  categories: string[];
  /** Share of the source's tickets drawn from `categories`; the rest follow the city's daily mix. */
  categoryShare: number;
  count: number;
  /** Tickets per day, indexed like the demo days. */
  dayCounts: number[];
}

/**
 * Planted tickets per hot spot: at full strength, `share` of the demo's tickets over 13 months (at
 * least `min`), i.e. the same intensity a month however long the demo; a pattern's day weights
 * (below, 1 = full strength) then set its total. 'new' plants `share` (at least `min`) in its 60 days.
 */
const HOTSPOT_SIZE: Record<HotspotPattern, { share: number; min: number }> = {
  persistent: { share: 0.0025, min: 130 },
  new: { share: 0.0012, min: 60 },
  intensifying: { share: 0.005, min: 120 },
  diminishing: { share: 0.005, min: 120 },
};
const SIZE_MONTHS = 13;
/** Months the trend of intensifying and diminishing spots runs over: the analyses' last year (12 complete months and now). */
const TREND_MONTHS = 13;

/** Planted tickets never exceed this share of the total, however small the demo. */
const MAX_PLANTED_SHARE = 0.2;
export const CLUSTER_RADIUS_METRES = 60;
/** New hotspots appear in this many days before now. */
export const NEW_HOTSPOT_DAYS = 60;

/** Total demand grows ~8% a year, as hotline volume has year on year (the generator's background follows it). */
export const DEMO_GROWTH_PER_YEAR = 0.08;

function dayWeight(
  pattern: HotspotPattern,
  day: DemoDay,
  days: readonly DemoDay[],
  nowMs: number,
  weekday: readonly number[],
): number {
  // A planted place grows with the city: "persistent" keeps its share of the city's demand (a
  // constant count in a growing city would be a falling share, i.e. diminishing).
  const base = weekday[day.weekday] * day.fraction * (1 + (DEMO_GROWTH_PER_YEAR * day.index) / 365);
  if (pattern === 'persistent') return base;
  if (pattern === 'new') {
    const since = day.startMs - (nowMs - NEW_HOTSPOT_DAYS * MS_DAY);
    if (since < 0) return 0;
    return base * Math.min(1, 0.3 + since / (14 * MS_DAY)); // ramps up over its first two weeks
  }
  // Progress through the last TREND_MONTHS months (0 before them, 1 at now).
  const start = days.findIndex((d) => d.monthIndex >= days[days.length - 1].monthIndex - (TREND_MONTHS - 1));
  const q = Math.min(1, Math.max(0, (day.index + 1 - start) / (days.length - start)));
  // Small and steady before the last year, then growing fivefold over it (an estate filling up).
  if (pattern === 'intensifying') return base * (q === 0 ? 0.15 : 0.2 + 0.8 * q);
  // Strong and steady, then fading to a fifth over the last year (a market moving away), still
  // above its surroundings at the end.
  return base * (1 - 0.8 * q);
}

function clusterWeight(spec: ClusterSpec, day: DemoDay, weekday: readonly number[]): number {
  if (!spec.months.includes(day.month)) return 0;
  if (spec.weekdaysOnly && (day.weekday === 0 || day.weekday === 6)) return 0;
  return seasonFactor(spec.season, day.dayOfYear) * weekday[day.weekday] * day.fraction;
}

/** Streets ordered by demand per km², densest first: hotspots belong where people are. */
function byDensity(model: RegionModel, weights: readonly number[] = model.streets.map((s) => s.weight)): number[] {
  return model.streets
    .map((s, i) => ({ i, d: weights[i] / Math.max(s.areaKm2, 0.05) }))
    .sort((a, b) => b.d - a.d || a.i - b.i)
    .map((x) => x.i);
}

/**
 * Hot spots sit on ordinary ground: streets whose demand per km² lies between these quantiles of
 * the city's AREA (so of its H3 cells), not of its streets — a planted place must stand out from
 * ordinary surroundings, not from the busiest core, and not from an empty mountainside either.
 */
export const ORDINARY_GROUND = [0.4, 0.75] as const;

/** Streets whose density's area-weighted quantile (at the street's middle) lies in [lo, hi]; at least one. */
function ordinaryGround(model: RegionModel, lo: number, hi: number, weights?: readonly number[]): number[] {
  const asc = [...byDensity(model, weights)].reverse();
  const area = asc.reduce((a, i) => a + Math.max(model.streets[i].areaKm2, 0.05), 0);
  const out: number[] = [];
  let below = 0;
  let nearest = asc[0];
  let best = Infinity;
  for (const i of asc) {
    const a = Math.max(model.streets[i].areaKm2, 0.05);
    const mid = (below + a / 2) / area;
    if (mid >= lo && mid <= hi) out.push(i);
    const gap = Math.abs(mid - (lo + hi) / 2);
    if (gap < best) {
      best = gap;
      nearest = i;
    }
    below += a;
  }
  return out.length > 0 ? out : [nearest];
}

function slice(order: number[], from: number, to: number): number[] {
  const a = Math.floor(order.length * from);
  const b = Math.max(a + 1, Math.ceil(order.length * to));
  return order.slice(a, Math.min(order.length, b));
}

/** `background`: each street's background demand over the span (default: its weight), for where ordinary ground is. */
export function planSources(
  rng: Rng,
  model: RegionModel,
  days: readonly DemoDay[],
  total: number,
  settings: DemoSettings,
  background?: readonly number[],
): PlantedSource[] {
  const nowMs = days[days.length - 1].endMs;
  const order = byDensity(model);
  const taken: Position[] = [];
  const minGap = () => (taken.length < 4 ? 1500 : 1000);
  const farEnough = (p: Position, gap: number) => taken.every((q) => distanceMetres(p, q) >= gap);

  /** A point in one of `candidates`, far enough from earlier picks (the gap relaxes for tiny test maps). */
  const placeIn = (candidates: number[]): { point: Position; street: number } => {
    let gap = minGap();
    for (let attempt = 0; ; attempt++) {
      const street = candidates[rng.int(candidates.length)];
      const s: StreetModel = model.streets[street];
      const p = samplePointIn(rng, s.geometry, s.bbox) ?? s.labelPoint;
      if (farEnough(p, gap) || attempt > 400) return { point: p, street };
      if (attempt % 100 === 99) gap /= 2;
    }
  };

  const sources: PlantedSource[] = [];
  // Day-to-day noise, so planted places do not all share one identical monthly curve.
  const jitter = () => rng.uniform(0.5, 1.5);
  // Hot spots sit on ordinary ground (ORDINARY_GROUND), not on the densest streets: a planted
  // place must stand out from its own surroundings, not from a background already the city's busiest.
  const ordinary = ordinaryGround(model, ORDINARY_GROUND[0], ORDINARY_GROUND[1], background);
  const hotspotStreets: Record<HotspotPattern, number[]> = {
    persistent: ordinary,
    new: ordinary,
    intensifying: (() => {
      const outer = ordinary.filter((i) => model.streets[i].coreKm >= 12 && model.streets[i].coreKm <= 35);
      return outer.length >= 3 ? outer : ordinary;
    })(),
    diminishing: ordinary,
  };
  for (const pattern of HOTSPOT_PATTERNS) {
    settings.themes[pattern].forEach((theme, k) => {
      const { point } = placeIn(hotspotStreets[pattern]);
      const h3r8 = latLngToCell(point[1], point[0], 8);
      const [clat, clon] = cellToLatLng(h3r8);
      const centre: Position = [clon, clat];
      const shape: MultiPolygon = [[cellToBoundary(h3r8, true) as Position[]]];
      const streetAtCentre = model.index.locate(centre[0], centre[1]);
      taken.push(centre);
      const size = HOTSPOT_SIZE[pattern];
      sources.push({
        id: `hotspot-${pattern}-${k + 1}`,
        pattern,
        story: theme.story,
        place: { type: 'cell', h3r8, shape, bbox: bboxOf(shape) },
        centre,
        streetIndex: streetAtCentre >= 0 ? streetAtCentre : model.index.locate(point[0], point[1]),
        address: null,
        categories: theme.categories,
        categoryShare: 0.7,
        count: 0,
        dayCounts: [],
      });
      const src = sources[sources.length - 1];
      const weights = days.map((d) => dayWeight(pattern, d, days, nowMs, settings.weekday) * jitter());
      const full = Math.max(size.min, size.share * total);
      // Full strength = `full` tickets over 13 months of days; 'new' plants `full` in its days.
      const perWeight =
        pattern === 'new' ? full / weights.reduce((a, w) => a + w, 0) : full / ((SIZE_MONTHS * 365.25) / 12);
      src.count = Math.round(perWeight * weights.reduce((a, w) => a + w, 0));
      src.dayCounts = spread(src.count, weights);
    });
  }
  const settled = slice(order, 0, 0.7); // not in the mountains: clusters are about dense estates and lanes
  settings.clusters.forEach((spec, k) => {
    const weights = days.map((d) => clusterWeight(spec, d, settings.weekday) * jitter());
    if (weights.every((w) => w === 0)) return; // the range misses its season entirely
    const { point, street } = placeIn(settled);
    taken.push(point);
    const s = model.streets[street];
    const count = Math.max(spec.min, Math.round(spec.share * total));
    sources.push({
      id: `cluster-${k + 1}`,
      pattern: 'cluster',
      story: spec.story,
      place: { type: 'disc', radiusMetres: CLUSTER_RADIUS_METRES },
      centre: point,
      streetIndex: street,
      address: settings.people.estate(
        rng,
        settings.people.name({ nameZh: s.districtNameZh, nameEn: s.districtNameEn }),
        settings.people.name(s),
      ),
      categories: [spec.category],
      categoryShare: 1,
      count,
      dayCounts: spread(count, weights),
    });
  });

  // Keep planted volume a minority of a small demo, so the background still looks like a city.
  const planted = sources.reduce((a, s) => a + s.count, 0);
  if (planted > MAX_PLANTED_SHARE * total) {
    const f = (MAX_PLANTED_SHARE * total) / planted;
    for (const s of sources) {
      const weights = s.dayCounts.slice();
      s.count = Math.floor(s.count * f);
      s.dayCounts = spread(s.count, weights);
    }
  }
  return sources;
}
