// Today's date in the city's zone: a task is overdue the day after its due date, city time.
import type { Queryable } from '../../db/client.ts';
import { cityTimeZone } from '../time.ts';

export function cityDateOf(at: Date, zone: string = cityTimeZone()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    at,
  );
}

/** Async so every reader may later take the database's clock; today it is the server's. */
export async function cityToday(_db?: Queryable, now: Date = new Date()): Promise<string> {
  return cityDateOf(now);
}
