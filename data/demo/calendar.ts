// The demo's calendar in the city's time zone: which local days and months the data covers.
// Month buckets decide monthly rankings, so a boundary in the wrong zone would move tickets
// between months. Intl is called once per day (about 400 times), never per ticket.

export const MS_MINUTE = 60_000;
export const MS_HOUR = 60 * MS_MINUTE;
export const MS_DAY = 24 * MS_HOUR;

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export function localDate(atMs: number, zone: string): LocalDate {
  const parts = formatter(zone).formatToParts(new Date(atMs));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    hour: Number(get('hour')),
    minute: Number(get('minute')),
    weekday: WEEKDAYS.indexOf(get('weekday')),
  };
}

/** 'YYYY-MM' of an instant in the zone: the monthly bucket a ticket belongs to. */
export function monthKey(atMs: number, zone: string): string {
  const d = localDate(atMs, zone);
  return `${d.year}-${String(d.month).padStart(2, '0')}`;
}

/** The instant local midnight of year-month-day begins (month may overflow; Date.UTC normalises it). */
export function startOfLocalDay(year: number, month: number, day: number, zone: string): number {
  const naive = Date.UTC(year, month - 1, day);
  const offset = (at: number) => {
    const l = localDate(at, zone);
    return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute) - Math.floor(at / MS_MINUTE) * MS_MINUTE;
  };
  const first = naive - offset(naive);
  // Re-check at the found instant: a zone whose offset changes in between (DST) needs the second pass.
  return naive - offset(first);
}

export interface DemoDay {
  index: number;
  startMs: number;
  /** Exclusive end: the next local midnight, or `now` for the last (partial) day. */
  endMs: number;
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** 0 for the first month of the range … months − 1 for the current month. */
  monthIndex: number;
  monthKey: string;
  /** Day of the year, 0-based, for seasonal curves. */
  dayOfYear: number;
  /** Share of the day covered (1 except for today, which ends at now). */
  fraction: number;
}

/**
 * Months the demo spans by default: two full years before the current month, so every month of
 * the last year has its same month a year earlier (seasonal forecasts and their backtest need it).
 */
export const DEMO_MONTHS = 25;

/** Every local day from the 1st of the month `months - 1` months before now's month, to now. */
export function demoDays(nowMs: number, zone: string, months = DEMO_MONTHS): DemoDay[] {
  const n = localDate(nowMs, zone);
  const firstMonth = new Date(Date.UTC(n.year, n.month - 1 - (months - 1), 1));
  let y = firstMonth.getUTCFullYear();
  let m = firstMonth.getUTCMonth() + 1;
  let d = 1;
  const days: DemoDay[] = [];
  let start = startOfLocalDay(y, m, d, zone);
  while (start < nowMs) {
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    const ny = next.getUTCFullYear();
    const nm = next.getUTCMonth() + 1;
    const nd = next.getUTCDate();
    const nextStart = startOfLocalDay(ny, nm, nd, zone);
    const end = Math.min(nextStart, nowMs);
    const monthIndex = (y - firstMonth.getUTCFullYear()) * 12 + (m - 1 - firstMonth.getUTCMonth());
    days.push({
      index: days.length,
      startMs: start,
      endMs: end,
      year: y,
      month: m,
      day: d,
      weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay(),
      monthIndex,
      monthKey: `${y}-${String(m).padStart(2, '0')}`,
      dayOfYear: Math.round((Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / MS_DAY),
      fraction: (end - start) / (nextStart - start),
    });
    y = ny;
    m = nm;
    d = nd;
    start = nextStart;
  }
  return days;
}

/** The 'YYYY-MM' keys the range covers, oldest first. */
export function demoMonthKeys(days: readonly DemoDay[]): string[] {
  const keys: string[] = [];
  for (const d of days) if (keys[keys.length - 1] !== d.monthKey) keys.push(d.monthKey);
  return keys;
}
