// The planning analyses' answers (emerging trends, recurring clusters, the forecast and its
// backtest), kept while the data they read is unchanged: a planner coming back to a studio tab, a
// second planner, or the wall's scene asking again, is answered at once instead of after seconds of
// engine time (on the embedded engine those seconds hold every other page). The data's version is
// the newest ticket and the newest ticket event (two primary-key probes): any filed ticket, and any
// change the lifecycle records (recategorised, relocated, called back...), makes a fresh answer.
// At most 10 minutes old either way.
import type { Queryable } from '../../db/client.ts';
import { perDatabase } from './ttlCache.ts';

const answers = perDatabase<unknown>(10 * 60_000, 30);

/** The version of the tickets an analysis reads: it changes with every new ticket or ticket event. */
export async function ticketDataVersion(db: Queryable): Promise<string> {
  const [r] = await db.query<{ t: string | null; e: string | null }>(
    `SELECT (SELECT max(id) FROM tickets)::text AS t, (SELECT max(id) FROM ticket_events)::text AS e`,
  );
  return `${r?.t ?? ''}:${r?.e ?? ''}`;
}

/** `compute`'s answer to `question` (JSON-able: the analysis, its parameters and the scope), once per data version. */
export async function answerOnce<T>(db: Queryable, question: unknown, compute: () => Promise<T>): Promise<T> {
  const key = JSON.stringify([question, await ticketDataVersion(db)]);
  return answers(db).get(key, compute) as Promise<T>;
}
