// Identical dashboard reads in flight at the same moment are answered by ONE execution: a wall of
// screens, or 200 officials opening the same overview, asks the same question many times per
// second, and running it once keeps the database and the event loop free for intake. Only GETs
// that are pure reads are shared, and only between requests with the same URL from signed-in
// principals of the same role and the same jurisdiction: it runs after the gate (auth/middleware.ts),
// and the shared answers depend on nothing else about the caller (no caller data, no per-user
// state), so no answer ever reaches a caller it was not computed for. Without a principal, only
// the same credentials share. Nothing is cached: a request arriving after the shared one finished
// runs afresh.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './env.ts';

interface Snapshot {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

// Request headers an answer may depend on (language, conditional GET); credentials only count
// when no principal was found.
const VARY = ['accept-language', 'accept', 'if-none-match', 'if-modified-since'];
const NULL_BODY = new Set([101, 204, 205, 304]);
const replay = (s: Snapshot) =>
  new Response(NULL_BODY.has(s.status) ? null : s.body, { status: s.status, headers: s.headers });

const SHARED = /^\/api\/(summary|tickets\/points|ranking|hotspots|regions|categories)(\/|$)/;

export function coalesceReads(): MiddlewareHandler<AppEnv> {
  const inFlight = new Map<string, Promise<Snapshot>>();
  return async (c, next) => {
    if (c.req.method !== 'GET' || !SHARED.test(c.req.path)) return next();
    const p = c.get('principal');
    const who = p
      ? `${p.role}:${JSON.stringify(p.scope)}`
      : `anon:${c.req.header('cookie') ?? ''}:${c.req.header('authorization') ?? ''}`;
    const key = [c.req.url, who, ...VARY.map((h) => c.req.header(h) ?? '')].join('\u0000');
    const shared = inFlight.get(key);
    if (shared) {
      const s = await shared;
      c.res = replay(s);
      return;
    }
    let settle!: (s: Snapshot) => void;
    let fail!: (e: unknown) => void;
    const mine = new Promise<Snapshot>((resolve, reject) => ((settle = resolve), (fail = reject)));
    mine.catch(() => {});
    inFlight.set(key, mine);
    try {
      await next();
      const snap: Snapshot = { status: c.res.status, headers: [...c.res.headers], body: await c.res.arrayBuffer() };
      settle(snap);
      c.res = replay(snap);
    } catch (e) {
      fail(e);
      throw e;
    } finally {
      inFlight.delete(key);
    }
  };
}
