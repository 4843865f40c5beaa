// One source row → one ticket-to-be or a rejection naming the field and the reason. Pure: the
// mapping is compiled once against the header (column positions, lower-cased value tables), then
// applied to every row.
import { latLngToCell } from 'h3-js';
import type { Channel, Satisfaction, SourceCrs, TicketKind, TicketStatus } from '../../db/schema.ts';
import { toWgs84 } from '../intake/normalise.ts';
import { placeholderOf, readPoint, type PlaceholderKind } from './coords.ts';
import { parseDateTime, ZoneClock, type DateFold } from './dates.ts';
import { mappingColumns, valueKey, type Mapping, type TextSpec } from './mapping.ts';

/** A row ready to stage. Instants are ms since 1970; the point is WGS-84 (converted from the source CRS). */
export interface MappedRow {
  line: number;
  externalId: string;
  kind: TicketKind;
  channel: Channel;
  category: string;
  /** The agency's department code, when the row names a known agency. */
  department: string | null;
  status: TicketStatus;
  /** The source's own status text (kept in the received event). */
  sourceStatus: string;
  received: number;
  closed: number | null;
  due: number | null;
  updated: number | null;
  callbackAt: number | null;
  solved: boolean | null;
  satisfaction: Satisfaction | null;
  duplicate: boolean;
  description: string;
  address: string | null;
  resolution: string | null;
  crs: SourceCrs;
  /** As written in the source (its CRS). */
  sourceLon: number | null;
  sourceLat: number | null;
  lon: number | null;
  lat: number | null;
  h3r7: string | null;
  h3r8: string | null;
  h3r9: string | null;
  placeholder: PlaceholderKind | null;
  invalidPoint: string | null;
  callerName: string | null;
  callerPhone: string | null;
}

export interface Rejection {
  line: number;
  field: string;
  reason: string;
  externalId?: string;
}

/** What a row taught the report besides its bucket. */
export interface RowNotes {
  unmappedCategory?: string;
  unknownAgency?: string;
  defaultedChannel?: string;
  defaultedStatus?: string;
  closedIgnored?: boolean;
  closedBeforeReceived?: boolean;
  dueBeforeReceived?: boolean;
  closedWithoutTime?: boolean;
  folds?: DateFold[];
}

export type RowOutcome = { ok: true; row: MappedRow; notes: RowNotes } | { ok: false; rejection: Rejection };

export class MissingColumns extends Error {
  constructor(readonly columns: string[]) {
    super(
      `the file has no column${columns.length > 1 ? 's' : ''} ${columns.map((c) => `'${c}'`).join(', ')} (the mapping names ${columns.length > 1 ? 'them' : 'it'})`,
    );
  }
}

/** A value table: source values compared by valueKey, with a memo of the raw texts seen (they repeat). */
class ValueTable<T> {
  private readonly byKey: Map<string, T>;
  private readonly memo = new Map<string, T | null>();
  constructor(values: Record<string, T>) {
    this.byKey = new Map(Object.entries(values).map(([k, v]) => [valueKey(k), v]));
  }
  get(raw: string): T | undefined {
    const hit = this.memo.get(raw);
    if (hit !== undefined) return hit ?? undefined;
    const v = this.byKey.get(valueKey(raw));
    if (this.memo.size > 10_000) this.memo.clear();
    this.memo.set(raw, v ?? null);
    return v;
  }
}

const MAX_TEXT = 4000;

type Dated = { at: number | null; error?: undefined } | { at?: undefined; error: string };

/**
 * A mapping compiled against the header row: column positions resolved, value tables keyed.
 * Throws MissingColumns when the mapping names a column the file lacks (nothing is imported then).
 */
