// Live feed: one LISTEN per database (not per browser), fanned out to every connected stream.
// A stream never trusts the NOTIFY payload for content: it reads ticket_events after the last id
// it sent (FeedReader, which waits at a gap a running transaction may still fill), so a reconnect
// with Last-Event-ID replays exactly what it missed from the table.
import type { Database, Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { scopeClause } from '../auth/scope.ts';
import { NOTIFY_CHANNEL } from '../intake/settings.ts';

export interface LiveEvent {
  id: number;
  ticketId: number;
  at: string;
  type: string;
  fromStatus: string | null;
  toStatus: string | null;
  unitCode: string | null;
  categoryCode: string;
  streetCode: string | null;
  districtCode: string | null;
}

const EVENT_COLUMNS = `e.id::int AS id, e.ticket_id::int AS "ticketId", e.at, e.type, e.from_status AS "fromStatus", e.to_status AS "toStatus",
  e.unit_code AS "unitCode", t.category_code AS "categoryCode", t.street_code AS "streetCode", t.district_code AS "districtCode"`;

/** Events after `afterId` of tickets in `scope`, oldest first; no personal data. Does not wait for gaps (see FeedReader). */
export async function eventsAfter(db: Queryable, afterId: number, scope: Scope, limit = 500): Promise<LiveEvent[]> {
  const params: unknown[] = [afterId, limit];
  const own = scopeClause(scope, params);
  const rows = await db.query<LiveEvent & { at: Date | string }>(
    `SELECT ${EVENT_COLUMNS} FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.id > $1${own ? ` AND ${own}` : ''} ORDER BY e.id LIMIT $2`,
    params,
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

export async function latestEventId(db: Queryable): Promise<number> {
  return (await db.query<{ id: number | null }>(`SELECT max(id)::int AS id FROM ticket_events`))[0]?.id ?? 0;
}

/**
 * Reads the feed without losing events that commit out of id order. Event ids are taken when a
 * transaction inserts, but become visible when it commits: transaction A takes id 100, B takes 101
 * and commits first; a reader that moved past 101 would never see 100. So a reader stops at a gap
 * in the ids while any transaction that was running when the gap was seen is still running
 * (pg_snapshot_xip of the same snapshot as the read): only those can still fill it, because ids
 * are handed out in order and a missing id below a visible one was taken before that one
 * committed. Once they have all ended, what is still missing was rolled back or deleted, and the
 * reader moves on. With no transaction running (always on PGlite), a gap is final at once.
 * This relies on a writer having its transaction id before it takes an event id, which holds
 * because every writer changes a ticket row before it records the event.
 *
 * A scoped reader (an official, a district wall) must still see every id to tell a filtered-out
 * event from one not yet committed: the SQL returns only the id of an event outside the scope
 * (nothing of its ticket), and the reader steps over it without sending it.
 */
export class FeedReader {
  /** A gap below `upTo` waits for these transactions (xid8 as text) to end. */
  private held: { upTo: number; xids: string[] } | null = null;
  /** Ids below this that are still missing never will appear. */
  private settledBelow = 0;

  /** The last read hit its limit: more events may follow at once. */
  private full = false;

  constructor(
    private db: Queryable,
    public last: number,
    private scope: Scope,
  ) {}

  /** True while a gap holds the reader back: poll again soon, a rollback sends no NOTIFY. */
  get waiting(): boolean {
    return this.held !== null;
  }

  /** The last `next()` stopped at its limit (a scoped reader may have sent nothing of it): read again. */
  get more(): boolean {
    return this.full;
  }

  /** The next events in id order, as far as no gap can still be filled; advances `last`. */
  async next(limit = 500): Promise<LiveEvent[]> {
    // Statuses before the read: whatever a transaction that has ended committed is then visible.
    if (this.held && (await this.ended(this.held.xids))) {
      this.settledBelow = Math.max(this.settledBelow, this.held.upTo);
      this.held = null;
    }
    // Transactions of other databases cannot write our events: leaving them out keeps a long job
    // elsewhere on the server from holding the feed back (an xid we cannot place stays in).
    const params: unknown[] = [this.last, limit];
    const own = scopeClause(this.scope, params) ?? 'true';
    // An event outside the scope leaves the database as its id alone.
    const [r] = await this.db.query<{
      events: ((LiveEvent & { at: string; inScope: true }) | { id: number; inScope: false })[];
      running: string[];
    }>(
      `SELECT (SELECT COALESCE(json_agg(CASE WHEN x."inScope" THEN to_json(x) ELSE json_build_object('id', x.id, 'inScope', false) END ORDER BY x.id), '[]'::json)
                 FROM (SELECT ${EVENT_COLUMNS}, (${own}) AS "inScope" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
                       WHERE e.id > $1 ORDER BY e.id LIMIT $2) x) AS events,
              ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x
                    WHERE NOT EXISTS (SELECT 1 FROM pg_stat_activity a
                                      WHERE a.backend_xid::text::bigint = x::text::bigint % 4294967296
                                        AND a.datname IS DISTINCT FROM current_database())) AS running`,
      params,
    );
    this.full = r.events.length >= limit;
    const out: LiveEvent[] = [];
    for (const e of r.events) {
      if (e.id !== this.last + 1 && e.id > this.settledBelow && r.running.length > 0) {
        if (!this.held || e.id > this.held.upTo) this.held = { upTo: e.id, xids: r.running };
        this.full = false;
        break;
      }
      if (e.inScope) {
        const { inScope: _, ...ev } = e;
        out.push({ ...ev, at: new Date(ev.at).toISOString() });
      }
      this.last = e.id;
    }
    if (this.held && this.last >= this.held.upTo - 1) this.held = null;
    return out;
  }

  private async ended(xids: string[]): Promise<boolean> {
    const [s] = await this.db.query<{ ended: boolean }>(
      `SELECT COALESCE(bool_and(pg_xact_status(x::xid8) IS DISTINCT FROM 'in progress'), true) AS ended FROM unnest($1::text[]) x`,
      [xids],
    );
    return s.ended;
  }
}

type Waker = () => void;

class Hub {
  private wakers = new Set<Waker>();
  private stop: Promise<() => Promise<void>> | null = null;
  constructor(private db: Database) {}

  async join(w: Waker): Promise<() => Promise<void>> {
    this.wakers.add(w);
    this.stop ??= this.db.listen(NOTIFY_CHANNEL, () => {
      for (const wake of this.wakers) wake();
    });
    await this.stop;
    return async () => {
      this.wakers.delete(w);
      if (this.wakers.size === 0 && this.stop) {
        const s = this.stop;
        this.stop = null;
        await (
          await s
        )();
      }
    };
  }
}

const hubs = new WeakMap<Database, Hub>();

export function hubFor(db: Database): Hub {
  let h = hubs.get(db);
  if (!h) hubs.set(db, (h = new Hub(db)));
  return h;
}
