// The "time left / overdue by" of a queue row, one rule for the column and its sort key.
import type { QueueRow } from '../../api/tickets.ts';

export interface TimeLimit {
  kind: 'waiting' | 'left' | 'overdue' | 'none';
  /** milliseconds: left (positive) or past the limit / waiting (positive) */
  ms: number;
  /** ascending = most urgent first: overdue longest, then least time left, then the rest */
  sortKey: number;
}

export function timeLimitOf(
  r: Pick<QueueRow, 'status' | 'locationStatus' | 'receivedAt' | 'resolveDueAt'>,
  now: number,
): TimeLimit {
  // a ticket waiting for a hand is timed from intake: the longest wait comes first
  if (r.status === 'received' && r.locationStatus !== 'located') {
    const ms = now - Date.parse(r.receivedAt);
    return { kind: 'waiting', ms, sortKey: -ms };
  }
  if (!r.resolveDueAt) return { kind: 'none', ms: 0, sortKey: Number.MAX_SAFE_INTEGER };
  const left = Date.parse(r.resolveDueAt) - now;
  return left < 0 ? { kind: 'overdue', ms: -left, sortKey: left } : { kind: 'left', ms: left, sortKey: left };
}
