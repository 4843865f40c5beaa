// Writing intake set-based: any number of demands in the caller's transaction with a fixed number
// of statements (lock keys, look up, allocate ids, write) instead of a few per ticket. Every intake
// path goes through here: one request (intake.ts), group commit (groupCommit.ts), CSV (csvImport.ts).
// Each demand gets its own outcome; a demand the rules refuse (unknown category) does not touch the
// others. Results are as if the demands had been taken one after another in the given order:
// a repeated key in the batch is the first one's ticket, and a repeat demand may link to an
// earlier demand of the same batch.
import type { Queryable } from '../../db/client.ts';
import type { TicketStatus, UrgencyClass } from '../../db/schema.ts';
import { deadlinesFor } from '../../data/policy/index.ts';
import { UnknownCodeError } from '../filters.ts';
import { dispatchTargets, type ZoneClaim } from '../lifecycle/dispatch.ts';
import { normalisePoint, type IntakeInput, type NormalPoint } from './normalise.ts';
import { NOTIFY_CHANNEL, type LifecycleSettings } from './settings.ts';

export interface IntakeResult {
  id: number;
  /** false: the idempotency key was seen before and this is that ticket. */
  created: boolean;
  status: TicketStatus;
  locationStatus: 'located' | 'unlocated' | 'outside';
  repeatOf: number | null;
}

export interface IntakeItem {
  input: IntakeInput;
  settings: LifecycleSettings;
  /** Receipt time when the input gives none. */
  now: Date;
}

export type IntakeOutcome = { ok: true; result: IntakeResult } | { ok: false; error: Error };

/** Another writer inserted one of our keys between look-up and write; the caller retries. */
export class KeyRace extends Error {
  constructor() {
    super('an idempotency key was written concurrently');
  }
}

interface Prepared {
  ord: number;
  input: IntakeInput;
  point: NormalPoint | null;
  receivedAt: Date;
  key: string | null;
  /** Trimmed; what repeat matching compares against stored values. */
  phone: string | null;
  address: string | null;
  windowDays: number;
  settings: LifecycleSettings;
}

interface Looked {
  ord: number;
  known: boolean;
  urgency: UrgencyClass | null;
  /** The request type's own service level, when its city sets one. */
  respond_minutes: number | null;
  resolve_minutes: number | null;
  department_code: string | null;
  parallel: boolean | null;
  department_kind: 'department' | 'utility' | null;
  district_code: string | null;
  street_code: string | null;
  grid_code: string | null;
  zone_code: string | null;
  zone_department: string | null;
  zone_department_kind: 'department' | 'utility' | null;
  existing_id: string | number | null;
  existing_status: TicketStatus | null;
  existing_location: IntakeResult['locationStatus'] | null;
  existing_repeat_of: string | number | null;
  repeat_id: string | number | null;
  repeat_root: string | number | null;
  repeat_at: Date | string | null;
}

// Repeat demand (重复诉求): the latest earlier ticket of the same category from the same caller
// phone or the same (trimmed) address within the window, linked to the first ticket of its chain.
// Candidates are found by index probes on phone / trimmed address (`cand`, a probe per demand;
// OFFSET 0 keeps the planner from joining the batch to every address in the table), narrowed to
// category and window; starting from a category's window instead grows with the city.
const LOOKUP_SQL = `
  WITH i AS (
    SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::timestamptz[], $7::int[], $8::text[], $9::text[])
      AS i(ord, key, category, lon, lat, received_at, window_days, phone, address)),
  cand AS MATERIALIZED (
    SELECT i.ord, p.id FROM i CROSS JOIN LATERAL (SELECT tc.ticket_id AS id FROM ticket_callers tc WHERE tc.phone = i.phone OFFSET 0) p WHERE i.phone IS NOT NULL
    UNION
    SELECT i.ord, a.id FROM i CROSS JOIN LATERAL (SELECT a.id FROM tickets a WHERE btrim(a.address) = i.address AND a.address IS NOT NULL OFFSET 0) a
    WHERE i.address IS NOT NULL),
  rep AS (
    SELECT DISTINCT ON (i.ord) i.ord, t.id, COALESCE(t.repeat_of, t.id) AS root, t.received_at
    FROM cand JOIN i ON i.ord = cand.ord JOIN tickets t ON t.id = cand.id
    WHERE t.category_code = i.category AND t.received_at <= i.received_at AND t.received_at >= i.received_at - make_interval(days => i.window_days)
    ORDER BY i.ord, t.received_at DESC, t.id DESC)
  SELECT i.ord, c.code IS NOT NULL AS known, c.urgency, c.respond_minutes, c.resolve_minutes, c.department_code, c.parallel, d.kind AS department_kind,
         l.district_code, l.street_code, l.grid_code, z.zone_code, z.department_code AS zone_department, zd.kind AS zone_department_kind,
         ex.id AS existing_id, ex.status AS existing_status, ex.location_status AS existing_location, ex.repeat_of AS existing_repeat_of,
         rep.id AS repeat_id, rep.root AS repeat_root, rep.received_at AS repeat_at
  FROM i
  LEFT JOIN categories c ON c.code = i.category
  LEFT JOIN departments d ON d.code = c.department_code
  LEFT JOIN LATERAL (SELECT t.id, t.status, t.location_status, t.repeat_of FROM tickets t WHERE i.key IS NOT NULL AND t.idempotency_key = i.key) ex ON true
  LEFT JOIN LATERAL (SELECT * FROM hotline_locate(ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326))
                     WHERE i.lon IS NOT NULL AND c.code IS NOT NULL AND ex.id IS NULL) l ON true
  LEFT JOIN LATERAL (SELECT * FROM hotline_zone(ST_SetSRID(ST_MakePoint(i.lon, i.lat), 4326), i.category)
                     WHERE l.street_code IS NOT NULL) z ON true
  LEFT JOIN departments zd ON zd.code = z.department_code
  LEFT JOIN rep ON rep.ord = i.ord AND c.code IS NOT NULL AND ex.id IS NULL
  ORDER BY i.ord`;

