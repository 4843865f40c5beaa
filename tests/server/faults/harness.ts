// What the fault tests share: a client that retries intake with its idempotency key the way a
// hotline system would, a Server-Sent Events reader that reconnects with Last-Event-ID, the
// server as a child process, and the write invariants a half-written ticket would break. Clients
// carry a real session (signed in once; sessions live in the database, so they outlast restarts).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queryable } from '../../../db/client.ts';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../..');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface IntakeLog {
  /** Answers by status (0 = no answer: connection refused or reset). */
  statuses: Map<number, number>;
  /** 503 answers that carried a Retry-After header. */
  retryAfter: number;
  /** Idempotency key → ticket id, once stored. */
  ids: Map<string, number>;
  unexpected: string[];
}

/** A signed-in session (tests/helpers/auth.ts): the cookie on every request, the CSRF token on writes. */
export interface Session {
  cookie: string;
  csrfToken: string;
}

export const newLog = (): IntakeLog => ({ statuses: new Map(), retryAfter: 0, ids: new Map(), unexpected: [] });

/**
 * POST one demand until it is stored: 503 → wait Retry-After (capped for test time) and retry;
 * no answer (server gone) → retry; any other non-2xx is recorded as unexpected and stops.
 */
export async function postUntilStored(
  base: () => string,
  session: Session,
  key: string,
  body: object,
  log: IntakeLog,
  deadline: number,
): Promise<void> {
  while (Date.now() < deadline) {
    let status: number;
    try {
      const res = await fetch(`${base()}/api/tickets`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          cookie: session.cookie,
          'x-csrf-token': session.csrfToken,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      status = res.status;
      const json = (await res.json().catch(() => null)) as { id?: number } | null;
      log.statuses.set(status, (log.statuses.get(status) ?? 0) + 1);
      if (status === 200 || status === 201) {
        const prev = log.ids.get(key);
        if (prev !== undefined && prev !== json?.id) log.unexpected.push(`${key}: id ${prev} then ${json?.id}`);
        log.ids.set(key, json!.id!);
        return;
      }
      if (status === 503) {
        const after = Number(res.headers.get('retry-after'));
        if (after > 0) log.retryAfter++;
        await sleep(Math.min(after > 0 ? after * 1000 : 1000, 1000));
        continue;
      }
      log.unexpected.push(`${key}: ${status} ${JSON.stringify(json)}`);
      return;
    } catch {
      log.statuses.set(0, (log.statuses.get(0) ?? 0) + 1);
      await sleep(200);
    }
  }
  log.unexpected.push(`${key}: not stored before the deadline`);
}

/** Run `n` demands through `workers` concurrent clients. */
export async function burst(n: number, workers: number, run: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (next < n) await run(next++);
    }),
  );
}

/**
 * The write invariants: every ticket has exactly one `received` event; a dispatched ticket has an
 * active territorial dispatch and a `dispatched` event; a ticket with dispatches has the event
 * that made them; callers are stored with their ticket. Returns the violating ticket ids.
 */
export async function halfWritten(db: Queryable, keyPrefix: string): Promise<Record<string, number[]>> {
  const q = async (sql: string) => (await db.query<{ id: number }>(sql, [`${keyPrefix}%`])).map((r) => r.id);
  return {
    receivedEvent: await q(`SELECT t.id::int AS id FROM tickets t WHERE t.idempotency_key LIKE $1
      AND (SELECT count(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'received') <> 1`),
    dispatchRow:
      await q(`SELECT t.id::int AS id FROM tickets t WHERE t.idempotency_key LIKE $1 AND t.status = 'dispatched'
      AND NOT EXISTS (SELECT 1 FROM dispatches d WHERE d.ticket_id = t.id AND d.active AND d.role = 'territorial')`),
    dispatchEvent: await q(`SELECT t.id::int AS id FROM tickets t WHERE t.idempotency_key LIKE $1
      AND EXISTS (SELECT 1 FROM dispatches d WHERE d.ticket_id = t.id)
      AND NOT EXISTS (SELECT 1 FROM ticket_events e WHERE e.ticket_id = t.id AND e.type = 'dispatched')`),
    caller: await q(`SELECT t.id::int AS id FROM tickets t WHERE t.idempotency_key LIKE $1
      AND NOT EXISTS (SELECT 1 FROM ticket_callers c WHERE c.ticket_id = t.id)`),
  };
}

export const noViolations = { receivedEvent: [], dispatchRow: [], dispatchEvent: [], caller: [] };

/** A dist folder the server accepts as current without building (the fault tests need no pages). */
export function stubDist(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-dist-'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>fault test</title>');
  const future = new Date(Date.now() + 365 * 86_400_000);
  fs.utimesSync(path.join(dir, 'index.html'), future, future);
  return dir;
}

export interface Child {
  url: string;
  proc: ChildProcess;
  output: () => string;
}

/** `tsx server/main.ts` against `databaseUrl` on `port`; resolves once /api/health answers. */
export async function spawnServer(
  databaseUrl: string,
  port: number,
  dist: string,
  extraEnv: Record<string, string> = {},
): Promise<Child> {
  // tsx's own CLI would run the server as a grandchild that SIGKILL never reaches: load it in-process.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      WEB_DIST_DIR: dist,
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${out}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { url, proc, output: () => out };
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  proc.kill('SIGKILL');
  throw new Error(`server did not start: ${out}`);
}

export function killHard(child: Child): Promise<void> {
  return new Promise((resolve) => {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) return resolve();
    child.proc.once('exit', () => resolve());
    child.proc.kill('SIGKILL');
  });
}

export interface SseEvent {
  id: number;
  event: string;
  data: string;
}

/**
 * A minimal EventSource: reads /api/live, and when the stream ends or the server is gone,
 * reconnects after `retryMs` sending Last-Event-ID — as browsers do.
 */
export function sseClient(base: () => string, session: Session, retryMs = 300) {
  const events: SseEvent[] = [];
  let lastId: number | undefined;
  let stopped = false;
  let connections = 0;
  let controller = new AbortController();
  const loop = async () => {
    while (!stopped) {
      try {
        controller = new AbortController();
        const headers: Record<string, string> = { cookie: session.cookie };
        if (lastId !== undefined) headers['last-event-id'] = String(lastId);
        const res = await fetch(`${base()}/api/live`, { headers, signal: controller.signal });
        if (res.ok && res.body) {
          connections++;
          const decoder = new TextDecoder();
          let buf = '';
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            buf += decoder.decode(chunk, { stream: true });
            let cut: number;
            while ((cut = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, cut);
              buf = buf.slice(cut + 2);
              const f: Record<string, string> = {};
              for (const line of block.split('\n')) {
                const m = /^(\w+): ?(.*)$/.exec(line);
                if (m) f[m[1]!] = m[2]!;
              }
              if (f.id !== undefined) {
                lastId = Number(f.id);
                events.push({ id: lastId, event: f.event ?? 'message', data: f.data ?? '' });
              } else if (f.event === 'hello' && lastId === undefined) {
                lastId = (JSON.parse(f.data ?? '{}') as { after: number }).after;
              }
            }
          }
        }
      } catch {
        // the server went away: reconnect below
      }
      if (!stopped) await sleep(retryMs);
    }
  };
  const done = loop();
  return {
    events,
    connections: () => connections,
    async stop() {
      stopped = true;
      controller.abort();
      await done;
    },
  };
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}
