// Intake (多口归一): one demand from any channel → normalised, located (PostGIS), timed (policy),
// linked to an earlier repeat, dispatched (territorial street + line department in parallel),
// all in ONE transaction with its events. Idempotent on the client key.
import type { Database, Queryable } from '../../db/client.ts';
import type { TicketStatus, UrgencyClass } from '../../db/schema.ts';
import { deadlinesFor } from '../../data/policy/index.ts';
import { UnknownCodeError } from '../filters.ts';
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

interface CategoryRow {
  urgency: UrgencyClass;
  department_code: string | null;
  parallel: boolean;
  department_kind: 'department' | 'utility' | null;
}

export async function categoryFor(db: Queryable, code: string): Promise<CategoryRow> {
  const rows = await db.query<CategoryRow>(
    `SELECT c.urgency, c.department_code, c.parallel, d.kind AS department_kind
     FROM categories c LEFT JOIN departments d ON d.code = c.department_code WHERE c.code = $1`,
    [code],
  );
  if (!rows[0]) throw new UnknownCodeError('category', code);
  return rows[0];
}

interface Located {
  district_code: string | null;
  street_code: string | null;
  grid_code: string | null;
}

/** Units a located ticket goes to: the street (属地) and, when the category says so, its line department (并行派单). */
export function dispatchTargets(streetCode: string, cat: CategoryRow): { unitCode: string; unitKind: string; role: 'territorial' | 'line' }[] {
  const out: { unitCode: string; unitKind: string; role: 'territorial' | 'line' }[] = [{ unitCode: streetCode, unitKind: 'street', role: 'territorial' }];
  if (cat.parallel && cat.department_code) out.push({ unitCode: cat.department_code, unitKind: cat.department_kind ?? 'department', role: 'line' });
  return out;
}

export async function insertDispatches(tx: Queryable, ticketId: number, at: Date, targets: { unitCode: string; unitKind: string; role: string }[]) {
  for (const d of targets) {
    await tx.query(`INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1, $2, $3, $4, $5)`, [ticketId, d.unitCode, d.unitKind, d.role, at.toISOString()]);
  }
}

