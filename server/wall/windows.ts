// The two windows the wall compares, as instants. Pure.
//
// "Today" is the city day so far: [start of today in cityTimeZone(), now). The comparison is the
// same day last week UP TO THE SAME TIME OF DAY: [start of that day, that start + time elapsed
// today). Comparing a morning's figures with a whole day last week would show every figure
// "down" until the evening; cutting last week at the same clock time makes the arrows mean
// something at any hour. The elapsed time is measured on the wall clock of each day (not a
// fixed 7 × 24 h shift) so a zone with summer time still compares 10:00 with 10:00.
// Today and this week are the definitions of server/measures.ts.
import { cityTimeZone, startOfCityDay, zoneOffsetMinutes } from '../time.ts';
import { addDays, cityDateOf, thisWeek, today } from '../measures.ts';

export { cityDateOf };

export interface Window {
  from: Date;
  to: Date;
}

export interface WallWindows {
  zone: string;
  /** The city date of `now`, YYYY-MM-DD. */
  date: string;
  today: Window;
  lastWeek: Window & { date: string };
  /** Monday 00:00 of the current ISO week in the city, to `now`. */
  week: Window;
}

export function wallWindows(now: Date, zone: string = cityTimeZone()): WallWindows {
  const day = today(now, zone);
  const date = day.date;
  const todayStart = day.from;
  // wall-clock time of day, in ms, so offsets that differ between the two days cancel out
  const clockMs = now.getTime() + zoneOffsetMinutes(now, zone) * 60_000 - Date.parse(`${date}T00:00:00Z`);
  const lastDate = addDays(date, -7);
  const lastStart = startOfCityDay(lastDate, zone);
  const lastEndNaive = new Date(Date.parse(`${lastDate}T00:00:00Z`) + clockMs);
  const lastEnd = new Date(lastEndNaive.getTime() - zoneOffsetMinutes(lastEndNaive, zone) * 60_000);
  return {
    zone,
    date,
    today: { from: todayStart, to: now },
    lastWeek: { from: lastStart, to: lastEnd, date: lastDate },
    week: { from: thisWeek(now, zone).from, to: now },
  };
}