// Ids are allocated first so callers, dispatches and events can name their ticket in the same
// statement; dependants join the tickets actually inserted, so a key lost to a race writes nothing.
const WRITE_SQL = `
  WITH x AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      id bigint, idempotency_key text, kind text, channel text, category_code text, urgency text, description text, address text,
      lon float8, lat float8, source_crs text, source_lon float8, source_lat float8, h3_r7 text, h3_r8 text, h3_r9 text,
      location_status text, district_code text, street_code text, grid_code text, status text, received_at timestamptz,
      dispatched boolean, answered boolean, respond_due_at timestamptz, resolve_due_at timestamptz, remind_at timestamptz, repeat_of bigint)),
  t AS (
    INSERT INTO tickets (id, idempotency_key, kind, channel, category_code, urgency, description, address, geom, source_crs, source_lon, source_lat,
                         h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, status, received_at, dispatched_at,
                         replied_at, closed_at, respond_due_at, resolve_due_at, remind_at, repeat_of, updated_at)
    SELECT id, idempotency_key, kind, channel, category_code, urgency, description, address,
           CASE WHEN lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lon, lat), 4326) END, source_crs, source_lon, source_lat,
           h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, status, received_at,
           CASE WHEN dispatched THEN received_at END, CASE WHEN answered THEN received_at END, CASE WHEN answered THEN received_at END,
           respond_due_at, resolve_due_at, remind_at, repeat_of, received_at
    FROM x ORDER BY id
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id),
  c AS (
    INSERT INTO ticket_callers (ticket_id, name, phone)
    SELECT c.ticket_id, c.name, c.phone FROM jsonb_to_recordset($2::jsonb) AS c(ticket_id bigint, name text, phone text) JOIN t ON t.id = c.ticket_id),
  d AS (
    INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at, zone_code)
    SELECT d.ticket_id, d.unit_code, d.unit_kind, d.role, d.at, d.zone_code
    FROM jsonb_to_recordset($3::jsonb) AS d(ord int, ticket_id bigint, unit_code text, unit_kind text, role text, at timestamptz, zone_code text)
    JOIN t ON t.id = d.ticket_id ORDER BY d.ord),
  e AS (
    INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, data)
    SELECT e.ticket_id, e.at, e.type, e.from_status, e.to_status, e.actor, e.unit_code, e.data
    FROM jsonb_to_recordset($4::jsonb) AS e(ord int, ticket_id bigint, at timestamptz, type text, from_status text, to_status text, actor text, unit_code text, data jsonb)
    JOIN t ON t.id = e.ticket_id ORDER BY e.ord
    RETURNING id),
  n AS (SELECT pg_notify($5, max(id)::text) FROM e HAVING count(*) > 0)
  SELECT (SELECT count(*) FROM t)::int AS tickets, (SELECT count(*) FROM n)::int AS notified`;

const num = (v: string | number | null) => (v == null ? null : Number(v));

