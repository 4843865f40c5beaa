// Typed reads of the server API (through web/api/request.ts), plus the decoder for the binary point format.
import type {
  DrillPart,
  DrillRate,
  DrillResult,
  MonthsResult,
  RankingResult,
  RankingTable,
  Report,
  ReportKind,
  UnitProfile,
  WhatIfResponse,
} from '../api/ranking.ts';
import type { Series, TicketPage, WorkspaceFilter, WorkspaceSummary } from '../components/workspace/types.ts';
import type {
  AppConfig,
  CategoriesResponse,
  RegionCollection,
  RegionLevel,
  Summary,
  TicketFilter,
  TicketPoints,
} from '../api/types.ts';
import { ApiError, getJson, queryString, request } from '../api/request.ts';

export { ApiError };

const query = queryString;

/** A raw response (binary bodies); failures are ApiErrors. */
const requestRaw = (path: string, signal?: AbortSignal) =>
  request(path, { signal, accept: 'application/json, application/octet-stream' });

export const fetchConfig = (signal?: AbortSignal) => getJson<AppConfig>('/api/config', signal);

export const fetchCategories = (signal?: AbortSignal) => getJson<CategoriesResponse>('/api/categories', signal);

export const fetchRegions = (level: RegionLevel, parent?: string | null, signal?: AbortSignal) =>
  getJson<RegionCollection>(`/api/regions${query({ level, parent })}`, signal);

export const fetchSummary = (f: TicketFilter, signal?: AbortSignal) =>
  getJson<Summary>(`/api/summary${query({ from: f.from, to: f.to, region: f.region, category: f.category })}`, signal);

export async function fetchTicketPoints(f: TicketFilter, signal?: AbortSignal): Promise<TicketPoints> {
  const res = await requestRaw(
    `/api/tickets/points${query({ from: f.from, to: f.to, region: f.region, category: f.category })}`,
    signal,
  );
  const decoded = decodeTicketPoints(await res.arrayBuffer());
  const total = Number(res.headers.get('x-total-count'));
  return {
    ...decoded,
    totalCount: Number.isFinite(total) && res.headers.has('x-total-count') ? total : decoded.count,
    truncated: res.headers.get('x-truncated') === '1',
  };
}

const POINTS_HEADER_BYTES = 40;
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Body layout (little-endian, server/points.ts): uint32 n; uint32 format (2); float64 extent
 * minLon,minLat,maxLon,maxLat; then (uint16 x, uint16 y, uint16 category) × n with x, y
 * quantised over the extent. Decoded in one pass into the Float32 positions deck.gl uploads.
 */
export function decodeTicketPoints(buf: ArrayBuffer): Pick<TicketPoints, 'count' | 'positions' | 'categoryIndex'> {
  if (buf.byteLength < 8) throw new ApiError('points body too short', 0);
  const view = new DataView(buf);
  const n = view.getUint32(0, true);
  const format = view.getUint32(4, true);
  if (format !== 2) throw new ApiError(`points body format ${format}, expected 2`, 0);
  const expected = POINTS_HEADER_BYTES + 6 * n;
  if (buf.byteLength < expected) throw new ApiError(`points body has ${buf.byteLength} bytes, expected ${expected}`, 0);
  const x0 = view.getFloat64(8, true);
  const y0 = view.getFloat64(16, true);
  const sx = (view.getFloat64(24, true) - x0) / 65535;
  const sy = (view.getFloat64(32, true) - y0) / 65535;
  const positions = new Float32Array(2 * n);
  const categoryIndex = new Uint16Array(n);
  if (hostIsLittleEndian) {
    // a typed view reads the body in place; 500k points decode in a few milliseconds
    const body = new Uint16Array(buf, POINTS_HEADER_BYTES, 3 * n);
    for (let i = 0; i < n; i++) {
      positions[2 * i] = x0 + body[3 * i]! * sx;
      positions[2 * i + 1] = y0 + body[3 * i + 1]! * sy;
      categoryIndex[i] = body[3 * i + 2]!;
    }
  } else {
    for (let i = 0, o = POINTS_HEADER_BYTES; i < n; i++, o += 6) {
      positions[2 * i] = x0 + view.getUint16(o, true) * sx;
      positions[2 * i + 1] = y0 + view.getUint16(o + 2, true) * sy;
      categoryIndex[i] = view.getUint16(o + 4, true);
    }
  }
  return { count: n, positions, categoryIndex };
}

