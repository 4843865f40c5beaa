// Response shapes of the server's JSON API, from the contract (server/contract/: zod schemas that
// also produce /api/openapi.json and are checked against real answers by the contract test).
// Type-only: nothing of server/ reaches the bundle.
import type { z } from 'zod';
import type {
  categoriesSchema,
  categoryGroupSchema,
  categorySchema,
  cityInfoSchema,
  configSchema,
  regionCollectionSchema,
  regionProperties,
} from '../../server/contract/geo.ts';
import type { summarySchema } from '../../server/contract/summary.ts';

export type RegionLevel = 'district' | 'street' | 'grid';
export type RegionProperties = z.infer<typeof regionProperties>;
export type RegionCollection = z.infer<typeof regionCollectionSchema>;
export type CategoryGroup = z.infer<typeof categoryGroupSchema>;
export type Category = z.infer<typeof categorySchema>;
export type CategoriesResponse = z.infer<typeof categoriesSchema>;
/** The base of GET /api/summary (the workspace reads all of it: WorkspaceSummary). */
export type Summary = z.infer<typeof summarySchema>;
export type CityInfo = z.infer<typeof cityInfoSchema>;
export type CityLevel = CityInfo['levels'][number];
/** GET /api/config: deployment settings the page needs before drawing. */
export type AppConfig = z.infer<typeof configSchema>;

/** The filter the map pages send (a request, not a response). */
export interface TicketFilter {
  from?: string;
  to?: string;
  region?: string | null;
  category?: string | null;
}

/** Decoded body of GET /api/tickets/points (binary, server/points.ts). */
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
