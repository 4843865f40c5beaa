// Proactive work orders (未诉先办): the hotline's own tickets, created from the forecast work list,
// a surge alert or a recurring cluster, singly or in bulk, sent to a unit with a due date.
//
// Decisions:
// - A proactive order IS a ticket (kind 'proactive'), so it follows the normal life cycle, queues,
//   ticket page, clock and audit. Its dispatch row has role 'proactive': the ranking counts only
//   territorial dispatches for streets and excludes this role for departments and utilities, and
//   the volume counts exclude the kind, so it is NEVER inside the three rates (server/ranking/sql.ts;
//   proven by tests/server/governance/governance.test.ts). The rollups leave it out too (migration
//   0019), so hot spots, forecasts and topics see citizens' demands only.
// - Its place is an H3 cell's centre (where the forecast or the alert points), located by the same
//   rule as any ticket; the unit is the street there unless one is named.
// - Due date: the end of `dueOn` in the city's zone is the resolve limit; the response limit is the
//   policy's for the category's urgency.
// - One order per (cell, category, month, source): asking again returns the existing ticket.
// - Outcome: complaints of that category in that cell in the forecast month, against the forecast's
//   expectation: P(X ≤ observed) for X ~ Poisson(expected); 'fewer' when ≤ 0.05, 'pending' until
//   the month is over.
import { cellToLatLng, getResolution, isValidCell, latLngToCell } from 'h3-js';
import type { Database, Queryable } from '../../db/client.ts';
import type { Principal, Scope } from '../auth/principal.ts';
import { audit } from '../auth/audit.ts';
import { scopeClause, regionInScope, OutOfScope } from '../auth/scope.ts';
import { UnknownCodeError } from '../filters.ts';
import { deadlinesFor } from '../../data/policy/index.ts';
import { cityPolicy } from '../city.ts';
import { locatePoint } from '../../db/locate.ts';
import { insertEvents } from '../lifecycle/events.ts';
import { startOfCityDay } from '../time.ts';
import { addDays, completeSteps, monthIndex } from '../analysis/calendar.ts';
import { dataSpan } from '../analysis/sql/scope.ts';
import { poissonCdf } from '../analysis/distributions.ts';
import type { UrgencyClass } from '../../db/schema.ts';

export const PROACTIVE_SOURCES = ['forecast', 'surge', 'cluster'] as const;
export type ProactiveSource = (typeof PROACTIVE_SOURCES)[number];

export interface NewProactive {
  source: ProactiveSource;
  cell: string;
  category: string;
  /** The month the order is meant to prevent complaints in (YYYY-MM). */
  month: string;
  expected?: number | null;
  unitCode?: string;
  dueOn: string;
  note?: string;
}

export class ProactiveRefused extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ProactiveCreated {
  id: number;
  created: boolean;
  unitCode: string;
}

