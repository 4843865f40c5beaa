// The key-problem ledger (重点问题台账): problems that cannot be solved at once, each with an owner,
// a plan and a target date, reviewed on a schedule and counted down.
// - Deferred tickets (延期/挂账) roll up by `syncLedger`: every ticket ever deferred gets one entry,
//   opened at its first deferral, resolved when it left the ledger (undeferred, replied, closed);
//   entries whose ticket has since left the deferral are resolved. Idempotent.
// - Persistent recurring clusters (and problems planners name themselves) are entered by hand from
//   the studio's cluster list: one entry per cluster key (category + H3 cell).
// - The ledger's size over time: entries open at the end of each month (city time).
import type { Database, Queryable } from '../../db/client.ts';
import type { Principal, Scope } from '../auth/principal.ts';
import { audit } from '../auth/audit.ts';
import { UnknownCodeError } from '../filters.ts';
import { cityTimeZone } from '../time.ts';
import { ledgerScopeClause } from './access.ts';
import { assertUnits } from './topics.ts';

export interface NewLedgerEntry {
  source: 'cluster' | 'manual';
  title: string;
  street: string;
  category?: string | null;
  clusterKey?: string | null;
  ownerUnit?: string | null;
  plan?: string;
  targetOn?: string | null;
}
export interface LedgerPatch {
  ownerUnit?: string | null;
  plan?: string;
  targetOn?: string | null;
  status?: 'open' | 'resolved';
}

export async function syncLedger(db: Database, who: Principal): Promise<{ added: number; resolved: number }> {
  return db.transaction(async (tx) => {
    const added = await tx.query<{ id: number }>(
      `INSERT INTO gov_ledger (source, ticket_id, title, category_code, district_code, street_code, owner_unit, plan, target_on, status, opened_at, resolved_at, created_by)
       SELECT 'deferred', t.id, c.name_zh, t.category_code, t.district_code, t.street_code,
              (SELECT d.unit_code FROM dispatches d WHERE d.ticket_id = t.id ORDER BY d.active DESC, d.id DESC LIMIT 1),
              COALESCE((SELECT x.data->>'plan' FROM ticket_events x WHERE x.ticket_id = t.id AND x.type = 'deferred' ORDER BY x.at, x.id LIMIT 1), ''),
              (t.deferred_until AT TIME ZONE $2)::date,
              CASE WHEN t.status = 'deferred' THEN 'open' ELSE 'resolved' END, e.first_at,
              CASE WHEN t.status = 'deferred' THEN NULL
                   ELSE COALESCE((SELECT min(x.at) FROM ticket_events x WHERE x.ticket_id = t.id AND x.at >= e.first_at
                                    AND x.type IN ('undeferred','replied','closed')), t.updated_at) END,
              $1
       FROM (SELECT ticket_id, min(at) AS first_at FROM ticket_events WHERE type = 'deferred' GROUP BY ticket_id) e
       JOIN tickets t ON t.id = e.ticket_id JOIN categories c ON c.code = t.category_code
       WHERE NOT EXISTS (SELECT 1 FROM gov_ledger g WHERE g.ticket_id = t.id)
       ON CONFLICT (ticket_id) WHERE ticket_id IS NOT NULL DO NOTHING
       RETURNING id::int AS id`,
      [who.username, cityTimeZone()],
    );
    const resolved = await tx.query<{ id: number }>(
      `UPDATE gov_ledger g SET status = 'resolved', updated_at = now(),
              resolved_at = COALESCE((SELECT min(x.at) FROM ticket_events x WHERE x.ticket_id = t.id AND x.at >= g.opened_at
                                        AND x.type IN ('undeferred','replied','closed')), now())
       FROM tickets t WHERE g.ticket_id = t.id AND g.source = 'deferred' AND g.status = 'open' AND t.status <> 'deferred'
       RETURNING g.id::int AS id`,
    );
    await audit(tx, who, 'gov.ledger.sync', null, { added: added.length, resolved: resolved.length });
    return { added: added.length, resolved: resolved.length };
  });
}

export async function createLedgerEntry(db: Database, e: NewLedgerEntry, who: Principal): Promise<number> {
  const street = (
    await db.query<{ parent: string }>(
      `SELECT parent_code AS parent FROM regions WHERE code = $1 AND level = 'street'`,
      [e.street],
    )
  )[0];
  if (!street) throw new UnknownCodeError('street', e.street);
  if (e.category && (await db.query(`SELECT 1 FROM categories WHERE code = $1`, [e.category])).length === 0)
    throw new UnknownCodeError('category', e.category);
  if (e.ownerUnit) await assertUnits(db, [e.ownerUnit], 'ownerUnit');
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ id: number }>(
      `INSERT INTO gov_ledger (source, cluster_key, title, category_code, district_code, street_code, owner_unit, plan, target_on, opened_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::date, now(), $10)
       ON CONFLICT (cluster_key) WHERE cluster_key IS NOT NULL DO NOTHING RETURNING id::int AS id`,
      [
        e.source,
        e.clusterKey ?? null,
        e.title,
        e.category ?? null,
        street.parent,
        e.street,
        e.ownerUnit ?? null,
        e.plan ?? '',
        e.targetOn ?? null,
        who.username,
      ],
    );
    if (!rows[0]) {
      const [x] = await tx.query<{ id: number }>(`SELECT id::int AS id FROM gov_ledger WHERE cluster_key = $1`, [
        e.clusterKey,
      ]);
      return x!.id;
    }
    await audit(tx, who, 'gov.ledger.create', null, { entry: rows[0].id, ...e });
    return rows[0].id;
  });
}

