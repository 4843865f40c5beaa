// Response shapes of the server's JSON API, as fixed in the API brief.
// When server/ exports its Hono AppType, replace these with types inferred through `hc`
// (architecture: one source of truth for shapes); until then they are kept here, in one place.
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { CityInfo } from '../../server/city.ts';

export type RegionLevel = 'district' | 'street' | 'grid';

export interface RegionProperties {
  code: string;
  /** Chinese name */
  name: string;
  nameEn: string;
  parentCode: string | null;
  /** true for the demo's street and grid boundaries, which are not official */
  synthetic: boolean;
  level: RegionLevel;
  population: number | null;
  /** server-computed point inside the region for its name (PostGIS); optional */
  labelPoint?: [number, number] | null;
  areaKm2?: number | null;
}

export type RegionCollection = FeatureCollection<Polygon | MultiPolygon, RegionProperties>;

export interface CategoryGroup {
  code: string;
  nameZh: string;
  nameEn: string;
}

export interface Category {
  code: string;
  groupCode: string;
  nameZh: string;
  nameEn: string;
  urgency: string;
}

export interface CategoriesResponse {
  groups: CategoryGroup[];
  categories: Category[];
}

export interface Summary {
  from: string;
  to: string;
  total: number;
  located: number;
  unlocated: number;
  outside: number;
  byDistrict: { code: string; name: string; nameEn: string; count: number }[];
  byCategoryGroup: (CategoryGroup & { count: number })[];
  byStatus: { status: string; count: number }[];
  dataRange: { first: string | null; last: string | null };
  /** true when some region boundaries in the database are synthetic (示意) */
  synthetic: boolean;
}

/** The active city (server/city.ts; type-only, nothing of server/ reaches the bundle). */
export type { CityInfo, CityLevel } from '../../server/city.ts';

/** GET /api/config: deployment settings the page needs before drawing. */
export interface AppConfig {
  engine?: string;
  /** optional self-hosted base-map style; null means draw the city's own boundaries only */
  basemapStyleUrl?: string | null;
  /** true when tickets are generated demo data (shown as a badge); absent means unknown */
  demo?: boolean;
  /** the city's names, zone, levels, bounds and language; null when no city package is active */
  city?: CityInfo | null;
}

export interface TicketFilter {
  from?: string;
  to?: string;
  region?: string | null;
  category?: string | null;
}

/** Decoded body of GET /api/tickets/points. */
export interface TicketPoints {
  count: number;
  /** lon,lat pairs (WGS-84), length 2·count */
  positions: Float32Array;
  /** index into CategoriesResponse.categories, length count */
  categoryIndex: Uint16Array;
  /** X-Total-Count: matching tickets with coordinates, before the server's cap */
  totalCount: number;
  truncated: boolean;
}
