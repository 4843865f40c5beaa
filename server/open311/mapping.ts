// How our tickets read as Open311 service requests (pure). Categories are services; a ticket is
// 'closed' in Open311 terms only when our life cycle closed it (everything else is 'open').
import type { TicketStatus } from '../../db/schema.ts';

export interface ServiceRow {
  code: string;
  name_zh: string;
  group_zh: string;
  urgency: string;
}

export function service(r: ServiceRow) {
  return { service_code: r.code, service_name: r.name_zh, description: r.name_zh, metadata: false, type: 'realtime', keywords: [] as string[], group: r.group_zh };
}

export const open311Status = (s: TicketStatus): 'open' | 'closed' => (s === 'closed' ? 'closed' : 'open');

/** Which of our statuses each Open311 status filter means. */
export const STATUS_FILTER: Record<'open' | 'closed', TicketStatus[]> = {
  open: ['received', 'dispatched', 'accepted', 'in_progress', 'returned', 'deferred', 'replied', 'callback'],
  closed: ['closed'],
};

export interface RequestRow {
  id: number;
  status: TicketStatus;
  status_notes: string | null;
  category_code: string;
  service_name: string;
  description: string;
  agency: string | null;
  received_at: Date | string;
  updated_at: Date | string;
  resolve_due_at: Date | string | null;
  address: string | null;
  lon: number | null;
  lat: number | null;
}

const isoOf = (v: Date | string | null) => (v == null ? null : new Date(v).toISOString());

export function serviceRequest(r: RequestRow) {
  return {
    service_request_id: String(r.id),
    status: open311Status(r.status),
    status_notes: r.status_notes ?? r.status,
    service_name: r.service_name,
    service_code: r.category_code,
    description: r.description,
    agency_responsible: r.agency,
    service_notice: null,
    requested_datetime: isoOf(r.received_at),
    updated_datetime: isoOf(r.updated_at),
    expected_datetime: isoOf(r.resolve_due_at),
    address: r.address,
    address_id: null,
    zipcode: null,
    lat: r.lat,
    long: r.lon,
    media_url: null,
  };
}