export async function intakeTicket(db: Database, input: IntakeInput, settings: LifecycleSettings, now: Date = new Date()): Promise<IntakeResult> {
  const point: NormalPoint | null = input.lon != null && input.lat != null ? normalisePoint(input.lon, input.lat, input.crs) : null;
  const receivedAt = input.receivedAt ?? now;
  const key = input.idempotencyKey ?? null;
  const phone = input.callerPhone?.trim() || null;
  const address = input.address?.trim() || null;
  const iso = receivedAt.toISOString();
  // Two statements per ticket (look up, then write everything) keep intake at a few round trips.
  // Repeat demand (重复诉求): the latest earlier ticket of the same category from the same caller
  // phone or the same (trimmed) address within the window, linked to the first ticket of its chain.
  return db.transaction(async (tx) => {
    const look = (await tx.query<CategoryRow & Located & { existing: string | number | null; repeat_root: string | number | null }>(
      `SELECT c.urgency, c.department_code, c.parallel, d.kind AS department_kind, l.district_code, l.street_code, l.grid_code,
              (SELECT id FROM tickets WHERE $1::text IS NOT NULL AND idempotency_key = $1::text) AS existing,
              (SELECT COALESCE(t.repeat_of, t.id) FROM tickets t LEFT JOIN ticket_callers tc ON tc.ticket_id = t.id
               WHERE t.category_code = c.code
                 AND t.received_at <= $5::timestamptz AND t.received_at >= $5::timestamptz - make_interval(days => $6::int)
                 AND (($7::text IS NOT NULL AND tc.phone = $7::text) OR ($8::text IS NOT NULL AND btrim(t.address) = $8::text))
               ORDER BY t.received_at DESC, t.id DESC LIMIT 1) AS repeat_root
       FROM categories c LEFT JOIN departments d ON d.code = c.department_code
       LEFT JOIN LATERAL (SELECT * FROM hotline_locate(ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326)) WHERE $3::float8 IS NOT NULL) l ON true
       WHERE c.code = $2`,
      [key, input.category, point?.lon ?? null, point?.lat ?? null, iso, Math.round(settings.repeatWindowDays), phone, address],
    ))[0];
    if (!look) throw new UnknownCodeError('category', input.category);
    if (look.existing != null) return (await existing(tx, key!))!;
    const repeatOf = look.repeat_root == null ? null : Number(look.repeat_root);
    const locationStatus = !point ? 'unlocated' : look.street_code ? 'located' : 'outside';
    const answered = input.answeredOnCall ?? (input.kind === 'consultation' || input.kind === 'praise');
    const dispatch = !answered && locationStatus === 'located';
    const status: TicketStatus = answered ? 'closed' : dispatch ? 'dispatched' : 'received';
    const due = answered ? null : deadlinesFor(receivedAt, look.urgency, settings.policy);
    const targets = dispatch ? dispatchTargets(look.street_code!, look) : [];
    const events = [
      { type: 'received', from_status: null, to_status: 'received', actor: input.channel === 'grid' ? 'grid_worker' : 'citizen', unit_code: null, data: repeatOf ? { repeatOf } : null },
      ...(answered ? [{ type: 'answered', from_status: 'received', to_status: 'closed', actor: 'hotline', unit_code: null, data: null }] : []),
      ...(dispatch ? [{ type: 'dispatched', from_status: 'received', to_status: 'dispatched', actor: 'hotline', unit_code: look.street_code, data: null }] : []),
    ];
    const written = await tx.query<{ id: string | number | null }>(
      `WITH t AS (
         INSERT INTO tickets (idempotency_key, kind, channel, category_code, urgency, description, address, geom, source_crs, source_lon, source_lat,
                              h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, status, received_at, dispatched_at,
                              replied_at, closed_at, respond_due_at, resolve_due_at, remind_at, repeat_of, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7,
                 CASE WHEN $8::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($8::float8, $9::float8), 4326) END,
                 $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21::timestamptz,
                 CASE WHEN $22::boolean THEN $21::timestamptz END, CASE WHEN $23::boolean THEN $21::timestamptz END, CASE WHEN $23::boolean THEN $21::timestamptz END,
                 $24, $25, $26, $27, $21::timestamptz)
         ON CONFLICT (idempotency_key) DO NOTHING RETURNING id),
       c AS (
         INSERT INTO ticket_callers (ticket_id, name, phone) SELECT t.id, $28::text, $29::text FROM t WHERE $28::text IS NOT NULL OR $29::text IS NOT NULL),
       d AS (
         INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at)
         SELECT t.id, x.unit_code, x.unit_kind, x.role, $21::timestamptz FROM t, unnest($30::text[], $31::text[], $32::text[]) AS x(unit_code, unit_kind, role)),
       e AS (
         INSERT INTO ticket_events (ticket_id, at, type, from_status, to_status, actor, unit_code, data)
         SELECT t.id, $21::timestamptz, x.type, x.from_status, x.to_status, x.actor, x.unit_code, x.data
         FROM t, jsonb_to_recordset($33::jsonb) AS x(type text, from_status text, to_status text, actor text, unit_code text, data jsonb, ord int)
         ORDER BY x.ord
         RETURNING id),
       n AS (SELECT pg_notify($34, max(id)::text) FROM e HAVING count(*) > 0)
       SELECT (SELECT id FROM t) AS id, (SELECT count(*) FROM n) AS notified`,
      [
        key, input.kind, input.channel, input.category, look.urgency, input.description ?? '', input.address ?? null,
        point?.lon ?? null, point?.lat ?? null, input.crs, point ? input.lon : null, point ? input.lat : null,
        point?.h3r7 ?? null, point?.h3r8 ?? null, point?.h3r9 ?? null, locationStatus, look.district_code ?? null, look.street_code ?? null, look.grid_code ?? null,
        status, iso, dispatch, answered,
        due?.respondDueAt.toISOString() ?? null, due?.resolveDueAt.toISOString() ?? null, due?.remindAt.toISOString() ?? null, repeatOf,
        input.callerName ?? null, input.callerPhone ?? null,
        targets.map((x) => x.unitCode), targets.map((x) => x.unitKind), targets.map((x) => x.role),
        JSON.stringify(events.map((e, ord) => ({ ...e, ord }))), NOTIFY_CHANNEL,
      ],
    );
    if (written[0]?.id == null) {
      // A concurrent request with the same key won the race; it has committed by now.
      const seen = await existing(tx, key!);
      if (seen) return seen;
      throw new Error('idempotency conflict without a ticket');
    }
    return { id: Number(written[0].id), created: true, status, locationStatus, repeatOf };
  });
}

async function existing(tx: Queryable, key: string): Promise<IntakeResult | null> {
  const rows = await tx.query<{ id: string | number; status: TicketStatus; location_status: IntakeResult['locationStatus']; repeat_of: string | number | null }>(
    `SELECT id, status, location_status, repeat_of FROM tickets WHERE idempotency_key = $1`,
    [key],
  );
  const r = rows[0];
  return r ? { id: Number(r.id), created: false, status: r.status, locationStatus: r.location_status, repeatOf: r.repeat_of == null ? null : Number(r.repeat_of) } : null;
}