/** Create orders in ONE transaction: all or nothing (a bad order names its index). */
export async function createProactive(
  db: Database,
  orders: readonly NewProactive[],
  who: Principal,
  now: Date = new Date(),
): Promise<ProactiveCreated[]> {
  // Validate and resolve everything before writing.
  const prepared: {
    o: NewProactive;
    cat: { urgency: UrgencyClass; name_zh: string };
    lon: number;
    lat: number;
    place: Awaited<ReturnType<typeof locatePoint>>;
    unitCode: string;
    unitKind: string;
  }[] = [];
  for (const [i, o] of orders.entries()) {
    const f = (k: string) => `orders.${i}.${k}`;
    if (!isValidCell(o.cell)) throw new ProactiveRefused(f('cell'), `${f('cell')}: not an H3 cell index`);
    const cat = (
      await db.query<{ urgency: UrgencyClass; name_zh: string }>(
        `SELECT urgency, name_zh FROM categories WHERE code = $1`,
        [o.category],
      )
    )[0];
    if (!cat) throw new UnknownCodeError(f('category'), o.category);
    const [lat, lon] = cellToLatLng(o.cell);
    const place = await locatePoint(db, lon, lat);
    if (!place.streetCode)
      throw new ProactiveRefused(f('cell'), `${f('cell')}: the cell's centre lies outside every street`);
    if (!(await regionInScope(db, who.scope, place.streetCode)))
      throw new OutOfScope(f('cell'), `${f('cell')}: outside your jurisdiction`);
    const unitCode = o.unitCode ?? place.streetCode;
    const unit = (
      await db.query<{ kind: string }>(
        `SELECT 'street' AS kind FROM regions WHERE code = $1 AND level = 'street' UNION ALL SELECT kind FROM departments WHERE code = $1`,
        [unitCode],
      )
    )[0];
    if (!unit) throw new UnknownCodeError(f('unitCode'), unitCode);
    prepared.push({ o, cat, lon, lat, place, unitCode, unitKind: unit.kind });
  }
  return db.transaction(async (tx) => {
    const out: ProactiveCreated[] = [];
    for (const p of prepared) {
      const { o } = p;
      const res = getResolution(o.cell);
      const existing = await tx.query<{ ticket_id: number }>(
        `SELECT ticket_id::int AS ticket_id FROM proactive_orders WHERE res = $1 AND cell = $2 AND category_code = $3 AND month = $4::date AND source = $5`,
        [res, o.cell, o.category, `${o.month}-01`, o.source],
      );
      if (existing[0]) {
        out.push({ id: existing[0].ticket_id, created: false, unitCode: p.unitCode });
        continue;
      }
      const due = deadlinesFor(now, p.cat.urgency, cityPolicy());
      const resolveDue = startOfCityDay(addDays(o.dueOn, 1));
      if (resolveDue <= now) throw new ProactiveRefused('dueOn', `dueOn: ${o.dueOn} has passed`);
      const remind = new Date(
        now.getTime() + Math.round((resolveDue.getTime() - now.getTime()) * cityPolicy().remindAtFraction),
      );
      const respondDue = due.respondDueAt < resolveDue ? due.respondDueAt : resolveDue;
      const iso = now.toISOString();
      const [t] = await tx.query<{ id: number }>(
        `INSERT INTO tickets (kind, channel, category_code, urgency, description, address, geom, source_crs, source_lon, source_lat,
                              h3_r7, h3_r8, h3_r9, location_status, district_code, street_code, grid_code, status,
                              received_at, dispatched_at, respond_due_at, resolve_due_at, remind_at)
         VALUES ('proactive', 'grid', $1, $2, $3, NULL, ST_SetSRID(ST_MakePoint($4::float8, $5::float8), 4326), 'WGS84', $4, $5,
                 $6, $7, $8, 'located', $9, $10, $11, 'dispatched', $12, $12, $13, $14, $15)
         RETURNING id::int AS id`,
        [
          o.category,
          p.cat.urgency,
          o.note ?? `未诉先办 · ${p.cat.name_zh}`,
          p.lon,
          p.lat,
          latLngToCell(p.lat, p.lon, 7),
          latLngToCell(p.lat, p.lon, 8),
          latLngToCell(p.lat, p.lon, 9),
          p.place.districtCode,
          p.place.streetCode,
          p.place.gridCode,
          iso,
          respondDue.toISOString(),
          resolveDue.toISOString(),
          remind.toISOString(),
        ],
      );
      await tx.query(
        `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at) VALUES ($1, $2, $3, 'proactive', $4)`,
        [t.id, p.unitCode, p.unitKind, iso],
      );
      await tx.query(
        `INSERT INTO proactive_orders (ticket_id, source, res, cell, category_code, month, expected, created_by) VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8)`,
        [t.id, o.source, res, o.cell, o.category, `${o.month}-01`, o.expected ?? null, who.username],
      );
      await insertEvents(tx, [
        {
          ticketId: t.id,
          at: now,
          type: 'received',
          fromStatus: null,
          toStatus: 'received',
          actor: 'hotline',
          data: { proactive: o.source, by: who.username },
        },
        {
          ticketId: t.id,
          at: now,
          type: 'dispatched',
          fromStatus: 'received',
          toStatus: 'dispatched',
          actor: 'hotline',
          unitCode: p.unitCode,
          data: { proactive: o.source, by: who.username },
        },
      ]);
      await audit(tx, who, 'gov.proactive.create', t.id, {
        source: o.source,
        cell: o.cell,
        category: o.category,
        month: o.month,
        unitCode: p.unitCode,
        dueOn: o.dueOn,
      });
      out.push({ id: t.id, created: true, unitCode: p.unitCode });
    }
    return out;
  });
}

export interface ProactiveOutcome {
  observed: number | null;
  expected: number | null;
  /** P(X ≤ observed), X ~ Poisson(expected). */
  p: number | null;
  verdict: 'fewer' | 'as_expected' | 'pending' | 'no_forecast';
}

