// The dispatcher's queue as a view: which tab (the four server queues, or 急 — every open
// emergency ticket among them) and which filters (district, category group, urgency, status, an id
// or address search), read from and written to the URL, and applied the same way on the queue and
// on the ticket page's previous/next.
import type { LocationQuery } from 'vue-router';
import { QUEUE_KINDS, type QueueKind } from '../../../db/vocabulary.ts';
import type { QueueResponse, QueueRow } from '../../api/tickets.ts';
import { timeLimitOf } from './timeLimit.ts';

export const QUEUE_TABS = ['urgent', ...QUEUE_KINDS] as const;
export type QueueTab = (typeof QUEUE_TABS)[number];

export interface QueueFilter {
  district: string | null;
  group: string | null;
  urgency: string | null;
  status: string | null;
  q: string;
}
export const FILTER_KEYS = ['district', 'group', 'urgency', 'status'] as const;

const one = (v: LocationQuery[string] | undefined) => (typeof v === 'string' && v ? v : null);

export function tabOf(q: LocationQuery, fallback: QueueTab = 'unlocated'): QueueTab {
  const v = one(q.tab) ?? one(q.from);
  return v && (QUEUE_TABS as readonly string[]).includes(v) ? (v as QueueTab) : fallback;
}

export function filterOf(q: LocationQuery): QueueFilter {
  return {
    district: one(q.district),
    group: one(q.group),
    urgency: one(q.urgency),
    status: one(q.status),
    q: (one(q.q) ?? '').slice(0, 100),
  };
}

/** The filter as query entries, empty ones left out. */
export function filterQuery(f: QueueFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of FILTER_KEYS) if (f[k]) out[k] = f[k]!;
  if (f.q.trim()) out.q = f.q.trim();
  return out;
}

export function matches(r: QueueRow, f: QueueFilter): boolean {
  if (f.district && r.districtCode !== f.district) return false;
  if (f.group && r.groupCode !== f.group) return false;
  if (f.urgency && r.urgency !== f.urgency) return false;
  if (f.status && r.status !== f.status) return false;
  const s = f.q.trim().toLowerCase();
  if (s) {
    const idHit = /^\d+$/.test(s) && String(r.id).includes(s);
    const addressHit =
      (r.address ?? '').toLowerCase().includes(s) ||
      [r.streetZh, r.streetEn, r.districtZh, r.districtEn].some((x) => (x ?? '').toLowerCase().includes(s));
    if (!idHit && !addressHit) return false;
  }
  return true;
}

/** A tab's rows before filtering: a server queue, or the open emergency tickets of all four (oldest first, once each). */
export function tabRows(results: Partial<Record<QueueKind, QueueResponse | null>>, tab: QueueTab): QueueRow[] {
  if (tab !== 'urgent') return results[tab]?.tickets ?? [];
  const seen = new Set<number>();
  const out: QueueRow[] = [];
  for (const k of QUEUE_KINDS)
    for (const r of results[k]?.tickets ?? [])
      if (r.urgency === 'emergency' && !seen.has(r.id)) {
        seen.add(r.id);
        out.push(r);
      }
  return out.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.id - b.id);
}

/** The queues a tab needs from the server. */
export const kindsOf = (tab: QueueTab): readonly QueueKind[] => (tab === 'urgent' ? QUEUE_KINDS : [tab]);

/** The queue table's own order (by time limit, most urgent first, then id), which previous/next follow. */
export function inTableOrder(rows: readonly QueueRow[], now: number): QueueRow[] {
  return [...rows].sort((a, b) => timeLimitOf(a, now).sortKey - timeLimitOf(b, now).sortKey || a.id - b.id);
}