// ---- workspace ----

/** The workspace filter as query parameters (lists comma-separated), the same for every endpoint. */
export function workspaceQuery(f: WorkspaceFilter, extra: Record<string, string | null | undefined> = {}): string {
  return query({
    from: f.from,
    to: f.to,
    region: f.region,
    category: f.category,
    channel: f.channel.join(','),
    kind: f.kind.join(','),
    status: f.status.join(','),
    urgency: f.urgency.join(','),
    ...extra,
  });
}

export const fetchWorkspaceSummary = (f: WorkspaceFilter, signal?: AbortSignal) =>
  getJson<WorkspaceSummary>(`/api/summary${workspaceQuery(f)}`, signal);

export const fetchSeries = (f: WorkspaceFilter, step: 'week' | 'month', signal?: AbortSignal) =>
  getJson<Series>(`/api/summary/series${workspaceQuery(f, { step })}`, signal);

export const fetchTicketPage = (
  f: WorkspaceFilter,
  extra: { flag?: 'overdue' | 'returned'; limit?: number },
  signal?: AbortSignal,
) =>
  getJson<TicketPage>(
    `/api/tickets${workspaceQuery(f, { flag: extra.flag, limit: String(extra.limit ?? 100) })}`,
    signal,
  );

export async function fetchWorkspacePoints(f: WorkspaceFilter, signal?: AbortSignal): Promise<TicketPoints> {
  const res = await requestRaw(`/api/tickets/points${workspaceQuery(f)}`, signal);
  const decoded = decodeTicketPoints(await res.arrayBuffer());
  const total = Number(res.headers.get('x-total-count'));
  return {
    ...decoded,
    totalCount: Number.isFinite(total) && res.headers.has('x-total-count') ? total : decoded.count,
    truncated: res.headers.get('x-truncated') === '1',
  };
}

export const exportUrl = (f: WorkspaceFilter, format: 'csv' | 'xlsx', lang: 'zh' | 'en') =>
  `/api/tickets/export${workspaceQuery(f, { format, lang })}`;

// ---- ranking and reports ----

export const fetchRankingMonths = (signal?: AbortSignal) => getJson<MonthsResult>('/api/ranking/months', signal);

export const fetchRanking = (table: RankingTable, month: string | null, signal?: AbortSignal) =>
  getJson<RankingResult>(`/api/ranking${query({ month, table })}`, signal);

export const fetchUnitProfile = (code: string, to: string | null, signal?: AbortSignal) =>
  getJson<UnitProfile>(`/api/ranking/units/${encodeURIComponent(code)}${query({ months: '13', to })}`, signal);

export const fetchDrill = (
  code: string,
  p: { month: string; rate: DrillRate; part: DrillPart; limit: number; offset: number },
  signal?: AbortSignal,
) =>
  getJson<DrillResult>(
    `/api/ranking/units/${encodeURIComponent(code)}/drill${query({ month: p.month, rate: p.rate, part: p.part, limit: String(p.limit), offset: String(p.offset) })}`,
    signal,
  );

export const fetchWhatIf = (code: string, month: string | null, signal?: AbortSignal) =>
  getJson<WhatIfResponse>(
    `/api/ranking/units/${encodeURIComponent(code)}/what-if${query({ month, limit: '20' })}`,
    signal,
  );

/** The query parameter naming each report's period. */
export const REPORT_PERIOD_PARAM: Record<ReportKind, string> = {
  daily: 'date',
  weekly: 'week',
  monthly: 'month',
  annual: 'year',
};

export function reportUrl(
  kind: ReportKind,
  period: string | null,
  format: 'json' | 'xlsx' | 'html' = 'json',
  lang: 'zh' | 'en' = 'zh',
): string {
  return `/api/reports/${kind}${query({ [REPORT_PERIOD_PARAM[kind]]: period, format: format === 'json' ? null : format, lang: lang === 'zh' ? null : lang })}`;
}

export const fetchReport = (kind: ReportKind, period: string | null, signal?: AbortSignal) =>
  getJson<Report>(reportUrl(kind, period), signal);
