// Demo liveliness: with `npm start` (--demo) the generated year ends on the day it was made, so
// the wall's "today" would be empty on any later day. This feed files a plausible ticket every
// minute (DEMO_FEED_SECONDS) through the normal intake path (the same code POST /api/tickets runs), and moves a
// few earlier ones along their life cycle (accept, reply, callback), so every figure on the wall
// moves. "Plausible" = a copy of a random real-looking ticket from the data (its category, kind,
// channel) a few hundred metres from where that one was; the demo's own mix, no new rules.
// Off unless main.ts starts it (only with --demo); DEMO_FEED_SECONDS=0 switches it off.
// Now and then (DEMO_SURGE_MINUTES, default every 4 hours, the first 10 minutes after start) it
// also starts a surge: 30 tickets of one category (a water outage where the taxonomy has one) at
// one spot, one every 4 minutes, for the surge alerts (server/alerts/) to raise.
import type { Database } from '../db/client.ts';
import { intakeTicket } from './intake/intake.ts';
import { defaultSettings } from './intake/settings.ts';
import { applyAction } from './lifecycle/actions.ts';
import type { IntakeInput } from './intake/normalise.ts';
import { SURGE_MINUTES, SURGE_TICKETS, surgeCategory } from '../data/demo/surges.ts';

export const DEFAULT_DEMO_SURGE_MINUTES = 240;
const FIRST_SURGE_MS = 10 * 60_000;

/** Minutes between demo surges from DEMO_SURGE_MINUTES; 0 (or "off") = none. */
export function demoSurgeMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEMO_SURGE_MINUTES?.trim();
  if (!raw) return DEFAULT_DEMO_SURGE_MINUTES;
  if (raw === 'off') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 10_080)
    throw new Error(`Configuration: DEMO_SURGE_MINUTES: must be minutes between 0 and 10080, got '${raw}'`);
  return n;
}

/** A surge under way: where, what, how many are left and when the next one is due. */
export interface DemoSurge {
  lon: number;
  lat: number;
  category: string;
  left: number;
  nextAt: number;
}

/** Starts a surge at a random located ticket's spot, in the surge category of the taxonomy. */
export async function startDemoSurge(db: Database, now: Date): Promise<DemoSurge | null> {
  const s = await sampleTicket(db);
  const codes = (await db.query<{ code: string }>(`SELECT code FROM categories ORDER BY code`)).map((r) => r.code);
  const category = surgeCategory(codes);
  if (!s || !category) return null;
  return { lon: Number(s.lon), lat: Number(s.lat), category, left: SURGE_TICKETS, nextAt: now.getTime() };
}

/** Files the surge's tickets that are due at `now` (about 80 m around its spot); returns their ids. */
export async function advanceDemoSurge(db: Database, surge: DemoSurge, now: Date): Promise<number[]> {
  const ids: number[] = [];
  while (surge.left > 0 && surge.nextAt <= now.getTime()) {
    const r = await intakeTicket(
      db,
      {
        kind: 'complaint',
        channel: 'phone',
        category: surge.category,
        description: '',
        lon: surge.lon + (Math.random() - 0.5) * 0.0016,
        lat: surge.lat + (Math.random() - 0.5) * 0.0012,
        crs: 'WGS84',
      },
      defaultSettings(),
      now,
    );
    ids.push(r.id);
    surge.left--;
    surge.nextAt += (SURGE_MINUTES * 60_000) / SURGE_TICKETS;
  }
  return ids;
}

export const DEFAULT_DEMO_FEED_SECONDS = 60;

/** Seconds between filed tickets from DEMO_FEED_SECONDS; 0 (or "off") = no feed. */
export function demoFeedSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DEMO_FEED_SECONDS?.trim();
  if (!raw) return DEFAULT_DEMO_FEED_SECONDS;
  if (raw === 'off') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 86_400)
    throw new Error(`Configuration: DEMO_FEED_SECONDS: must be seconds between 0 and 86400, got '${raw}'`);
  return n;
}

interface Sample {
  lon: number;
  lat: number;
  category: string;
  kind: IntakeInput['kind'];
  channel: IntakeInput['channel'];
  description: string;
}

