// Who receives a located ticket (pure). The rule, explained in README.md: a responsibility zone
// (责任区) that covers the point and answers for the category takes the territorial role instead of
// the street; the category's line department or utility gets it in parallel (并行派单) when the
// catalogue says so, unless it already holds the ticket as the zone's unit.
import type { Queryable } from '../../db/client.ts';

export interface ZoneClaim {
  code: string;
  /** The zone's owning unit (a department or utility code). */
  unitCode: string;
  unitKind: 'department' | 'utility';
}

export interface CatalogueEntry {
  department_code: string | null;
  department_kind: 'department' | 'utility' | null;
  parallel: boolean | null;
}

export interface DispatchTarget {
  unitCode: string;
  unitKind: string;
  role: 'territorial' | 'line';
  zoneCode?: string;
}

export function dispatchTargets(streetCode: string, zone: ZoneClaim | null, cat: CatalogueEntry): DispatchTarget[] {
  const out: DispatchTarget[] = [
    zone
      ? { unitCode: zone.unitCode, unitKind: zone.unitKind, role: 'territorial', zoneCode: zone.code }
      : { unitCode: streetCode, unitKind: 'street', role: 'territorial' },
  ];
  if (cat.parallel && cat.department_code && cat.department_code !== out[0].unitCode) {
    out.push({ unitCode: cat.department_code, unitKind: cat.department_kind ?? 'department', role: 'line' });
  }
  return out;
}

/** The zone that claims a WGS-84 point for a category (SQL rule hotline_zone, migration 0009), or null. */
export async function zoneClaim(db: Queryable, lon: number, lat: number, category: string): Promise<ZoneClaim | null> {
  const rows = await db.query<{ zone_code: string; department_code: string; kind: 'department' | 'utility' }>(
    `SELECT z.zone_code, z.department_code, d.kind
     FROM hotline_zone(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326), $3) z JOIN departments d ON d.code = z.department_code`,
    [lon, lat, category],
  );
  const r = rows[0];
  return r ? { code: r.zone_code, unitCode: r.department_code, unitKind: r.kind } : null;
}

export async function insertDispatches(tx: Queryable, ticketId: number, at: Date, targets: DispatchTarget[]) {
  for (const d of targets) {
    await tx.query(
      `INSERT INTO dispatches (ticket_id, unit_code, unit_kind, role, dispatched_at, zone_code) VALUES ($1, $2, $3, $4, $5, $6)`,
      [ticketId, d.unitCode, d.unitKind, d.role, at.toISOString(), d.zoneCode ?? null],
    );
  }
}
