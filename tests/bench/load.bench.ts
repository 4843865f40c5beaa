// Load: N dashboard clients (default 200), each looping over the dashboard's GET endpoints
// (summary, points, ranking, hotspots, regions) as fast as answers come back, while intake adds
// tickets at a fixed rate (default 50/s, open loop: a slow server does not slow the callers down)
// for a duration (default 600 s). Reports requests and p50/p95/p99 per endpoint, 5xx, and tickets
// in (acknowledged) against tickets stored (counted in the database by the run's idempotency keys).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Queryable } from '../../db/client.ts';
import { createUser } from '../../server/auth/accounts.ts';
import { logIn, over, type Client } from '../helpers/auth.ts';
import { row } from './machine.ts';

export interface LoadOptions {
  /** Base URL of a running server (e.g. http://127.0.0.1:8787). */
  url: string;
  /** The server's database, to count stored tickets and make the run's account. */
  db: Queryable;
  clients?: number;
  ticketsPerSecond?: number;
  durationS?: number;
  /** Idempotency-key prefix for this run's tickets. */
  runId?: string;
  print?: boolean;
  /** The streaming standby the server's dashboards read (DATABASE_READ_URL): its lag is sampled. */
  replicaUrl?: string;
}

export interface EndpointFigures {
  requests: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  status5xx: number;
  /** Non-2xx answers below 500. */
  status4xx: number;
  /** No answer at all (connection error, 60 s timeout). */
  failed: number;
}

export interface LoadResult {
  clients: number;
  ticketsPerSecond: number;
  durationS: number;
  endpoints: Record<string, EndpointFigures>;
  total5xx: number;
  totalFailed: number;
  ticketsSent: number;
  ticketsAcknowledged: number;
  ticketsStored: number;
  requestsPerSecond: number;
  /** Replica lag samples (ms from a WAL position on the primary to its replay on the standby). */
  replicaLag?: { samples: number; p50: number; p99: number; max: number };
}

/** The dashboard's own reads (web/composables/api.ts), with the filters a user flips between. */
const DASHBOARD: [string, string[]][] = [
  ['summary', ['/api/summary', '/api/summary?category=heating', '/api/summary?region=110105']],
  ['points', ['/api/tickets/points', '/api/tickets/points?category=property']],
  ['ranking', ['/api/ranking?table=street', '/api/ranking?table=district']],
  ['hotspots', ['/api/hotspots?res=8', '/api/hotspots?res=7']],
  ['regions', ['/api/regions?level=district', '/api/regions?level=street']],
];

const BEIJING_CORE = [116.2, 39.8, 116.6, 40.05] as const;

/**
 * The replica's lag as a dashboard sees it, sampled every 250 ms during the run: the primary's
 * current WAL position is read, then the standby is polled (every 5 ms) until it has replayed it;
 * the time between the two is one sample.
 */
