// Live feed: one LISTEN per database (not per browser), fanned out to every connected stream.
// A stream never trusts the NOTIFY payload for content: it reads ticket_events after the last id
// it sent, so a reconnect with Last-Event-ID replays exactly what it missed from the table.
import type { Database, Queryable } from '../../db/client.ts';
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

/** Events after `afterId`, oldest first; no personal data. */
export async function eventsAfter(db: Queryable, afterId: number, limit = 500): Promise<LiveEvent[]> {
  const rows = await db.query<LiveEvent & { at: Date | string }>(
    `SELECT e.id::int AS id, e.ticket_id::int AS "ticketId", e.at, e.type, e.from_status AS "fromStatus", e.to_status AS "toStatus",
            e.unit_code AS "unitCode", t.category_code AS "categoryCode", t.street_code AS "streetCode", t.district_code AS "districtCode"
     FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
    [afterId, limit],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}

export async function latestEventId(db: Queryable): Promise<number> {
  return (await db.query<{ id: number | null }>(`SELECT max(id)::int AS id FROM ticket_events`))[0]?.id ?? 0;
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
        await (await s)();
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
