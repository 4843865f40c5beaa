// The studio's reads of the analysis API. Shapes come from the API contract (server/contract/analysis.ts,
// type-only imports: nothing of server/ reaches the bundle), the schemas the contract test checks.
import type { z } from 'zod';
import type {
  backtestSchema,
  clustersSchema,
  emergingSchema,
  forecastSchema,
  hotspotSchema,
  regionHotspotSchema,
  topicsSchema,
} from '../../../server/contract/analysis.ts';
import { getJson, queryString } from '../../api/request.ts';

export type HotspotResult = z.infer<typeof hotspotSchema>;
export type HotspotCell = HotspotResult['cells'][number];
export type RegionHotspotResult = z.infer<typeof regionHotspotSchema>;
export type EmergingResult = z.infer<typeof emergingSchema>;
export type EmergingCell = EmergingResult['cells'][number];
export type EmergingPatternEntry = EmergingResult['patterns'][number];
export type ClusterResult = z.infer<typeof clustersSchema>;
export type Cluster = ClusterResult['clusters'][number];
export type TopicResult = z.infer<typeof topicsSchema>;
export type TopicCandidate = TopicResult['candidates'][number];
export type ForecastResult = z.infer<typeof forecastSchema>;
export type WorkItem = ForecastResult['workList'][number];
export type BacktestResult = z.infer<typeof backtestSchema>;

export { getJson, queryString };

export interface HotspotParams {
  res: number;
  k: number;
  from?: string;
  to?: string;
  category?: string | null;
}

export const hotspotsUrl = (p: HotspotParams) =>
  `/api/hotspots${queryString({ res: p.res, k: p.k, from: p.from, to: p.to, category: p.category })}`;

export const emergingUrl = (p: {
  res: number;
  k: number;
  step: 'week' | 'month';
  steps: number;
  category?: string | null;
}) =>
  `/api/hotspots/emerging${queryString({ res: p.res, k: p.k, step: p.step, steps: p.steps, category: p.category, series: 'counts' })}`;

/** The emerging tab's request for its controls; its first view is EMERGING_DEFAULT's (the server answers it ahead). */
export const emergingView = (res: '8' | '9', step: 'month' | 'week', category: string | null) =>
  emergingUrl({ res: Number(res), k: 1, step, steps: step === 'month' ? 12 : 52, category });
export const EMERGING_DEFAULT = { res: '8', step: 'month' } as const;
/** Rows of the forecast tab's work list. */
export const FORECAST_LIST_LENGTH = 30;

export const clustersUrl = (p: { category?: string | null; from?: string; to?: string }) =>
  `/api/clusters${queryString({ category: p.category, from: p.from, to: p.to })}`;

export const topicsUrl = (p: {
  month?: string | null;
  limit?: number;
  minTickets?: number;
  weights?: Record<string, number>;
}) => `/api/topics${queryString({ month: p.month, limit: p.limit, minTickets: p.minTickets, ...(p.weights ?? {}) })}`;

export const forecastUrl = (p: { category?: string | null; res?: number; limit?: number; month?: string | null }) =>
  `/api/forecast${queryString({ category: p.category, res: p.res ?? 8, limit: p.limit ?? 30, month: p.month })}`;

export const backtestUrl = (p: { category?: string | null; res?: number; k?: number }) =>
  `/api/forecast/backtest${queryString({ category: p.category, res: p.res ?? 8, k: p.k ?? 50 })}`;

export const regionHotspotsUrl = (p: {
  level: 'district' | 'street';
  category?: string | null;
  from?: string;
  to?: string;
  fdr?: boolean;
}) =>
  `/api/hotspots/regions${queryString({ level: p.level, category: p.category, from: p.from, to: p.to, fdr: p.fdr })}`;

/** A topic's own map link (`/api/hotspots?res=8&…`) at resolution 7, readable at city scale and on A4. */
export function topicMapUrl(map: string): string {
  return map.replace(/([?&])res=\d/, '$1res=7');
}
