// Normalise one incoming demand: coordinates to WGS-84 (GCJ-02 / BD-09 in, the original kept),
// H3 cells at resolutions 7/8/9. Pure.
import gcoord from 'gcoord';
import { latLngToCell } from 'h3-js';
import { z } from 'zod';
import { CHANNELS, SOURCE_CRS, TICKET_KINDS, type SourceCrs } from '../../db/schema.ts';

/** Clocks drift: an instant up to 5 minutes ahead is accepted, later ones are refused. */
export const FUTURE_SLACK_MS = 5 * 60_000;

const lon = z.number().finite().min(-180).max(180);
const lat = z.number().finite().min(-90).max(90);

/** One demand as the hotline's own systems send it (also the shape CSV rows and Open311 map onto). */
export const intakeSchema = z
  .object({
    kind: z.enum(TICKET_KINDS),
    channel: z.enum(CHANNELS),
    category: z.string().min(1).max(100),
    description: z.string().max(4000).default(''),
    address: z.string().max(500).nullish(),
    lon: lon.nullish(),
    lat: lat.nullish(),
    crs: z.enum(SOURCE_CRS).default('WGS84'),
    callerName: z.string().max(100).nullish(),
    callerPhone: z.string().max(40).nullish(),
    idempotencyKey: z.string().min(1).max(200).nullish(),
    /** When the demand came in; default now. Historical imports give it. */
    receivedAt: z.coerce
      .date()
      .refine((d) => !(d.getTime() > Date.now() + FUTURE_SLACK_MS), 'in the future')
      .optional(),
    /** Consultations/praise answered on the call are closed without dispatch (default for those kinds). */
    answeredOnCall: z.boolean().optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if ((v.lon == null) !== (v.lat == null))
      ctx.addIssue({ code: 'custom', path: [v.lon == null ? 'lon' : 'lat'], message: 'lon and lat come together' });
    if (v.lon == null && !v.address?.trim())
      ctx.addIssue({ code: 'custom', path: ['address'], message: 'an address or lon/lat is required' });
    if (v.receivedAt && Number.isNaN(v.receivedAt.getTime()))
      ctx.addIssue({ code: 'custom', path: ['receivedAt'], message: 'invalid instant' });
  });
export type IntakeInput = z.infer<typeof intakeSchema>;

export interface NormalPoint {
  lon: number;
  lat: number;
  h3r7: string;
  h3r8: string;
  h3r9: string;
}

const CRS = { WGS84: gcoord.WGS84, GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

export function toWgs84(lon: number, lat: number, crs: SourceCrs): [number, number] {
  if (crs === 'WGS84') return [lon, lat];
  const [x, y] = gcoord.transform([lon, lat], CRS[crs], gcoord.WGS84) as [number, number];
  return [x, y];
}

export function normalisePoint(lon: number, lat: number, crs: SourceCrs): NormalPoint {
  const [x, y] = toWgs84(lon, lat, crs);
  return { lon: x, lat: y, h3r7: latLngToCell(y, x, 7), h3r8: latLngToCell(y, x, 8), h3r9: latLngToCell(y, x, 9) };
}
