// The dispatcher's assistant (server/routes/assist.ts): suggestions, repeats, feedback, the knowledge base.
import type { z } from 'zod';
import type { callSuggestionSchema, kbEntrySchema, repeatCandidateSchema } from '../../server/contract/assist.ts';
import { requestJson } from './request.ts';

// Response types come from the API contract (server/contract/assist.ts), type-only: nothing of the
// server runs in the page.
export type CallSuggestion = z.infer<typeof callSuggestionSchema>;
export type CategorySuggestion = CallSuggestion['suggestions'][number];
export type SuggestedUnit = CategorySuggestion['units'][number];
export type RepeatCandidate = z.infer<typeof repeatCandidateSchema>;
export type KbEntry = z.infer<typeof kbEntrySchema>;

export interface TicketAssist {
  ticketId: number;
  categoryCode: string;
  suggestion: CallSuggestion;
  repeats: RepeatCandidate[];
  knowledge: KbEntry[];
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const call = <T>(path: string, init: { method?: Method; body?: unknown; signal?: AbortSignal } = {}): Promise<T> =>
  requestJson<T>(path, { method: init.method ?? 'GET', json: init.body, signal: init.signal });
const post = <T>(path: string, body: unknown, signal?: AbortSignal) => call<T>(path, { method: 'POST', body, signal });

export const suggestCall = (body: { text: string; lon?: number | null; lat?: number | null }, signal?: AbortSignal) =>
  post<CallSuggestion>('/api/assist/suggest', body, signal);
export const findRepeats = (body: { category: string; text: string; lon: number; lat: number }, signal?: AbortSignal) =>
  post<{ windowDays: number; candidates: RepeatCandidate[] }>('/api/assist/duplicates', body, signal);
export const sendFeedback = (body: {
  ticketId?: number | null;
  version: number | null;
  suggested: string[];
  chosen: string;
  unitSuggested?: string | null;
  unitAccepted?: boolean | null;
}) => post<{ rank: number | null }>('/api/assist/feedback', body);
export const linkRepeat = (ticketId: number, repeatOf: number) =>
  post<{ ticketId: number; repeatOf: number }>('/api/assist/link', { ticketId, repeatOf });
export const fetchTicketAssist = (id: number, signal?: AbortSignal) =>
  call<TicketAssist>(`/api/assist/tickets/${id}`, { signal });
export const searchKb = (q: { q?: string; kind?: string; category?: string }, signal?: AbortSignal) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) s.set(k, v);
  return call<{ entries: KbEntry[] }>(`/api/kb${s.size ? `?${s}` : ''}`, { signal });
};
export const fetchKbEntry = (id: number, signal?: AbortSignal) => call<KbEntry>(`/api/kb/${id}`, { signal });
export const saveKbEntry = (e: {
  id?: number;
  kind: 'duty' | 'policy';
  title: string;
  body: string;
  category?: string | null;
}) =>
  e.id
    ? call<KbEntry>(`/api/kb/${e.id}`, {
        method: 'PUT',
        body: { title: e.title, body: e.body, category: e.category ?? null },
      })
    : post<KbEntry>('/api/kb', { kind: e.kind, title: e.title, body: e.body, category: e.category ?? null });
export const deleteKbEntry = (id: number) => call<{ deleted: number }>(`/api/kb/${id}`, { method: 'DELETE' });
export const markClassicCase = (ticketId: number, note?: string) =>
  post<KbEntry>('/api/kb/cases', { ticketId, ...(note ? { note } : {}) });
