// Fetching and acting on tickets for the queue and detail pages. A refusal keeps the server's
// error body, so the page can say why (409 names the status and the allowed actions).
import type { ApiErrorBody, CallerDetails, QueueKind, QueueResponse, TicketDetail } from '../../api/tickets.ts';
import { ApiError } from '../../composables/api.ts';
import { apiFetch } from '../../auth/http.ts';

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as ApiErrorBody | null;
    throw new ApiError(body?.error?.message ?? res.statusText, res.status);
  }
  return (await res.json()) as T;
}

/** The queue API's largest page: the page shows the oldest this many, and the total beside them. */
export const QUEUE_LIMIT = 500;

export const fetchQueue = (kind: QueueKind, signal?: AbortSignal) => getJson<QueueResponse>(`/api/queue?kind=${kind}&limit=${QUEUE_LIMIT}`, signal);

export const fetchTicket = (id: number, signal?: AbortSignal) => getJson<TicketDetail>(`/api/tickets/${id}`, signal);

/** The caller in clear: dispatchers and admins only, and each read is written to the audit log. */
export async function fetchCaller(id: number): Promise<CallerDetails | null> {
  const body = await getJson<CallerDetails | { caller: CallerDetails | null }>(`/api/tickets/${id}/caller`);
  return 'caller' in body ? body.caller : body;
}

export type ActResult = { ok: true } | { ok: false; status: number; error: ApiErrorBody['error'] };

/** POST an action (or `locate`); never throws for a refusal, so the form can show it. */
export async function act(id: number, action: string, body: Record<string, unknown>): Promise<ActResult> {
  let res: Response;
  try {
    res = await apiFetch(`/api/tickets/${id}/${action}`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  } catch {
    return { ok: false, status: 0, error: { code: 'network', message: 'network error' } };
  }
  if (res.ok) return { ok: true };
  const parsed = (await res.json().catch(() => null)) as ApiErrorBody | null;
  return { ok: false, status: res.status, error: parsed?.error ?? { code: 'http', message: res.statusText } };
}