export function outcomeOf(observed: number | null, expected: number | null, monthOver: boolean): ProactiveOutcome {
  if (!monthOver) return { observed, expected, p: null, verdict: 'pending' };
  if (expected === null || !(expected > 0) || observed === null)
    return { observed, expected, p: null, verdict: 'no_forecast' };
  const p = poissonCdf(observed, expected);
  return { observed, expected, p, verdict: p <= 0.05 ? 'fewer' : 'as_expected' };
}

/** The proactive orders in the reader's sight, with their state and outcome; and the 主动治理 figures. */
export async function listProactive(db: Queryable, scope: Scope, limit = 200) {
  const params: unknown[] = [limit];
  const own = scopeClause(scope, params);
  const rows = await db.query<{
    id: number;
    status: string;
    source: string;
    res: number;
    cell: string;
    categoryCode: string;
    categoryNameZh: string;
    categoryNameEn: string;
    month: string;
    expected: number | null;
    unitCode: string;
    streetCode: string;
    streetNameZh: string | null;
    streetNameEn: string | null;
    receivedAt: string;
    resolveDueAt: string;
    closedAt: string | null;
    overdue: boolean;
    observed: number;
    createdBy: string;
    total: number;
  }>(
    `SELECT t.id::int AS id, t.status, o.source, o.res::int AS res, o.cell, o.category_code AS "categoryCode", c.name_zh AS "categoryNameZh", c.name_en AS "categoryNameEn",
            to_char(o.month, 'YYYY-MM') AS month, o.expected, d.unit_code AS "unitCode", t.street_code AS "streetCode",
            s.name_zh AS "streetNameZh", s.name_en AS "streetNameEn", t.received_at AS "receivedAt", t.resolve_due_at AS "resolveDueAt",
            t.closed_at AS "closedAt", (t.overdue_at IS NOT NULL) AS overdue, o.created_by AS "createdBy",
            COALESCE((SELECT sum(h.tickets) FROM rollup_h3_daily h WHERE h.res = o.res AND h.cell = o.cell AND h.category_code = o.category_code
                        AND h.day >= o.month AND h.day < (o.month + interval '1 month')::date), 0)::int AS observed,
            count(*) OVER ()::int AS total
     FROM proactive_orders o JOIN tickets t ON t.id = o.ticket_id JOIN categories c ON c.code = o.category_code
     LEFT JOIN regions s ON s.code = t.street_code
     LEFT JOIN LATERAL (SELECT x.unit_code FROM dispatches x WHERE x.ticket_id = t.id ORDER BY x.active DESC, x.id DESC LIMIT 1) d ON true
     ${own ? `WHERE ${own}` : ''}
     ORDER BY t.received_at DESC, t.id DESC LIMIT $1`,
    params,
  );
  const span = await dataSpan(db);
  const lastComplete = span.last ? monthIndex(completeSteps(span.last, 'month', 1).starts[0]!) : -1;
  const items = rows.map(({ total: _t, ...r }) => ({
    ...r,
    outcome: outcomeOf(r.observed, r.expected, monthIndex(r.month) <= lastComplete),
  }));
  const fParams: unknown[] = [];
  const fOwn = scopeClause(scope, fParams);
  const [f] = await db.query<{
    total: number;
    open: number;
    closed: number;
    overdue: number;
    forecast: number;
    surge: number;
    cluster: number;
  }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE t.status NOT IN ('replied','callback','closed'))::int AS open,
            count(*) FILTER (WHERE t.status IN ('replied','callback','closed'))::int AS closed,
            count(*) FILTER (WHERE t.overdue_at IS NOT NULL AND t.status NOT IN ('replied','callback','closed'))::int AS overdue,
            count(*) FILTER (WHERE o.source = 'forecast')::int AS forecast,
            count(*) FILTER (WHERE o.source = 'surge')::int AS surge,
            count(*) FILTER (WHERE o.source = 'cluster')::int AS cluster
     FROM proactive_orders o JOIN tickets t ON t.id = o.ticket_id ${fOwn ? `WHERE ${fOwn}` : ''}`,
    fParams,
  );
  const measured = items.filter((i) => i.outcome.verdict === 'fewer' || i.outcome.verdict === 'as_expected');
  return {
    figures: { ...f!, measured: measured.length, fewer: measured.filter((i) => i.outcome.verdict === 'fewer').length },
    items,
  };
}
