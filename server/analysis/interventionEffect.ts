// Before/after measure of a proactive intervention (未诉先办: e.g. re-waterproofing roofs, checking
// radiators before the heating season) at a set of places, against comparable untreated places:
// a difference-in-differences on counts.
//
// Decisions:
// - Comparable = matched on the BEFORE count: for every treated place the `perTreated` untreated
//   places whose before count is nearest (ties by id), used once each. Places next to a treated
//   one are excluded by the caller (spill-over: the fix may also help the neighbours).
// - Counterfactual: what the treated places would have had after without the intervention is
//   their before count × the controls' after/before ratio (the season and the city's trend act
//   on both groups alike).
// - Uncertainty: the log ratio of ratios ln((Ta/Tb)/(Ca/Cb)) has, for Poisson counts, standard
//   error √(1/Ta + 1/Tb + 1/Ca + 1/Cb); z and a two-sided p come from it (0.5 is added to every
//   count when one is zero, the usual continuity correction).
import { twoSidedP } from './normal.ts';

export interface PlaceCounts {
  id: string;
  before: number;
  after: number;
}

export interface GroupSummary {
  places: number;
  before: number;
  after: number;
  /** after / before − 1, or null when before is 0. */
  change: number | null;
}

export interface InterventionEffect {
  treated: GroupSummary;
  control: GroupSummary & { ids: string[] };
  /** Treated after-count expected without the intervention. */
  expectedAfter: number | null;
  /** expectedAfter − treated.after: complaints avoided (negative = more than expected). */
  avoided: number | null;
  /** treated.after / expectedAfter − 1. */
  effect: number | null;
  z: number | null;
  p: number | null;
}

export function matchControls(
  treated: readonly PlaceCounts[],
  candidates: readonly PlaceCounts[],
  perTreated: number,
): PlaceCounts[] {
  if (!Number.isInteger(perTreated) || perTreated < 1)
    throw new RangeError(`perTreated must be a positive integer, got ${perTreated}`);
  const pool = [...candidates].sort((a, b) => a.before - b.before || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const used = new Set<string>();
  const chosen: PlaceCounts[] = [];
  // Treated places with the most tickets pick first: they are the hardest to match.
  for (const t of [...treated].sort((a, b) => b.before - a.before || (a.id < b.id ? -1 : 1))) {
    const free = pool.filter((c) => !used.has(c.id));
    free.sort(
      (a, b) =>
        Math.abs(a.before - t.before) - Math.abs(b.before - t.before) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    for (const c of free.slice(0, perTreated)) {
      used.add(c.id);
      chosen.push(c);
    }
  }
  return chosen;
}

function summary(places: readonly PlaceCounts[]): GroupSummary {
  const before = places.reduce((a, p) => a + p.before, 0);
  const after = places.reduce((a, p) => a + p.after, 0);
  return { places: places.length, before, after, change: before > 0 ? after / before - 1 : null };
}

export function interventionEffect(
  treated: readonly PlaceCounts[],
  controls: readonly PlaceCounts[],
): InterventionEffect {
  const t = summary(treated);
  const c = summary(controls);
  const ratio = c.before > 0 ? c.after / c.before : null;
  const expectedAfter = ratio === null ? null : t.before * ratio;
  const avoided = expectedAfter === null ? null : expectedAfter - t.after;
  const effect = expectedAfter !== null && expectedAfter > 0 ? t.after / expectedAfter - 1 : null;
  let z: number | null = null;
  let p: number | null = null;
  if (treated.length > 0 && controls.length > 0) {
    const zero = [t.before, t.after, c.before, c.after].some((x) => x === 0);
    const [tb, ta, cb, ca] = [t.before, t.after, c.before, c.after].map((x) => x + (zero ? 0.5 : 0));
    const logRatio = Math.log(ta / tb) - Math.log(ca / cb);
    const se = Math.sqrt(1 / ta + 1 / tb + 1 / ca + 1 / cb);
    z = logRatio / se;
    p = twoSidedP(z);
  }
  return { treated: t, control: { ...c, ids: controls.map((x) => x.id) }, expectedAfter, avoided, effect, z, p };
}
