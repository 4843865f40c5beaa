// What the wall fetches, typed from the API contract (server/contract/: type-only imports, so
// nothing of the server runs in the page and the types are the ones the contract test checks).
// Every request has a timeout: a hung request must turn into a visible "stale" badge, not silence.
import type { z } from 'zod';
import type { alertSchema } from '../../../server/contract/alerts.ts';
import type { emergingSchema, hotspotSchema, topicsSchema } from '../../../server/contract/analysis.ts';
import type {
  wallHotPlacesSchema,
  wallTicketSchema,
  wallTodaySchema,
  wallUrgentSchema,
} from '../../../server/contract/wall.ts';
import type { RegionCollection } from '../../api/types.ts';
import type { RankingResult } from '../../api/ranking.ts';
import { getJson as getJsonWithin } from '../../api/request.ts';

export type AlertRow = z.infer<typeof alertSchema>;
export type UrgentResponse = z.infer<typeof wallUrgentSchema>;
export type HotPlacesResponse = z.infer<typeof wallHotPlacesSchema>;
export type HotPlace = HotPlacesResponse['places'][number];
export type WallTodayResponse = z.infer<typeof wallTodaySchema>;
export type WallTicket = z.infer<typeof wallTicketSchema>;
export type HotspotResult = z.infer<typeof hotspotSchema>;
export type HotspotCell = HotspotResult['cells'][number];
export type EmergingResult = z.infer<typeof emergingSchema>;
export type EmergingCell = EmergingResult['cells'][number];
export type TopicsResult = z.infer<typeof topicsSchema>;
export type TopicCandidate = TopicsResult['candidates'][number];

// generous: the analyses take seconds on a busy server, and a slow answer is not a stale one
const TIMEOUT_MS = 60_000;
/** H3 resolution 7 (≈ 5 km² cells): at city scale on a wall, resolution 8 cells are specks. */
export const WALL_H3_RES = 7;
/** The wall's emerging-trend question (the server answers it ahead: server/routes/standing.ts). */
export const WALL_EMERGING_URL = `/api/hotspots/emerging?res=${WALL_H3_RES}&series=none`;
export const TOP_CATEGORIES = 8;

const getJson = <T>(path: string): Promise<T> => getJsonWithin<T>(path, undefined, TIMEOUT_MS);

export const wallApi = {
  today: () => getJson<WallTodayResponse>(`/api/wall/today?top=${TOP_CATEGORIES}`),
  latest: (limit: number) => getJson<{ tickets: WallTicket[] }>(`/api/wall/tickets?limit=${limit}`),
  tickets: (ids: readonly number[]) => getJson<{ tickets: WallTicket[] }>(`/api/wall/tickets?ids=${ids.join(',')}`),
  urgent: () => getJson<UrgentResponse>('/api/wall/urgent?limit=3'),
  hotPlaces: () => getJson<HotPlacesResponse>('/api/wall/hotplaces?limit=5'),
  districts: () => getJson<RegionCollection>('/api/regions?level=district'),
  ranking: () => getJson<RankingResult>('/api/ranking?table=district'),
  density: () => getJson<HotspotResult>(`/api/hotspots?res=${WALL_H3_RES}`),
  /** Resolution 8 for the district scenes, where resolution 7 cells would cover whole streets. */
  densityFine: () => getJson<HotspotResult>(`/api/hotspots?res=${WALL_H3_RES + 1}`),
  /** One district's cells alone, so its scene is not drowned by the neighbours'. */
  districtDensity: (code: string) =>
    getJson<HotspotResult>(`/api/hotspots?res=${WALL_H3_RES + 1}&district=${encodeURIComponent(code)}`),
  emerging: () => getJson<EmergingResult>(WALL_EMERGING_URL),
  topics: () => getJson<TopicsResult>('/api/topics?limit=1'),
  /** The topic's own hex map: the server hands out its URL with the candidate; the wall's resolution replaces its own. */
  topicMap: (url: string) => {
    const u = new URL(url, location.origin);
    u.searchParams.set('res', String(WALL_H3_RES));
    return getJson<HotspotResult>(u.pathname + u.search);
  },
};