async function sampleTicket(db: Database): Promise<Sample | null> {
  const [span] = await db.query<{ lo: number | null; hi: number | null }>(
    `SELECT min(id)::float8 AS lo, max(id)::float8 AS hi FROM tickets`,
  );
  if (span?.lo == null || span.hi == null) return null;
  const pick = Math.floor(span.lo + Math.random() * (span.hi - span.lo + 1));
  const rows = await db.query<Sample>(
    `SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat, category_code AS category, kind, channel, description
     FROM tickets WHERE id >= $1 AND location_status = 'located' ORDER BY id LIMIT 1`,
    [pick],
  );
  return rows[0] ?? null;
}

/** ≈ ±300 m, enough that copies do not stack on one pixel. */
const jitter = () => (Math.random() - 0.5) * 0.006;

export async function fileDemoTicket(db: Database, now = new Date()): Promise<number | null> {
  const s = await sampleTicket(db);
  if (!s) return null;
  const r = await intakeTicket(
    db,
    {
      kind: s.kind,
      channel: s.channel,
      category: s.category,
      description: s.description ?? '',
      lon: Number(s.lon) + jitter(),
      lat: Number(s.lat) + jitter(),
      crs: 'WGS84',
    },
    defaultSettings(),
    now,
  );
  return r.id;
}

/** One step of an earlier live ticket: accept a dispatched one, or reply to and call back an accepted one. */
async function advanceOne(db: Database, now: Date): Promise<void> {
  const [t] = await db.query<{ id: number; status: string }>(
    `SELECT id::int AS id, status FROM tickets
     WHERE status IN ('dispatched', 'accepted') AND received_at >= $1::timestamptz AND received_at <= $2::timestamptz
     ORDER BY random() LIMIT 1`,
    [new Date(now.getTime() - 6 * 3600_000).toISOString(), new Date(now.getTime() - 60_000).toISOString()],
  );
  if (!t) return;
  if (t.status === 'dispatched') {
    await applyAction(db, t.id, 'accept', {}, now);
    return;
  }
  // the unit's reply in the words of the ticket's last reply in the data (the city's language)
  const [said] = await db.query<{ note: string }>(
    `SELECT note FROM ticket_events WHERE type = 'replied' AND note IS NOT NULL ORDER BY id DESC LIMIT 1`,
  );
  await applyAction(db, t.id, 'reply', said ? { note: said.note } : {}, now);
  const solved = Math.random() < 0.85;
  const satisfaction = solved
    ? Math.random() < 0.85
      ? 'satisfied'
      : 'basic'
    : Math.random() < 0.5
      ? 'basic'
      : 'dissatisfied';
  await applyAction(db, t.id, 'callback', { solved, satisfaction }, new Date(now.getTime() + 1));
}

/** Starts the feed; returns a stop function. Errors are logged and the feed carries on. */
export function startDemoFeed(
  db: Database,
  seconds: number,
  log: (msg: string) => void = console.log,
  surgeMinutes = demoSurgeMinutes(),
): () => void {
  if (!(seconds > 0)) return () => {};
  let busy = false;
  let surge: DemoSurge | null = null;
  let nextSurge = surgeMinutes > 0 ? Date.now() + FIRST_SURGE_MS : Infinity;
  const surgeStep = async (now: Date) => {
    if (!surge && now.getTime() >= nextSurge) {
      nextSurge = now.getTime() + surgeMinutes * 60_000;
      surge = await startDemoSurge(db, now);
      if (surge)
        log(`demo feed: a surge of ${surge.category} starts (${SURGE_TICKETS} tickets in ${SURGE_MINUTES} min)`);
    }
    if (surge) {
      await advanceDemoSurge(db, surge, now);
      if (surge.left === 0) surge = null;
    }
  };
  const timer = setInterval(() => {
    if (busy) return; // a slow database must not pile up ticks
    busy = true;
    const now = new Date();
    fileDemoTicket(db, now)
      .then(() => surgeStep(now))
      .then(() => (Math.random() < 0.7 ? advanceOne(db, now) : undefined))
      .catch((e: unknown) => log(`demo feed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (busy = false));
  }, seconds * 1000);
  timer.unref?.();
  log(`demo feed: a new ticket every ${seconds} s (DEMO_FEED_SECONDS=0 switches it off)`);
  return () => clearInterval(timer);
}