function prepare(items: IntakeItem[]): Prepared[] {
  return items.map(({ input, settings, now }, ord) => ({
    ord,
    input,
    point: input.lon != null && input.lat != null ? normalisePoint(input.lon, input.lat, input.crs) : null,
    receivedAt: input.receivedAt ?? now,
    key: input.idempotencyKey ?? null,
    phone: input.callerPhone?.trim() || null,
    address: input.address?.trim() || null,
    windowDays: Math.round(settings.repeatWindowDays),
    settings,
  }));
}

interface NewTicket {
  p: Prepared;
  look: Looked;
  id: number;
  repeatOf: number | null;
}

/**
 * The repeat root of `me`: the later of the database's candidate and the latest matching earlier
 * demand of this batch of the same category (`earlier`; a batch demand is newer than any stored
 * ticket at equal receipt time).
 */
function repeatRoot(me: NewTicket, earlier: NewTicket[]): number | null {
  const p = me.p;
  let best: NewTicket | null = null;
  if (p.phone != null || p.address != null) {
    const from = p.receivedAt.getTime() - p.windowDays * 86_400_000;
    for (const o of earlier) {
      const at = o.p.receivedAt.getTime();
      if (at > p.receivedAt.getTime() || at < from) continue;
      const samePhone = p.phone != null && (o.p.input.callerPhone ?? null) === p.phone;
      const sameAddress = p.address != null && o.p.address === p.address;
      if ((samePhone || sameAddress) && (!best || at >= best.p.receivedAt.getTime())) best = o;
    }
  }
  const stored = me.look.repeat_at == null ? null : new Date(me.look.repeat_at).getTime();
  if (best && (stored == null || best.p.receivedAt.getTime() >= stored)) return best.repeatOf ?? best.id;
  return num(me.look.repeat_root);
}

