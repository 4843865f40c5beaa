// Planted surges (issue 13, surge alerts): a burst of one category in one street — the water main
// that broke this morning, 30 "no water" calls in 2 hours — for the prospective scan to raise. The
// demo plants one on its last day, ending shortly before `now`, so a freshly started demo shows an
// alert at the first scan; the live demo feed (server/demoFeed.ts) starts new ones now and then.
//
// The hook in generator.ts is one line: on the last day, `plantSurges` rewrites the latest
// background drafts of that day into the surge's tickets (same count, so the total stays as
// asked), with its own random stream, so every draw before it — the whole year — is unchanged.
import { Rng, type WeightedTable } from './random.ts';

export interface SurgeSpec {
  street: number;
  categoryCode: string;
  startMs: number;
  minutes: number;
  count: number;
}

export const SURGE_TICKETS = 30;
export const SURGE_MINUTES = 120;
/** The planted surge ends this long before `now`. */
export const SURGE_ENDS_BEFORE_NOW_MS = 20 * 60_000;

/** The category a surge is about: a water outage where the taxonomy has one, else the first with "water", else the first. */
export function surgeCategory(codes: readonly string[]): string | null {
  return (
    codes.find((c) => /outage|停水/.test(c) && /water/.test(c)) ??
    codes.find((c) => /water/.test(c)) ??
    codes[0] ??
    null
  );
}

interface DraftLike {
  receivedAt: number;
  categoryCode: string;
  point: [number, number] | null;
  street: number;
  source: string;
}

/**
 * Rewrites the last `SURGE_TICKETS` background drafts of the demo's last day into a surge in one
 * street (weighted like calls), ending SURGE_ENDS_BEFORE_NOW_MS before `nowMs`; does nothing when
 * the day holds too few background drafts or too little time. Returns the surge planted.
 */
export function plantSurges<D extends DraftLike>(
  drafts: D[],
  o: {
    seed: number;
    dayStartMs: number;
    nowMs: number;
    categories: readonly string[];
    streets: WeightedTable<number>;
    pointIn: (street: number, rng: Rng) => [number, number] | null;
  },
): SurgeSpec | null {
  const category = surgeCategory(o.categories);
  const background = drafts.filter((d) => d.source === 'background').sort((a, b) => a.receivedAt - b.receivedAt);
  const startMs = o.nowMs - SURGE_ENDS_BEFORE_NOW_MS - SURGE_MINUTES * 60_000;
  if (!category || background.length < SURGE_TICKETS + 5 || startMs < o.dayStartMs) return null;
  const rng = new Rng((o.seed ^ 0x5e46e) >>> 0);
  const street = o.streets.draw(rng);
  const spec: SurgeSpec = { street, categoryCode: category, startMs, minutes: SURGE_MINUTES, count: SURGE_TICKETS };
  const taken = background.slice(-SURGE_TICKETS);
  // one estate: points within ~80 m of a spot in the street
  const centre = o.pointIn(street, rng);
  taken.forEach((d, i) => {
    d.receivedAt = Math.floor(startMs + ((i + rng.next()) * SURGE_MINUTES * 60_000) / SURGE_TICKETS);
    d.categoryCode = category;
    d.street = street;
    d.point = centre ? [centre[0] + (rng.next() - 0.5) * 0.0016, centre[1] + (rng.next() - 0.5) * 0.0012] : null;
    d.source = 'surge';
  });
  return spec;
}
