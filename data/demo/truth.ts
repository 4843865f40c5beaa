// Planted ground truth: what the analysis features (hotspots, emerging patterns, recurring clusters,
// repeat demands, trend rankings) should find in the demo data. Stored in meta under 'demo_truth'.
import type { Queryable } from '../../db/client.ts';
import type { Position } from './geometry.ts';
import type { Performance } from './units.ts';

export type HotspotPattern = 'persistent' | 'new' | 'intensifying' | 'diminishing';
/** Every planted hot spot pattern, in plan order. */
export const HOTSPOT_PATTERNS = [
  'persistent',
  'new',
  'intensifying',
  'diminishing',
] as const satisfies readonly HotspotPattern[];

export interface PlantedHotspot {
  id: string;
  pattern: HotspotPattern;
  /** What it stands for, e.g. 'new construction site' — for people reading the truth. */
  story: string;
  /** H3 resolution-8 cell (hex string) the extra tickets fall in. */
  h3r8: string;
  centre: Position;
  streetCode: string;
  districtCode: string;
  /** Categories the extra tickets are mostly about (the rest follow the city's mix). */
  categories: string[];
  /** 'YYYY-MM' months with planted tickets. */
  months: string[];
  planted: number;
  plantedByMonth: Record<string, number>;
}

export interface PlantedCluster {
  id: string;
  /** What it stands for, e.g. 'leaking sewer pipe' — for people reading the truth. */
  story: string;
  categoryCode: string;
  centre: Position;
  /** Every planted ticket lies within this distance of the centre. */
  radiusMetres: number;
  address: string;
  streetCode: string;
  districtCode: string;
  months: string[];
  /** Distinct ISO weeks with at least one planted ticket. */
  weeks: number;
  planted: number;
  plantedByMonth: Record<string, number>;
}

export interface MonthlyOutcome {
  dispatched: number;
  respondedOnTime: number;
  calledBack: number;
  solved: number;
  satisfied: number;
  basic: number;
}

export interface PlantedUnitTrend {
  unitCode: string;
  unitKind: 'street';
  direction: 'improving' | 'slipping';
  /** The change ramps linearly from the start of fromMonth to the start of toMonth. */
  fromMonth: string;
  toMonth: string;
  before: Performance;
  after: Performance;
  /** What the generated tickets of this street actually show, per month (territorial dispatches). */
  realised: Record<string, MonthlyOutcome>;
}

export interface DemoTruth {
  version: 1;
  seed: number;
  tickets: number;
  now: string;
  timeZone: string;
  months: string[];
  hotspots: PlantedHotspot[];
  clusters: PlantedCluster[];
  units: PlantedUnitTrend[];
  repeats: {
    count: number;
    withinDays: number;
    examples: { ticketId: number; repeatOf: number; categoryCode: string }[];
  };
  unlocated: { count: number };
  outside: { count: number; ticketIds: number[] };
}

export const DEMO_TRUTH_KEY = 'demo_truth';

export async function writeDemoTruth(db: Queryable, truth: DemoTruth): Promise<void> {
  await db.query(
    `INSERT INTO meta (key, value, updated_at) VALUES ($1, $2::jsonb, now())
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [DEMO_TRUTH_KEY, JSON.stringify(truth)],
  );
}

/** The ground truth of the demo loaded in this database, or null if none was generated. */
export async function readDemoTruth(db: Queryable): Promise<DemoTruth | null> {
  const rows = await db.query<{ value: DemoTruth | string }>(`SELECT value FROM meta WHERE key = $1`, [DEMO_TRUTH_KEY]);
  if (rows.length === 0) return null;
  const v = rows[0].value;
  return typeof v === 'string' ? (JSON.parse(v) as DemoTruth) : v;
}
