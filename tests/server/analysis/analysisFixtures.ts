// Tickets placed on purpose for the analysis tests, on top of the tiny city (tests/helpers/tinyCity.ts):
// a hand-built set of H3 cells with known counts, a planted recurring cluster, scattered noise.
import { cellToLatLng, gridDisk, latLngToCell, cellToParent } from 'h3-js';
import type { Database } from '../../../db/client.ts';
import { locateTickets } from '../../../db/locate.ts';

export interface FixtureTicket {
  lon: number;
  lat: number;
  category: string;
  /** UTC instant. */
  at: string;
  repeatOf?: number;
  phone?: string;
  address?: string;
}

/** Insert tickets with their H3 cells (as intake computes them), locate them, return their ids. */
export async function insertTickets(db: Database, tickets: readonly FixtureTicket[]): Promise<number[]> {
  if (tickets.length === 0) return [];
  const params: unknown[] = [];
  const values = tickets.map((t) => {
    const r9 = latLngToCell(t.lat, t.lon, 9);
    params.push(
      t.category,
      t.at,
      t.lon,
      t.lat,
      r9,
      cellToParent(r9, 8),
      cellToParent(r9, 7),
      t.repeatOf ?? null,
      t.address ?? null,
    );
    const b = params.length - 9;
    return `('complaint', 'phone', $${b + 1}, 'ordinary', 'fixture', $${b + 2}::timestamptz,
             ST_SetSRID(ST_MakePoint($${b + 3}::float8, $${b + 4}::float8), 4326), $${b + 5}, $${b + 6}, $${b + 7}, 'unlocated',
             $${b + 8}::bigint, $${b + 9})`;
  });
  const rows = await db.query<{ id: number }>(
    `INSERT INTO tickets (kind, channel, category_code, urgency, description, received_at, geom, h3_r9, h3_r8, h3_r7, location_status, repeat_of, address)
     VALUES ${values.join(',\n')} RETURNING id::int AS id`,
    params,
  );
  const ids = rows.map((r) => r.id);
  const withPhone = tickets.map((t, i) => [ids[i], t.phone] as const).filter(([, p]) => p !== undefined);
  for (const [id, phone] of withPhone)
    await db.query('INSERT INTO ticket_callers (ticket_id, name, phone) VALUES ($1, $2, $3)', [id, '测试', phone]);
  await locateTickets(db, { onlyIds: ids });
  return ids;
}

/** Noon in Beijing on a city date, as a UTC instant. */
export const noon = (date: string) => `${date}T04:00:00Z`;

/** A point `metres` east and north of (lon, lat). */
export function offset(lon: number, lat: number, east: number, north: number): [number, number] {
  const k = 111_195.08;
  return [lon + east / (k * Math.cos((lat * Math.PI) / 180)), lat + north / k];
}

// --- the Gi* set: a centre cell at res 8 and its two rings, with hand-chosen counts in January 2026.
export const GI_CENTRE = latLngToCell(39.05, 116.15, 8);
export const GI_CELLS = gridDisk(GI_CENTRE, 2);
export const GI_COUNTS = GI_CELLS.map((c, i) =>
  c === GI_CENTRE ? 12 : gridDisk(GI_CENTRE, 1).includes(c) ? 4 + (i % 3) : i % 3,
);

export function giTickets(): FixtureTicket[] {
  const out: FixtureTicket[] = [];
  GI_CELLS.forEach((cell, i) => {
    const [lat, lon] = cellToLatLng(cell);
    // One ticket in December puts every cell in the study area, the zero-count ones too.
    out.push({ lon, lat, category: 'noise.night_construction', at: noon('2025-12-15') });
    for (let n = 0; n < GI_COUNTS[i]; n++)
      out.push({
        lon,
        lat,
        category: 'noise.night_construction',
        at: noon(`2026-01-${String(2 + n).padStart(2, '0')}`),
      });
  });
  return out;
}

// --- a recurring cluster: 30 pipe leaks within 100 m of one spot, 5 a week for 6 weeks from 2 March 2026,
// and the same number of leaks scattered over the city in the same weeks.
export const CLUSTER_CENTRE: [number, number] = [116.15, 39.07];
export const CLUSTER_WEEKS = ['2026-03-02', '2026-03-09', '2026-03-16', '2026-03-23', '2026-03-30', '2026-04-06'];

export function clusterTickets(): FixtureTicket[] {
  const out: FixtureTicket[] = [];
  CLUSTER_WEEKS.forEach((monday, w) => {
    for (let k = 0; k < 5; k++) {
      const angle = ((w * 5 + k) * 2.4) % (2 * Math.PI);
      const r = 10 + (((w * 5 + k) * 17) % 90); // 10–99 m from the centre
      const [lon, lat] = offset(CLUSTER_CENTRE[0], CLUSTER_CENTRE[1], r * Math.cos(angle), r * Math.sin(angle));
      const day = Number(monday.slice(8)) + k;
      const date = new Date(Date.UTC(2026, Number(monday.slice(5, 7)) - 1, day)).toISOString().slice(0, 10);
      out.push({ lon, lat, category: 'water.pipe_leak', at: noon(date) });
    }
  });
  return out;
}

/** 30 tickets of `category` on a 6 × 5 lattice ≥ 1.7 km apart (none within 500 m of the cluster), one per lattice point, spread over the weeks. */
export function noiseTickets(category: string): FixtureTicket[] {
  const out: FixtureTicket[] = [];
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 5; j++) {
      const lon = 116.025 + i * 0.06 + (j % 2) * 0.01;
      const lat = 39.015 + j * 0.02;
      const date = new Date(Date.UTC(2026, 2, 2 + ((i * 5 + j) % 6) * 7 + (j % 5))).toISOString().slice(0, 10);
      out.push({ lon, lat, category, at: noon(date) });
    }
  }
  return out;
}