function sampleReplicaLag(primary: Queryable, replicaUrl: string, until: () => boolean) {
  const samples: number[] = [];
  const done = (async () => {
    const standby = new pg.Client({ connectionString: replicaUrl });
    await standby.connect();
    try {
      while (!until()) {
        const t0 = performance.now();
        const [{ lsn }] = await primary.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
        for (;;) {
          const r = await standby.query<{ ok: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok', [lsn]);
          if (r.rows[0]!.ok) break;
          await new Promise((res) => setTimeout(res, 5));
        }
        samples.push(performance.now() - t0);
        await new Promise((res) => setTimeout(res, 250));
      }
    } finally {
      await standby.end();
    }
  })();
  return { samples, done };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * One dispatcher account (reads and intake) signed in once per client, as every screen of a
 * control room signs in for itself: each client has its own session cookie, so identical reads of
 * different clients are not coalesced into one (server/coalesce.ts never shares across cookies).
 */
async function signInClients(opts: LoadOptions, n: number): Promise<Client[]> {
  const username = `load-${randomBytes(4).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  await createUser(opts.db, { username, displayName: 'load run', role: 'dispatcher', password });
  const out: Client[] = [];
  const fetcher = over(opts.url);
  // A few logins at a time: each is a deliberate ~0.1 s scrypt on the server.
  for (let i = 0; i < n; i += 8)
    out.push(
      ...(await Promise.all(Array.from({ length: Math.min(8, n - i) }, () => logIn(fetcher, username, password)))),
    );
  return out;
}

export async function run(opts: LoadOptions): Promise<LoadResult> {
  const clients = opts.clients ?? 200;
  const rate = opts.ticketsPerSecond ?? 50;
  const durationS = opts.durationS ?? 600;
  const runId = opts.runId ?? `load-${Date.now()}`;
  const latencies = new Map<string, number[]>();
  const figures = new Map<string, { s5: number; s4: number; failed: number }>();
  const note = (name: string, ms: number, status: number) => {
    if (!latencies.has(name)) {
      latencies.set(name, []);
      figures.set(name, { s5: 0, s4: 0, failed: 0 });
    }
    latencies.get(name)!.push(ms);
    const f = figures.get(name)!;
    if (status === 0) f.failed++;
    else if (status >= 500) f.s5++;
    else if (status >= 400) f.s4++;
  };
  const sessions = await signInClients(opts, clients + 1);
  const timedFetch = async (
    session: Client,
    name: string,
    path: string,
    init: RequestInit = {},
  ): Promise<Response | null> => {
    const t0 = performance.now();
    try {
      const headers = new Headers(init.headers);
      headers.set('cookie', session.cookie);
      if (init.method && init.method !== 'GET') headers.set('x-csrf-token', session.csrfToken);
      const res = await fetch(`${opts.url}${path}`, { ...init, headers, signal: AbortSignal.timeout(60_000) });
      await res.arrayBuffer();
      note(name, performance.now() - t0, res.status);
      return res;
    } catch {
      note(name, performance.now() - t0, 0);
      return null;
    }
  };

  const cats = (await opts.db.query<{ code: string }>(`SELECT code FROM categories ORDER BY code`)).map((r) => r.code);
  const end = Date.now() + durationS * 1000;
  const started = Date.now();

  const reader = async (k: number) => {
    let step = k; // clients start at different endpoints, like real screens opened at different times
    while (Date.now() < end) {
      const [name, urls] = DASHBOARD[step % DASHBOARD.length]!;
      await timedFetch(sessions[k]!, name, urls[Math.floor(step / DASHBOARD.length) % urls.length]!);
      step++;
    }
  };

  let sent = 0;
  let acknowledged = 0;
  const inFlight = new Set<Promise<void>>();
  const intake = async () => {
    const [x0, y0, x1, y1] = BEIJING_CORE;
    const total = Math.round(rate * durationS);
    while (sent < total) {
      // Open loop: ticket i is due at started + i/rate, whether or not earlier ones were answered;
      // a late timer sends the overdue ones at once, so the run sends exactly rate × duration.
      const due = started + (sent * 1000) / rate;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const i = sent++;
      const body = JSON.stringify({
        kind: 'complaint',
        channel: 'app',
        category: cats[i % cats.length],
        description: `load ${i}`,
        lon: x0 + (x1 - x0) * ((i * 0.6180339887) % 1),
        lat: y0 + (y1 - y0) * ((i * 0.7548776662) % 1),
        callerPhone: `1370000${String(i % 10_000).padStart(4, '0')}`,
      });
      const p = (async () => {
        const res = await timedFetch(sessions[clients]!, 'intake', '/api/tickets', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': `${runId}:${i}` },
          body,
        });
        if (res && (res.status === 201 || res.status === 200)) acknowledged++;
      })();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
  };

  const lag = opts.replicaUrl ? sampleReplicaLag(opts.db, opts.replicaUrl, () => Date.now() >= end) : undefined;
  await Promise.all([...Array.from({ length: clients }, (_, k) => reader(k)), intake()]);
  const elapsedS = (Date.now() - started) / 1000;
  await lag?.done;

  const stored = (
    await opts.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM tickets WHERE idempotency_key LIKE $1`, [
      `${runId}:%`,
    ])
  )[0]!.n;
  const endpoints: Record<string, EndpointFigures> = {};
  let requests = 0;
  for (const [name, ls] of latencies) {
    const sorted = [...ls].sort((a, b) => a - b);
    const f = figures.get(name)!;
    requests += ls.length;
    endpoints[name] = {
      requests: ls.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      status5xx: f.s5,
      status4xx: f.s4,
      failed: f.failed,
    };
  }
  const result: LoadResult = {
    clients,
    ticketsPerSecond: rate,
    durationS,
    endpoints,
    total5xx: Object.values(endpoints).reduce((a, e) => a + e.status5xx, 0),
    totalFailed: Object.values(endpoints).reduce((a, e) => a + e.failed, 0),
    ticketsSent: sent,
    ticketsAcknowledged: acknowledged,
    ticketsStored: stored,
    requestsPerSecond: requests / elapsedS,
  };
  if (lag) {
    const sorted = [...lag.samples].sort((a, b) => a - b);
    result.replicaLag = {
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
    };
  }
  if (opts.print !== false) printLoad(result);
  return result;
}

export function printLoad(r: LoadResult): void {
  console.log(`load: ${r.clients} dashboard clients + ${r.ticketsPerSecond} tickets/s for ${r.durationS} s`);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  for (const [name, e] of Object.entries(r.endpoints)) {
    row(
      `  ${name}`,
      `p95 ${ms(e.p95)}`,
      `${e.requests} requests; p50 ${ms(e.p50)}, p99 ${ms(e.p99)}, max ${ms(e.max)}; 5xx ${e.status5xx}, 4xx ${e.status4xx}, no answer ${e.failed}`,
    );
  }
  row('  all requests', `${r.requestsPerSecond.toFixed(0)} req/s`, `5xx ${r.total5xx}, no answer ${r.totalFailed}`);
  row('  tickets in = tickets stored', `${r.ticketsAcknowledged} = ${r.ticketsStored}`, `${r.ticketsSent} sent`);
  if (r.replicaLag)
    row(
      '  replica lag (write on the primary → replayed on the standby)',
      `p99 ${ms(r.replicaLag.p99)}`,
      `${r.replicaLag.samples} samples; p50 ${ms(r.replicaLag.p50)}, max ${ms(r.replicaLag.max)}; target p99 < 1000 ms`,
    );
}