export class RowMapper {
  private readonly index = new Map<string, number>();
  private readonly clock: ZoneClock;
  private readonly status: ValueTable<TicketStatus>;
  private readonly agency: ValueTable<string> | null;
  private readonly category: ValueTable<string>;
  private readonly kind: ValueTable<TicketKind>;
  private readonly channel: ValueTable<Channel> | null;
  private readonly callback: ValueTable<{ solved?: boolean; satisfaction?: Satisfaction }> | null;
  private readonly dupEquals: Set<string>;
  private readonly dupContains: string[];
  private readonly dupMemo = new Map<string, boolean>();
  private readonly categoryCols: number[];
  private readonly placeholderRules: { zero: boolean; wholeDegrees: boolean; points: [number, number][] };
  private readonly c: {
    externalId: number;
    received: number[];
    closed: number[];
    due: number[];
    updated: number[];
    status: number;
    agency: number;
    kind: number;
    channel: number;
    callback: number;
    callbackAt: number[];
    duplicate: number;
    callerName: number;
    callerPhone: number;
  };

  constructor(
    private readonly mapping: Mapping,
    header: string[],
    zone: string,
  ) {
    header.forEach((h, i) => {
      const name = h.trim();
      if (!this.index.has(name)) this.index.set(name, i);
    });
    const missing = mappingColumns(mapping).filter((c) => !this.index.has(c));
    if (missing.length) throw new MissingColumns(missing);
    const col = (name: string | undefined) => (name === undefined ? -1 : this.index.get(name)!);
    const cols = (names: string[] | undefined) => (names ?? []).map(col);
    this.c = {
      externalId: col(mapping.externalId),
      received: cols(mapping.received),
      closed: cols(mapping.closed),
      due: cols(mapping.due),
      updated: cols(mapping.updated),
      status: col(mapping.status.column),
      agency: col(mapping.agency?.column),
      kind: col(mapping.kind.column),
      channel: 'column' in mapping.channel ? col(mapping.channel.column) : -1,
      callback: col(mapping.callback?.column),
      callbackAt: cols(mapping.callback?.at),
      duplicate: col(mapping.duplicateMarker?.column),
      callerName: col(mapping.caller?.name),
      callerPhone: col(mapping.caller?.phone),
    };
    this.clock = new ZoneClock(zone);
    this.status = new ValueTable(mapping.status.values);
    this.agency = mapping.agency ? new ValueTable(mapping.agency.values) : null;
    this.category = new ValueTable(mapping.category.values);
    this.kind = new ValueTable(mapping.kind.values);
    this.channel = 'column' in mapping.channel ? new ValueTable(mapping.channel.values) : null;
    this.callback = mapping.callback ? new ValueTable(mapping.callback.values) : null;
    this.dupEquals = new Set((mapping.duplicateMarker?.equals ?? []).map(valueKey));
    this.dupContains = (mapping.duplicateMarker?.contains ?? []).map((t) => valueKey(t));
    this.categoryCols = cols(mapping.category.columns);
    this.placeholderRules = {
      zero: mapping.placeholders.zero,
      wholeDegrees: mapping.placeholders.wholeDegrees,
      points: mapping.placeholders.points,
    };
  }

  /** The column's value, '' when absent (a short row). */
  private cell(fields: string[], i: number): string {
    return i < 0 ? '' : (fields[i] ?? '');
  }

  /** The first non-empty of the columns as an instant. */
  private date(fields: string[], idx: number[], names: string[] | undefined, notes: RowNotes): Dated {
    for (let k = 0; k < idx.length; k++) {
      const r = parseDateTime(this.cell(fields, idx[k]), this.mapping.dates, this.clock);
      if (r === null) continue;
      if (!r.ok) return { error: `${names![k]}: ${r.reason}` };
      if (r.fold) (notes.folds ??= []).push(r.fold);
      return { at: r.at };
    }
    return { at: null };
  }

  private text(fields: string[], spec: TextSpec | undefined): string | null {
    if (!spec) return null;
    for (const alt of spec) {
      const first = this.cell(fields, this.index.get(alt.columns[0])!).trim();
      if (first === '') continue;
      let joined = first;
      for (let k = 1; k < alt.columns.length; k++) {
        const v = this.cell(fields, this.index.get(alt.columns[k])!).trim();
        if (v !== '') joined += alt.separator + v;
      }
      return joined.length > MAX_TEXT ? joined.slice(0, MAX_TEXT) : joined;
    }
    return null;
  }

