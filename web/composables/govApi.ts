// The governance loop's API (/api/gov/…), typed from the API contract (server/contract/governance.ts,
// type-only imports).
import type { z } from 'zod';
import type {
  achievementsSchema,
  govWallSchema,
  ledgerSchema,
  proactiveCreatedSchema,
  proactiveSchema,
  taskRowSchema,
  topicDetailSchema,
  topicRowSchema,
} from '../../server/contract/governance.ts';
import { requestJson } from '../api/request.ts';

export type TopicRow = z.infer<typeof topicRowSchema>;
export type TopicDetail = z.infer<typeof topicDetailSchema>;
export type Achievements = z.infer<typeof achievementsSchema>;
export type LedgerResult = z.infer<typeof ledgerSchema>;
export type ProactiveResult = z.infer<typeof proactiveSchema>;
export type TaskRow = z.infer<typeof taskRowSchema>;
export type ProactiveCreated = z.infer<typeof proactiveCreatedSchema>;
export type GovWall = z.infer<typeof govWallSchema>;

const call = <T>(path: string, init: { method?: 'POST'; body?: unknown; signal?: AbortSignal } = {}) =>
  requestJson<T>(path, { method: init.method, json: init.body, signal: init.signal });
const post = <T>(path: string, body: unknown) => call<T>(path, { method: 'POST', body });

export const govApi = {
  topics: (signal?: AbortSignal) => call<{ topics: TopicRow[] }>('/api/gov/topics', { signal }),
  topic: (id: number, signal?: AbortSignal) => call<TopicDetail>(`/api/gov/topics/${id}`, { signal }),
  adopt: (body: unknown) => post<{ id: number }>('/api/gov/topics', body),
  addTask: (id: number, body: unknown) => post<{ id: number }>(`/api/gov/topics/${id}/tasks`, body),
  addPolicy: (id: number, body: unknown) => post<{ id: number }>(`/api/gov/topics/${id}/policies`, body),
  addReview: (id: number, body: unknown) => post<{ id: number }>(`/api/gov/topics/${id}/reviews`, body),
  setStatus: (id: number, status: 'active' | 'closed') =>
    post<{ id: number }>(`/api/gov/topics/${id}/status`, { status }),
  tasks: (signal?: AbortSignal) => call<{ tasks: TaskRow[] }>('/api/gov/tasks', { signal }),
  overdueTasks: (signal?: AbortSignal) => call<{ tasks: TaskRow[] }>('/api/gov/tasks/overdue', { signal }),
  updateTask: (id: number, body: { status?: string; evidence?: string; links?: string[] }) =>
    post<TaskRow>(`/api/gov/tasks/${id}`, body),
  achievements: (signal?: AbortSignal) => call<Achievements>('/api/gov/achievements', { signal }),
  ledger: (signal?: AbortSignal) => call<LedgerResult>('/api/gov/ledger?limit=500', { signal }),
  syncLedger: () => post<{ added: number; resolved: number }>('/api/gov/ledger/sync', {}),
  updateLedger: (id: number, body: unknown) => post<{ id: number }>(`/api/gov/ledger/${id}`, body),
  proactive: (signal?: AbortSignal) => call<ProactiveResult>('/api/gov/proactive', { signal }),
  createProactive: (orders: unknown[]) => post<{ orders: ProactiveCreated[] }>('/api/gov/proactive', { orders }),
  wall: () => call<GovWall>('/api/gov/wall'),
  reportUrl: (lang: 'zh' | 'en') => `/api/gov/report?format=xlsx&lang=${lang}`,
};

/** −0.42 → "−42.0%"; null → "—". */
export function pctChange(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const s = (v * 100).toFixed(1);
  return `${v > 0 ? '+' : v < 0 ? '−' : ''}${s.replace('-', '')}%`;
}
