// Fetching and acting on tickets for the queue and detail pages. A refusal keeps the server's
// error body, so the page can say why (409 names the status and the allowed actions).
import type { CallerDetails, QueueKind, QueueResponse, TicketDetail } from '../../api/tickets.ts';
import { ApiError, getJson, request, type ApiErrorBody } from '../../api/request.ts';

/** The queue API's largest page: the page shows the oldest this many, and the total beside them. */
export const QUEUE_LIMIT = 500;

export const fetchQueue = (kind: QueueKind, signal?: AbortSignal) =>
  getJson<QueueResponse>(`/api/queue?kind=${kind}&limit=${QUEUE_LIMIT}`, signal);

export const fetchTicket = (id: number, signal?: AbortSignal) => getJson<TicketDetail>(`/api/tickets/${id}`, signal);

/** The caller in clear: dispatchers and admins only, and each read is written to the audit log. */
export async function fetchCaller(id: number): Promise<CallerDetails | null> {
  const body = await getJson<CallerDetails | { caller: CallerDetails | null }>(`/api/tickets/${id}/caller`);
  return 'caller' in body ? body.caller : body;
}

export type ActResult = { ok: true } | { ok: false; status: number; error: ApiErrorBody['error'] };

/** POST an action (or `locate`); never throws for a refusal, so the form can show it. */
export async function act(id: number, action: string, body: Record<string, unknown>): Promise<ActResult> {
  try {
    await request(`/api/tickets/${id}/${action}`, { method: 'POST', json: body });
    return { ok: true };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return {
      ok: false,
      status: err.status,
      error: err.body?.error ?? { code: err.code, message: err.status ? err.message : 'network error' },
    };
  }
}

export interface BulkResult {
  action: string;
  done: number;
  failed: number;
  results: {
    id: number;
    ok: boolean;
    status?: string;
    /** `reason` is what the page says (desk.bulk.reason.*); `message` is the server's English */
    error?: { code: string; reason?: string; message: string; field?: string; status?: string };
  }[];
}

/** POST /api/queue/bulk: one action on many tickets, a result per ticket; a refused request keeps the server's reason. */
export async function bulkAct(
  action: 'remind' | 'escalate' | 'redispatch',
  ids: number[],
  unitCode?: string,
): Promise<{ ok: true; result: BulkResult } | { ok: false; message: string }> {
  try {
    const res = await request('/api/queue/bulk', {
      method: 'POST',
      json: { action, ids, ...(unitCode ? { unitCode } : {}) },
    });
    return { ok: true, result: (await res.json()) as BulkResult };
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    return { ok: false, message: err.body?.error?.message ?? err.message };
  }
}