  private isDuplicate(raw: string): boolean {
    const hit = this.dupMemo.get(raw);
    if (hit !== undefined) return hit;
    const key = valueKey(raw);
    const v = this.dupEquals.has(key) || (key !== '' && this.dupContains.some((t) => key.includes(t)));
    if (this.dupMemo.size > 10_000) this.dupMemo.clear();
    this.dupMemo.set(raw, v);
    return v;
  }

  private reject(line: number, externalId: string, field: string, reason: string): RowOutcome {
    return { ok: false, rejection: externalId ? { line, field, reason, externalId } : { line, field, reason } };
  }

  /** The row being mapped, for readPoint's column look-ups (one closure for the mapper's life, not one per row). */
  private current: string[] = [];
  private readonly byName = (name: string) => this.cell(this.current, this.index.get(name)!);

  map(fields: string[], line: number): RowOutcome {
    this.current = fields;
    const m = this.mapping;
    const c = this.c;
    const notes: RowNotes = {};
    const externalId = this.cell(fields, c.externalId).trim();
    if (externalId === '') return this.reject(line, externalId, 'externalId', `column '${m.externalId}' is empty`);
    if (externalId.length > 150) return this.reject(line, externalId, 'externalId', 'longer than 150 characters');

    // Times: the first non-empty column of each list.
    const rec = this.date(fields, c.received, m.received, notes);
    if (rec.error !== undefined) return this.reject(line, externalId, 'received', rec.error);
    if (rec.at === null) return this.reject(line, externalId, 'received', `${m.received.join(' / ')}: empty`);
    const received = rec.at;
    if (received > Date.now() + 5 * 60_000)
      return this.reject(line, externalId, 'received', `${new Date(received).toISOString()} is in the future`);
    const cl = this.date(fields, c.closed, m.closed, notes);
    if (cl.error !== undefined) return this.reject(line, externalId, 'closed', cl.error);
    const du = this.date(fields, c.due, m.due, notes);
    if (du.error !== undefined) return this.reject(line, externalId, 'due', du.error);
    const up = this.date(fields, c.updated, m.updated, notes);
    if (up.error !== undefined) return this.reject(line, externalId, 'updated', up.error);

    // Status.
    const rawStatus = this.cell(fields, c.status).trim();
    let status = this.status.get(rawStatus);
    if (status === undefined) {
      if (m.status.default === undefined)
        return this.reject(
          line,
          externalId,
          'status',
          rawStatus === '' ? `column '${m.status.column}' is empty` : `unknown value '${rawStatus}'`,
        );
      status = m.status.default;
      notes.defaultedStatus = rawStatus;
    }

    // Category: the longest key of the columns' values that the table knows.
    let category: string | undefined;
    let key = '';
    const keys: string[] = [];
    for (let k = 0; k < this.categoryCols.length; k++) {
      key =
        k === 0
          ? this.cell(fields, this.categoryCols[k]).trim()
          : key + '|' + this.cell(fields, this.categoryCols[k]).trim();
      keys.push(key);
    }
    for (let k = keys.length - 1; k >= 0 && category === undefined; k--) category = this.category.get(keys[k]);
    if (category === undefined) {
      const shown = keys[keys.length - 1];
      if (!m.category.unmapped) return this.reject(line, externalId, 'category', `unknown value '${shown}'`);
      category = m.category.unmapped;
      notes.unmappedCategory = shown;
    }

    let department: string | null = null;
    if (this.agency) {
      const raw = this.cell(fields, c.agency).trim();
      department = this.agency.get(raw) ?? null;
      if (department === null && raw !== '') notes.unknownAgency = raw;
    }

    const kind = c.kind >= 0 ? (this.kind.get(this.cell(fields, c.kind)) ?? m.kind.default) : m.kind.default;

    let channel: Channel;
    if (this.channel && 'column' in m.channel) {
      const raw = this.cell(fields, c.channel).trim();
      const v = this.channel.get(raw);
      const fallback = m.channel.default;
      if (v === undefined) {
        if (fallback === undefined)
          return this.reject(
            line,
            externalId,
            'channel',
            raw === '' ? `column '${m.channel.column}' is empty` : `unknown value '${raw}'`,
          );
        channel = fallback;
        notes.defaultedChannel = raw;
      } else channel = v;
    } else channel = m.channel.default ?? 'phone';

    const duplicate = m.duplicateMarker ? this.isDuplicate(this.cell(fields, c.duplicate)) : false;
    if (duplicate && m.duplicateMarker!.close) status = 'closed';

    // A last-change time before receipt (a date-only column: midnight of the day) says nothing.
    const updated = up.at !== null && up.at >= received ? up.at : null;
    // Closed time: only a closed row has one; before receipt it is moved to receipt (clock skew).
    // A row closed as a duplicate without a closed time was closed at its last change, else on receipt.
    let closed: number | null = null;
    if (status === 'closed') {
      closed = cl.at ?? (duplicate ? (updated ?? received) : null);
      if (closed === null) {
        closed = updated ?? received;
        notes.closedWithoutTime = true;
      }
      if (closed < received) {
        closed = received;
        notes.closedBeforeReceived = true;
      }
    } else if (cl.at !== null) notes.closedIgnored = true;
    let due = du.at;
    if (due !== null && due < received) {
      due = null;
      notes.dueBeforeReceived = true;
    }

    let callbackAt: number | null = null;
    let solved: boolean | null = null;
    let satisfaction: Satisfaction | null = null;
    if (this.callback) {
      const v = this.callback.get(this.cell(fields, c.callback));
      if (v) {
        const cb = this.date(fields, c.callbackAt, m.callback!.at, notes);
        if (cb.error !== undefined) return this.reject(line, externalId, 'callback', cb.error);
        callbackAt = cb.at ?? closed;
        if (callbackAt !== null) {
          solved = v.solved ?? null;
          satisfaction = v.satisfaction ?? null;
          if (callbackAt < received) callbackAt = received;
        }
      }
    }

    // Place.
    let sourceLon: number | null = null;
    let sourceLat: number | null = null;
    let lon: number | null = null;
    let lat: number | null = null;
    let h3r7: string | null = null;
    let h3r8: string | null = null;
    let h3r9: string | null = null;
    let placeholder: PlaceholderKind | null = null;
    let invalidPoint: string | null = null;
    if (m.coordinates) {
      const p = readPoint(m.coordinates, this.byName);
      if (p && 'invalid' in p) invalidPoint = p.invalid;
      else if (p) {
        sourceLon = p.lon;
        sourceLat = p.lat;
        placeholder = placeholderOf(p, this.placeholderRules);
        if (!placeholder) {
          [lon, lat] = toWgs84(p.lon, p.lat, m.crs);
          // The same cells intake computes (normalise.ts): a parent cell is not always the coarser cell of the point.
          h3r7 = latLngToCell(lat, lon, 7);
          h3r8 = latLngToCell(lat, lon, 8);
          h3r9 = latLngToCell(lat, lon, 9);
        }
      }
    }

    const address = this.text(fields, m.address);
    return {
      ok: true,
      notes,
      row: {
        line,
        externalId,
        kind,
        channel,
        category,
        department,
        status,
        sourceStatus: rawStatus,
        received,
        closed,
        due,
        updated,
        callbackAt,
        solved,
        satisfaction,
        duplicate,
        description: this.text(fields, m.description) ?? '',
        address: address === null ? null : address.replace(/\s+/g, ' '),
        resolution: this.text(fields, m.resolution),
        crs: m.crs,
        sourceLon,
        sourceLat,
        lon,
        lat,
        h3r7,
        h3r8,
        h3r9,
        placeholder,
        invalidPoint,
        callerName: c.callerName >= 0 ? this.cell(fields, c.callerName).trim().slice(0, 100) || null : null,
        callerPhone: c.callerPhone >= 0 ? this.cell(fields, c.callerPhone).trim().slice(0, 40) || null : null,
      },
    };
  }
}

/** Compiles the mapping against the header row (see RowMapper). */
export function compileMapping(mapping: Mapping, header: string[], zone: string): RowMapper {
  return new RowMapper(mapping, header, zone);
}
