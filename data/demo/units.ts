// How well each unit performs, month by month. Streets differ (some are consistently good, some
// poor), every unit wobbles a little from month to month so the ranking moves, and a few streets are
// planted to IMPROVE or SLIP over known months: the ground truth for trend and "progressing" views.
import type { Department } from '../taxonomy/schema.ts';
import type { Rng } from './random.ts';
import type { StreetModel } from './regions.ts';

/** Probabilities that drive one ticket's life cycle at a unit. */
export interface Performance {
  /** Accepts within the response limit. */
  respond: number;
  /** Replies within the resolve limit. */
  resolveOnTime: number;
  /** The citizen confirms the problem solved at callback. */
  solve: number;
  /** Fully satisfied, given solved. */
  satisfy: number;
}

export interface UnitTrend {
  direction: 'improving' | 'slipping';
  /** Month indices (0 = first month of the range): the change ramps linearly between them. */
  fromMonth: number;
  toMonth: number;
  before: Performance;
  after: Performance;
}

export interface UnitProfile {
  code: string;
  kind: 'street' | 'department' | 'utility';
  base: Performance;
  /** Per-month wobble added to every probability, so monthly ranks shuffle a little. */
  wobble: number[];
  trend: UnitTrend | null;
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

const POOR: Performance = { respond: 0.74, resolveOnTime: 0.66, solve: 0.52, satisfy: 0.58 };
const GOOD: Performance = { respond: 0.985, resolveOnTime: 0.96, solve: 0.93, satisfy: 0.94 };

function drawBase(rng: Rng, spread: number): Performance {
  // One latent "how well run" score moves all four rates together, as in real rankings.
  const q = rng.normal() * spread;
  return {
    respond: clamp(0.94 + 0.025 * q + 0.01 * rng.normal(), 0.7, 0.995),
    resolveOnTime: clamp(0.9 + 0.04 * q + 0.015 * rng.normal(), 0.6, 0.985),
    solve: clamp(0.8 + 0.07 * q + 0.02 * rng.normal(), 0.45, 0.97),
    satisfy: clamp(0.84 + 0.06 * q + 0.02 * rng.normal(), 0.5, 0.97),
  };
}

function lerp(a: Performance, b: Performance, f: number): Performance {
  return {
    respond: a.respond + (b.respond - a.respond) * f,
    resolveOnTime: a.resolveOnTime + (b.resolveOnTime - a.resolveOnTime) * f,
    solve: a.solve + (b.solve - a.solve) * f,
    satisfy: a.satisfy + (b.satisfy - a.satisfy) * f,
  };
}

/** The city keeps improving slowly (the ranking's whole point): about +3 points over a year. */
const CITY_DRIFT_PER_MONTH = 0.0025;

export function performanceAt(p: UnitProfile, monthIndex: number): Performance {
  let perf = p.base;
  if (p.trend) {
    const t = p.trend;
    const f = clamp((monthIndex - t.fromMonth) / Math.max(1, t.toMonth - t.fromMonth), 0, 1);
    perf = lerp(t.before, t.after, f);
  }
  const w = (p.wobble[monthIndex] ?? 0) + (p.trend ? 0 : CITY_DRIFT_PER_MONTH * monthIndex);
  return {
    respond: clamp(perf.respond + w * 0.5, 0.5, 0.998),
    resolveOnTime: clamp(perf.resolveOnTime + w, 0.4, 0.99),
    solve: clamp(perf.solve + w, 0.3, 0.98),
    satisfy: clamp(perf.satisfy + w, 0.3, 0.98),
  };
}

export interface UnitPlan {
  units: Map<string, UnitProfile>;
  /** Streets planted to improve or slip, in plan order. */
  trends: { code: string; trend: UnitTrend }[];
}

/**
 * Profiles for every street and department. Trend streets are drawn from the busier half, so their
 * monthly rates rest on enough tickets to be visible; improving ones ramp up over months 3–7,
 * slipping ones ramp down over months 6–10 of the last 13.
 */
export function planUnits(
  rng: Rng,
  streets: readonly StreetModel[],
  departments: readonly Department[],
  months: number,
): UnitPlan {
  const units = new Map<string, UnitProfile>();
  const wobble = () => Array.from({ length: months }, () => 0.012 * rng.normal());
  for (const s of streets)
    units.set(s.code, { code: s.code, kind: 'street', base: drawBase(rng, 1), wobble: wobble(), trend: null });
  for (const d of departments)
    units.set(d.code, { code: d.code, kind: d.kind, base: drawBase(rng, 0.7), wobble: wobble(), trend: null });

  const perDirection = Math.max(1, Math.min(4, Math.floor(streets.length / 6)));
  const busy = [...streets]
    .sort((a, b) => b.weight - a.weight || (a.code < b.code ? -1 : 1))
    .slice(0, Math.max(2, Math.ceil(streets.length / 2)));
  const chosen: StreetModel[] = [];
  while (chosen.length < Math.min(2 * perDirection, busy.length)) {
    const s = busy[rng.int(busy.length)];
    if (!chosen.includes(s)) chosen.push(s);
  }
  const trends: UnitPlan['trends'] = [];
  chosen.forEach((s, i) => {
    const improving = i % 2 === 0;
    const k = Math.floor(i / 2);
    // Trends end by the last complete month: the current month is partial and unranked, so a
    // slip that only reaches its depth there would never show in a closed monthly ranking.
    const lastComplete = months - 2;
    // In the last 13 months (the ranking's year), however long the demo.
    const first = Math.max(0, months - 13);
    const fromMonth = Math.min(lastComplete - 1, first + (improving ? 3 + k : 6 + k));
    const toMonth = Math.min(lastComplete, fromMonth + (improving ? 3 : 2 + (k % 2)));
    const trend: UnitTrend = improving
      ? { direction: 'improving', fromMonth, toMonth, before: POOR, after: GOOD }
      : { direction: 'slipping', fromMonth, toMonth, before: GOOD, after: POOR };
    const unit = units.get(s.code) as UnitProfile;
    unit.trend = trend;
    trends.push({ code: s.code, trend });
  });
  return { units, trends };
}