export async function writeIntakeBatch(tx: Queryable, items: IntakeItem[]): Promise<IntakeOutcome[]> {
  if (items.length === 0) return [];
  const prepared = prepare(items);
  const keys = [...new Set(prepared.map((p) => p.key).filter((k): k is string => k != null))];
  // Two writers of the same key queue here; the second then sees the first's ticket (READ COMMITTED).
  // JIT off: the look-up's cost estimate for a big batch crosses jit_above_cost, and compiling
  // it took longer than running it (seconds on a busy machine); the rollup triggers do the same.
  await tx.query(
    `SELECT set_config('jit', 'off', true), (SELECT count(pg_advisory_xact_lock(h)) FROM (SELECT DISTINCT hashtextextended(k, 0) AS h FROM unnest($1::text[]) k ORDER BY 1) s)`,
    [keys],
  );
  const looked = await tx.query<Looked>(LOOKUP_SQL, [
    prepared.map((p) => p.ord),
    prepared.map((p) => p.key),
    prepared.map((p) => p.input.category),
    prepared.map((p) => p.point?.lon ?? null),
    prepared.map((p) => p.point?.lat ?? null),
    prepared.map((p) => p.receivedAt.toISOString()),
    prepared.map((p) => p.windowDays),
    prepared.map((p) => p.phone),
    prepared.map((p) => p.address),
  ]);

  const outcomes: (IntakeOutcome | null)[] = prepared.map(() => null);
  const fresh: { p: Prepared; look: Looked }[] = [];
  const firstWithKey = new Map<string, number>();
  const sameAs = new Map<number, number>();
  for (const p of prepared) {
    const look = looked[p.ord];
    if (!look.known) outcomes[p.ord] = { ok: false, error: new UnknownCodeError('category', p.input.category) };
    else if (look.existing_id != null) {
      outcomes[p.ord] = {
        ok: true,
        result: {
          id: Number(look.existing_id),
          created: false,
          status: look.existing_status!,
          locationStatus: look.existing_location!,
          repeatOf: num(look.existing_repeat_of),
        },
      };
    } else if (p.key != null && firstWithKey.has(p.key)) sameAs.set(p.ord, firstWithKey.get(p.key)!);
    else {
      if (p.key != null) firstWithKey.set(p.key, p.ord);
      fresh.push({ p, look });
    }
  }

  if (fresh.length) {
    const ids = await tx.query<{ id: string | number }>(
      `SELECT nextval(pg_get_serial_sequence('tickets', 'id')) AS id FROM generate_series(1, $1::int) ORDER BY 1`,
      [fresh.length],
    );
    const madeByCategory = new Map<string, NewTicket[]>();
    const tickets: Record<string, unknown>[] = [];
    const callers: Record<string, unknown>[] = [];
    const dispatches: Record<string, unknown>[] = [];
    const events: Record<string, unknown>[] = [];
    fresh.forEach(({ p, look }, k) => {
      const t: NewTicket = { p, look, id: Number(ids[k].id), repeatOf: null };
      const sameCategory = madeByCategory.get(p.input.category) ?? [];
      t.repeatOf = repeatRoot(t, sameCategory);
      sameCategory.push(t);
      madeByCategory.set(p.input.category, sameCategory);
      const { input, point } = p;
      const at = p.receivedAt.toISOString();
      const locationStatus = !point ? 'unlocated' : look.street_code ? 'located' : 'outside';
      const answered = input.answeredOnCall ?? (input.kind === 'consultation' || input.kind === 'praise');
      const dispatch = !answered && locationStatus === 'located';
      const status: TicketStatus = answered ? 'closed' : dispatch ? 'dispatched' : 'received';
      const due = answered
        ? null
        : deadlinesFor(p.receivedAt, look.urgency!, p.settings.policy, {
            respondMinutes: look.respond_minutes,
            resolveMinutes: look.resolve_minutes,
          });
      const zone: ZoneClaim | null = look.zone_code
        ? { code: look.zone_code, unitCode: look.zone_department!, unitKind: look.zone_department_kind ?? 'department' }
        : null;
      const targets = dispatch ? dispatchTargets(look.street_code!, zone, look) : [];
      tickets.push({
        id: t.id,
        idempotency_key: p.key,
        kind: input.kind,
        channel: input.channel,
        category_code: input.category,
        urgency: look.urgency,
        description: input.description ?? '',
        address: input.address ?? null,
        lon: point?.lon ?? null,
        lat: point?.lat ?? null,
        source_crs: input.crs,
        source_lon: point ? input.lon : null,
        source_lat: point ? input.lat : null,
        h3_r7: point?.h3r7 ?? null,
        h3_r8: point?.h3r8 ?? null,
        h3_r9: point?.h3r9 ?? null,
        location_status: locationStatus,
        district_code: look.district_code,
        street_code: look.street_code,
        grid_code: look.grid_code,
        status,
        received_at: at,
        dispatched: dispatch,
        answered,
        respond_due_at: due?.respondDueAt.toISOString() ?? null,
        resolve_due_at: due?.resolveDueAt.toISOString() ?? null,
        remind_at: due?.remindAt.toISOString() ?? null,
        repeat_of: t.repeatOf,
      });
      if (input.callerName != null || input.callerPhone != null)
        callers.push({ ticket_id: t.id, name: input.callerName ?? null, phone: input.callerPhone ?? null });
      for (const d of targets)
        dispatches.push({
          ord: dispatches.length,
          ticket_id: t.id,
          unit_code: d.unitCode,
          unit_kind: d.unitKind,
          role: d.role,
          at,
          zone_code: d.zoneCode ?? null,
        });
      const event = (
        type: string,
        from: string | null,
        to: string,
        actor: string,
        unit: string | null,
        data: Record<string, unknown> | null,
      ) =>
        events.push({
          ord: events.length,
          ticket_id: t.id,
          at,
          type,
          from_status: from,
          to_status: to,
          actor,
          unit_code: unit,
          data,
        });
      event(
        'received',
        null,
        'received',
        input.channel === 'grid' ? 'grid_worker' : 'citizen',
        null,
        t.repeatOf ? { repeatOf: t.repeatOf } : null,
      );
      if (answered) event('answered', 'received', 'closed', 'hotline', null, null);
      if (dispatch)
        event(
          'dispatched',
          'received',
          'dispatched',
          'hotline',
          targets[0].unitCode,
          zone ? { zone: zone.code } : null,
        );
      outcomes[p.ord] = { ok: true, result: { id: t.id, created: true, status, locationStatus, repeatOf: t.repeatOf } };
    });
    const written = await tx.query<{ tickets: number }>(WRITE_SQL, [
      JSON.stringify(tickets),
      JSON.stringify(callers),
      JSON.stringify(dispatches),
      JSON.stringify(events),
      NOTIFY_CHANNEL,
    ]);
    if (written[0].tickets !== tickets.length) throw new KeyRace();
  }
  for (const [ord, first] of sameAs) {
    const r = outcomes[first];
    outcomes[ord] = r && r.ok ? { ok: true, result: { ...r.result, created: false } } : r;
  }
  return outcomes.map((o) => o!);
}
