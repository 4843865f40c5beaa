// Manual location of an address-only (or outside) ticket: a dispatcher places the point; the
// ticket is then located by the same SQL rule as intake and, when it lands in a street and is
// still waiting, dispatched by the same rule as intake (responsibility zone or street, and the line
// department in parallel).
import { z } from 'zod';
import type { Database } from '../../db/client.ts';
import { SOURCE_CRS, type TicketStatus } from '../../db/schema.ts';
import { ActionRefused, TicketNotFound } from '../lifecycle/actions.ts';
import { insertEvents, type NewEvent } from '../lifecycle/events.ts';
import { dispatchTargets, insertDispatches, zoneClaim } from '../lifecycle/dispatch.ts';
import { categoryFor } from './intake.ts';
import { normalisePoint } from './normalise.ts';

export const locateBody = z
  .object({
    lon: z.number().finite().min(-180).max(180),
    lat: z.number().finite().min(-90).max(90),
    crs: z.enum(SOURCE_CRS).default('WGS84'),
    at: z.coerce.date().optional(),
  })
  .strict();

/** `by`: the username recorded on the 'located' event (data.by). */
export async function locateManually(
  db: Database,
  id: number,
  body: z.infer<typeof locateBody>,
  now: Date = new Date(),
  by?: string,
) {
  const p = normalisePoint(body.lon, body.lat, body.crs);
  const when = body.at ?? now;
  return db.transaction(async (tx) => {
    const t = (
      await tx.query<{ status: TicketStatus; category_code: string; last_at: Date | string | null }>(
        `SELECT status, category_code, (SELECT max(at) FROM ticket_events WHERE ticket_id = t.id) AS last_at FROM tickets t WHERE id = $1 FOR UPDATE`,
        [id],
      )
    )[0];
    if (!t) throw new TicketNotFound(id);
    if (t.status !== 'received')
      throw new ActionRefused(`Ticket ${id} is ${t.status}; only a ticket still waiting (received) is located by hand`);
    if (t.last_at && new Date(t.last_at).getTime() > when.getTime())
      throw new ActionRefused(`at is before the ticket's latest event`, 'at');
    const loc = (
      await tx.query<{ district_code: string | null; street_code: string | null; grid_code: string | null }>(
        `SELECT * FROM hotline_locate(ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326))`,
        [p.lon, p.lat],
      )
    )[0];
    const located = Boolean(loc?.street_code);
    const iso = when.toISOString();
    await tx.query(
      `UPDATE tickets SET geom = ST_SetSRID(ST_MakePoint($2::float8, $3::float8), 4326), source_crs = $4, source_lon = $5, source_lat = $6,
              h3_r7 = $7, h3_r8 = $8, h3_r9 = $9, location_status = $10, district_code = $11, street_code = $12, grid_code = $13,
              status = CASE WHEN $10 = 'located' THEN 'dispatched' ELSE status END,
              dispatched_at = CASE WHEN $10 = 'located' THEN $14::timestamptz ELSE dispatched_at END, updated_at = $14::timestamptz
       WHERE id = $1`,
      [
        id,
        p.lon,
        p.lat,
        body.crs,
        body.lon,
        body.lat,
        p.h3r7,
        p.h3r8,
        p.h3r9,
        located ? 'located' : 'outside',
        loc?.district_code ?? null,
        loc?.street_code ?? null,
        loc?.grid_code ?? null,
        iso,
      ],
    );
    const events: NewEvent[] = [
      {
        ticketId: id,
        at: when,
        type: 'located',
        fromStatus: null,
        toStatus: null,
        actor: 'hotline',
        data: {
          lon: p.lon,
          lat: p.lat,
          crs: body.crs,
          locationStatus: located ? 'located' : 'outside',
          ...(by ? { by } : {}),
        },
      },
    ];
    if (located) {
      const cat = await categoryFor(tx, t.category_code);
      const zone = await zoneClaim(tx, p.lon, p.lat, t.category_code);
      const targets = dispatchTargets(loc!.street_code!, zone, cat);
      await insertDispatches(tx, id, when, targets);
      events.push({
        ticketId: id,
        at: when,
        type: 'dispatched',
        fromStatus: 'received',
        toStatus: 'dispatched',
        actor: 'hotline',
        unitCode: targets[0].unitCode,
        data: zone ? { zone: zone.code } : null,
      });
    }
    await insertEvents(tx, events);
    return {
      id,
      status: (located ? 'dispatched' : 'received') as TicketStatus,
      locationStatus: located ? 'located' : 'outside',
      streetCode: loc?.street_code ?? null,
    };
  });
}