export async function updateLedgerEntry(
  db: Database,
  id: number,
  patch: LedgerPatch,
  who: Principal,
): Promise<boolean> {
  if (patch.ownerUnit) await assertUnits(db, [patch.ownerUnit], 'ownerUnit');
  return db.transaction(async (tx) => {
    const [cur] = await tx.query<{ owner_unit: string | null; plan: string; target_on: string | null; status: string }>(
      `SELECT owner_unit, plan, target_on::text AS target_on, status FROM gov_ledger WHERE id = $1 FOR UPDATE`,
      [id],
    );
    if (!cur) return false;
    const next = {
      owner_unit: patch.ownerUnit !== undefined ? patch.ownerUnit : cur.owner_unit,
      plan: patch.plan ?? cur.plan,
      target_on: patch.targetOn !== undefined ? patch.targetOn : cur.target_on,
      status: patch.status ?? cur.status,
    };
    await tx.query(
      `UPDATE gov_ledger SET owner_unit = $2, plan = $3, target_on = $4::date, status = $5, updated_at = now(),
              resolved_at = CASE WHEN $5 = 'resolved' THEN COALESCE(resolved_at, now()) ELSE NULL END
       WHERE id = $1`,
      [id, next.owner_unit, next.plan, next.target_on, next.status],
    );
    await audit(tx, who, 'gov.ledger.update', null, { entry: id, from: cur, to: next });
    return true;
  });
}

/** Open entries first (oldest first), then the latest resolved; with the size per month-end. */
export async function listLedger(db: Queryable, scope: Scope, opts: { limit: number; status?: 'open' | 'resolved' }) {
  const params: unknown[] = [opts.limit];
  const own = ledgerScopeClause(scope, params);
  const where = [own, opts.status ? `e.status = $${params.push(opts.status)}` : null].filter(Boolean);
  const items = await db.query(
    `SELECT e.id::int AS id, e.source, e.ticket_id::int AS "ticketId", e.cluster_key AS "clusterKey", e.title,
            e.category_code AS "categoryCode", c.name_zh AS "categoryNameZh", c.name_en AS "categoryNameEn",
            e.district_code AS "districtCode", e.street_code AS "streetCode", s.name_zh AS "streetNameZh", s.name_en AS "streetNameEn",
            e.owner_unit AS "ownerUnit", COALESCE(ou.name_zh, od.name_zh) AS "ownerNameZh", COALESCE(ou.name_en, od.name_en) AS "ownerNameEn",
            e.plan, e.target_on::text AS "targetOn", e.status, e.opened_at AS "openedAt", e.resolved_at AS "resolvedAt",
            count(*) OVER ()::int AS total
     FROM gov_ledger e LEFT JOIN categories c ON c.code = e.category_code LEFT JOIN regions s ON s.code = e.street_code
     LEFT JOIN regions ou ON ou.code = e.owner_unit LEFT JOIN departments od ON od.code = e.owner_unit
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY (e.status = 'open') DESC, CASE WHEN e.status = 'open' THEN e.opened_at END, e.resolved_at DESC, e.id LIMIT $1`,
    params,
  );
  const hParams: unknown[] = [cityTimeZone()];
  const hOwn = ledgerScopeClause(scope, hParams);
  const history = await db.query<{ month: string; open: number; opened: number; resolved: number }>(
    `WITH m AS (
       SELECT gs AS start, (gs AT TIME ZONE $1) AS from_at, ((gs + interval '1 month') AT TIME ZONE $1) AS to_at
       FROM generate_series(date_trunc('month', now() AT TIME ZONE $1) - interval '12 months', date_trunc('month', now() AT TIME ZONE $1), interval '1 month') gs)
     SELECT to_char(m.start, 'YYYY-MM') AS month,
            count(e.id) FILTER (WHERE e.opened_at < m.to_at AND (e.resolved_at IS NULL OR e.resolved_at >= m.to_at))::int AS open,
            count(e.id) FILTER (WHERE e.opened_at >= m.from_at AND e.opened_at < m.to_at)::int AS opened,
            count(e.id) FILTER (WHERE e.resolved_at >= m.from_at AND e.resolved_at < m.to_at)::int AS resolved
     FROM m LEFT JOIN gov_ledger e ON ${hOwn ?? 'true'}
     GROUP BY m.start ORDER BY m.start`,
    hParams,
  );
  const total = (items[0] as { total?: number } | undefined)?.total ?? 0;
  const counts = await db.query<{ open: number; resolved: number; overdue: number }>(
    `SELECT count(*) FILTER (WHERE e.status = 'open')::int AS open, count(*) FILTER (WHERE e.status = 'resolved')::int AS resolved,
            count(*) FILTER (WHERE e.status = 'open' AND e.target_on < (now() AT TIME ZONE $1)::date)::int AS overdue
     FROM gov_ledger e ${hOwn ? `WHERE ${hOwn}` : ''}`,
    hParams,
  );
  return { items: items.map(({ total: _t, ...r }: Record<string, unknown>) => r), total, counts: counts[0], history };
}
