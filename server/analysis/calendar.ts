// Calendar arithmetic on city dates ('YYYY-MM-DD'), the unit of the rollups. A rollup day is
// already a day in the city's zone, so the arithmetic here is zone-free: dates are handled as
// UTC midnights, which have no daylight-saving jumps. Weeks start on Monday (ISO, as PostgreSQL's
// date_trunc('week')); months are 'YYYY-MM'.

const MS_DAY = 86_400_000;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

export type Step = 'week' | 'month';

/** Throws on anything but a real calendar date, so '2025-02-30' cannot slip through. */
export function parseDate(date: string): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a date: ${date}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (formatDate(ms) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms;
}

export function isDate(date: string): boolean {
  try {
    parseDate(date);
    return true;
  } catch {
    return false;
  }
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatDate(parseDate(date) + days * MS_DAY);
}

/** Whole days from a to b (b − a). */
export function daysBetween(a: string, b: string): number {
  return Math.round((parseDate(b) - parseDate(a)) / MS_DAY);
}

/** Monday of the week holding date. */
export function weekStart(date: string): string {
  const ms = parseDate(date);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7; // Monday = 0
  return formatDate(ms - weekday * MS_DAY);
}

/** Month index (year·12 + month − 1): months subtract like integers. */
export function monthIndex(monthOrDate: string): number {
  const m = MONTH_RE.exec(monthOrDate.slice(0, 7));
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new RangeError(`not a month: ${monthOrDate}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

export function monthKeyOf(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function isMonth(month: string): boolean {
  return MONTH_RE.test(month) && Number(month.slice(5)) >= 1 && Number(month.slice(5)) <= 12;
}

/** First day of a month index. */
export function monthStart(index: number): string {
  return `${monthKeyOf(index)}-01`;
}

export function daysInMonth(index: number): number {
  return daysBetween(monthStart(index), monthStart(index + 1));
}

/** Start of the step holding date. */
export function stepStart(date: string, step: Step): string {
  return step === 'week' ? weekStart(date) : `${date.slice(0, 7)}-01`;
}

/** The start of the step after the one starting at start. */
export function nextStep(start: string, step: Step): string {
  return step === 'week' ? addDays(start, 7) : monthStart(monthIndex(start) + 1);
}

/** start of the step n steps before (n > 0) or after (n < 0) start. */
export function shiftSteps(start: string, step: Step, n: number): string {
  return step === 'week' ? addDays(start, -7 * n) : monthStart(monthIndex(start) - n);
}

/**
 * The `count` steps that end where the last complete step ends, given the latest day with data:
 * a step counts as complete when the data reaches its last day. So with data up to Sunday the
 * week is included; with data up to Wednesday the analysis ends the Monday before. Why: a part
 * step has fewer tickets everywhere, and a persistent hot spot would look "historical".
 */
export function completeSteps(
  latestDay: string,
  step: Step,
  count: number,
): { start: string; end: string; starts: string[] } {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`steps must be a positive integer, got ${count}`);
  const end = stepStart(addDays(latestDay, 1), step);
  return stepsEndingAt(end, step, count);
}

/** `count` consecutive steps ending (exclusive) at end, which must be a step start. */
export function stepsEndingAt(
  end: string,
  step: Step,
  count: number,
): { start: string; end: string; starts: string[] } {
  if (stepStart(end, step) !== end) throw new RangeError(`${end} does not start a ${step}`);
  const start = shiftSteps(end, step, count);
  const starts: string[] = [];
  for (let s = start; s < end; s = nextStep(s, step)) starts.push(s);
  return { start, end, starts };
}

export interface WindowParts {
  /** Whole calendar months (first days) inside the window. */
  months: string[];
  /** Whole ISO weeks (Mondays) inside the window outside those months. */
  weeks: string[];
  /** The remaining single days. */
  days: string[];
}

/**
 * Split [from, end) into whole months, then whole weeks, then single days, so a window reads the
 * coarsest rollup that covers each part exactly: a calendar month is one month row per cell, a
 * 30-day window at most a few days + weeks + a month.
 */
export function decomposeWindow(from: string, end: string): WindowParts {
  const out: WindowParts = { months: [], weeks: [], days: [] };
  if (end <= from) return out;
  const firstMonth = from.endsWith('-01') ? from : monthStart(monthIndex(from) + 1);
  const lastMonthEnd = monthStart(monthIndex(end));
  const segments: [string, string][] = [];
  if (firstMonth < lastMonthEnd) {
    for (let m = firstMonth; m < lastMonthEnd; m = monthStart(monthIndex(m) + 1)) out.months.push(m);
    segments.push([from, firstMonth], [lastMonthEnd, end]);
  } else segments.push([from, end]);
  for (const [a, b] of segments) {
    if (b <= a) continue;
    const firstWeek = weekStart(a) === a ? a : addDays(weekStart(a), 7);
    const lastWeekEnd = weekStart(b);
    let dayRanges: [string, string][] = [[a, b]];
    if (firstWeek < lastWeekEnd) {
      for (let w = firstWeek; w < lastWeekEnd; w = addDays(w, 7)) out.weeks.push(w);
      dayRanges = [
        [a, firstWeek],
        [lastWeekEnd, b],
      ];
    }
    for (const [d0, d1] of dayRanges) for (let d = d0; d < d1; d = addDays(d, 1)) out.days.push(d);
  }
  return out;
}
