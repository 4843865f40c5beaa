// How our tickets and categories read as Open311 GeoReport v2 resources (pure). Categories are
// services; a ticket is 'closed' in Open311 terms only once our life cycle closed it. Field order is
// the specification's (it is also the XML element order).
import type { TicketStatus } from '../../db/schema.ts';
import { nameIn, type Locale, type Names, type Open311Attribute } from '../../data/city/manifest.ts';
import { OPEN_STATUSES } from '../../db/vocabulary.ts';

export interface ServiceRow {
  code: string;
  /** In the city's language, and in the other one (may be empty). */
  name: string;
  name_alt: string | null;
  group_name: string;
  group_alt: string | null;
}

const distinct = (xs: (string | null | undefined)[]) => [
  ...new Set(xs.map((x) => x?.trim()).filter((x): x is string => !!x)),
];

export function service(r: ServiceRow, attributes: readonly Open311Attribute[]) {
  // keywords: a comma-separated list of synonyms — the names in the city's other language.
  const keywords = distinct([r.name_alt, r.group_alt]).filter((k) => k !== r.name && k !== r.group_name);
  return {
    service_code: r.code,
    service_name: r.name,
    description: r.name,
    metadata: attributes.some((a) => a.variable),
    type: 'realtime' as const,
    keywords: keywords.length ? keywords.join(', ') : null,
    group: r.group_name,
  };
}

const textIn = (n: Names | undefined, locale: Locale) => (n ? nameIn(n, locale) : null);

export function serviceDefinition(code: string, attributes: readonly Open311Attribute[], locale: Locale) {
  return {
    service_code: code,
    attributes: [...attributes]
      .sort((a, b) => a.order - b.order)
      .map((a) => ({
        variable: a.variable,
        code: a.code,
        datatype: a.datatype,
        required: a.required,
        datatype_description: textIn(a.datatypeDescription, locale),
        order: a.order,
        description: textIn(a.description, locale),
        values: (a.values ?? []).map((v) => ({ key: v.key, name: nameIn(v.name, locale) })),
      })),
  };
}

export const open311Status = (s: TicketStatus): 'open' | 'closed' => (s === 'closed' ? 'closed' : 'open');

/** Which of our statuses each Open311 status filter means. */
export const STATUS_FILTER: Record<'open' | 'closed', TicketStatus[]> = {
  open: [...OPEN_STATUSES],
  closed: ['closed'],
};

export interface RequestRow {
  id: string;
  status: TicketStatus;
  category_code: string;
  service_name: string;
  description: string | null;
  /** The dispatched unit's name in the city's language. */
  agency: string | null;
  /** The unit's reply (the latest 'replied' event's note). */
  reply_note: string | null;
  received_at: Date | string;
  updated_at: Date | string;
  closed_at: Date | string | null;
  resolve_due_at: Date | string | null;
  address: string | null;
  /** Street and district names, most specific first: the address a coarsened view shows. */
  area: string | null;
  lon: number | null;
  lat: number | null;
  /** 'upload' (served by us, with its extension), 'url' (the client's own), or null. */
  media_kind: 'upload' | 'url' | null;
  media_ext: string | null;
  media_url: string | null;
}

export interface View {
  /** Base URL of this endpoint, e.g. https://hotline.example.gov/open311/v2 (for media_url). */
  base: string;
  /** Snap locations to a grid of this many metres and show the area instead of the address (0 = exact). */
  coarsenMeters: number;
  /** A public read: phone numbers and e-mail addresses a citizen typed into the text are masked. */
  public?: boolean;
}

// 7+ digits, possibly split by spaces or hyphens (138 0013 8000, +1 212-555-0100) — but not a date
// (2026-12-07) — and e-mail addresses.
const PHONE = /\+?\d(?:[ -]?\d){6,}/g;
const DATE = /^\d{4}-\d{1,2}-\d{1,2}$/;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** Free text as the public sees it: what looks like a phone number or e-mail address becomes ***. */
export const redact = (s: string | null): string | null =>
  s == null ? s : s.replace(EMAIL, '***').replace(PHONE, (m) => (DATE.test(m) ? m : '***'));

const isoOf = (v: Date | string | null) => (v == null ? null : new Date(v).toISOString());
const METRES_PER_DEGREE = 111_320;

/** A point snapped to the centre of its cell in a grid of `metres` (deterministic; 0 = unchanged). */
export function coarsen(lat: number, lon: number, metres: number): [number, number] {
  if (!(metres > 0)) return [lat, lon];
  const dLat = metres / METRES_PER_DEGREE;
  const cLat = (Math.floor(lat / dLat) + 0.5) * dLat;
  // the longitude step is taken at the snapped latitude, so every point of a cell agrees
  const dLon = metres / (METRES_PER_DEGREE * Math.max(Math.cos((cLat * Math.PI) / 180), 0.01));
  const cLon = (Math.floor(lon / dLon) + 0.5) * dLon;
  const round = (x: number) => Math.round(x * 1e6) / 1e6;
  return [round(Math.min(90, Math.max(-90, cLat))), round(Math.min(180, Math.max(-180, cLon)))];
}

export function mediaUrlOf(
  r: Pick<RequestRow, 'id' | 'media_kind' | 'media_ext' | 'media_url'>,
  base: string,
): string | null {
  if (r.media_kind === 'upload') return `${base}/media/${r.id}.${r.media_ext}`;
  if (r.media_kind === 'url') return r.media_url;
  return null;
}

export function serviceRequest(r: RequestRow, view: View) {
  const coarse = view.coarsenMeters > 0;
  const text = view.public ? redact : (x: string | null) => x;
  const point = r.lat == null || r.lon == null ? null : coarsen(r.lat, r.lon, view.coarsenMeters);
  return {
    service_request_id: r.id,
    status: open311Status(r.status),
    status_notes: r.reply_note || null,
    service_name: r.service_name,
    service_code: r.category_code,
    description: text(r.description || null),
    agency_responsible: r.agency || null,
    service_notice: null,
    requested_datetime: isoOf(r.received_at),
    // "For requests with status=closed, this will be the date the request was closed."
    updated_datetime: isoOf(r.status === 'closed' && r.closed_at ? r.closed_at : r.updated_at),
    expected_datetime: isoOf(r.resolve_due_at),
    address: coarse ? r.area || null : text(r.address || r.area || null),
    address_id: null,
    zipcode: null,
    lat: point?.[0] ?? null,
    long: point?.[1] ?? null,
    media_url: mediaUrlOf(r, view.base),
  };
}
