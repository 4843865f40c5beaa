// Dates as 311 exports write them → instants. Pure; no Date parsing by the runtime (its rules for
// "06/12/2025" and offset-less ISO differ between engines and read local time as the server's).
//
// Understood: ISO 8601 (2025-06-12T23:57:27.000, 2025-06-12 23:57, with or without Z / ±hh:mm),
// slashed or dotted dates in the declared order (mdy: 06/12/2025 11:57:27 PM; dmy: 12.06.2025 23:57;
// ymd: 2025/06/12 23:57:27), 12-hour clocks with AM/PM, two-digit years (below the pivot 20xx,
// else 19xx; POSIX %y pivot 69), date-only values (midnight), Chinese 2025年6月12日 23时57分, and
// epoch seconds or milliseconds when the mapping says so.
//
// A time without an offset is wall-clock time in the zone (the city's, or the mapping's), and the
// zone's daylight-saving rules apply. Two wall times need a rule (the one RFC 5545 and Temporal's
// 'compatible' disambiguation use):
//   - in the spring-forward gap (2025-03-09 02:30 in America/New_York never happened) the time is
//     read with the offset before the change, i.e. moved forward by the gap: 02:30 → 03:30 EDT
//     (07:30Z);
//   - in the fall-back overlap (2025-11-02 01:30 happened twice) the earlier instant is taken:
//     01:30 EDT (05:30Z), not 01:30 EST (06:30Z).
// Both are counted in the import report (gap / ambiguous) so a reader knows how many there were.

export interface DateOptions {
  order: 'mdy' | 'dmy' | 'ymd';
  twoDigitYearPivot: number;
  epoch?: 's' | 'ms';
}

export type DateFold = 'gap' | 'ambiguous';
export type DateResult = { ok: true; at: number; fold?: DateFold } | { ok: false; reason: string };

interface Wall {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  s: number;
  ms: number;
  /** Offset in minutes when the text gives one (Z = 0). */
  offset: number | null;
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const SLASHED =
  /^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([AaPp]\.?\s?[Mm]\.?)?\s*(Z|[+-]\d{2}:?\d{2})?$/;
const CHINESE = /^(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})秒?)?分?)?$/;

function offsetMinutes(text: string | undefined): number | null {
  if (!text) return null;
  if (text === 'Z' || text === 'z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(text)!;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}

const fraction = (f: string | undefined) => (f ? Number(f.slice(0, 3).padEnd(3, '0')) : 0);

export function expandYear(y: string, pivot: number): number {
  if (y.length > 2) return Number(y);
  const n = Number(y);
  return n < pivot ? 2000 + n : 1900 + n;
}

const daysIn = (y: number, mo: number) => new Date(Date.UTC(y, mo, 0)).getUTCDate();

function valid(w: Wall): string | null {
  if (w.mo < 1 || w.mo > 12) return `month ${w.mo}`;
  if (w.d < 1 || w.d > daysIn(w.y, w.mo)) return `day ${w.d} of ${w.y}-${String(w.mo).padStart(2, '0')}`;
  if (w.h > 23) return `hour ${w.h}`;
  if (w.mi > 59) return `minute ${w.mi}`;
  if (w.s > 59) return `second ${w.s}`;
  if (w.offset !== null && Math.abs(w.offset) > 14 * 60) return `offset ${w.offset} min`;
  return null;
}

/** The wall-clock fields of a date text, or an error; null for an empty cell. */
export function parseWall(text: string, opts: DateOptions): Wall | { error: string } | null {
  const t = text.trim();
  if (t === '') return null;
  let m = ISO.exec(t);
  if (m) {
    return {
      y: Number(m[1]),
      mo: Number(m[2]),
      d: Number(m[3]),
      h: Number(m[4] ?? 0),
      mi: Number(m[5] ?? 0),
      s: Number(m[6] ?? 0),
      ms: fraction(m[7]),
      offset: offsetMinutes(m[8]),
    };
  }
  m = SLASHED.exec(t);
  if (m) {
    let y: number, mo: number, d: number;
    if (m[1].length > 2 || opts.order === 'ymd') {
      if (m[1].length < 4 && opts.order !== 'ymd') return { error: `'${t}': a year first needs four digits` };
      [y, mo, d] = [expandYear(m[1], opts.twoDigitYearPivot), Number(m[2]), Number(m[3])];
    } else if (opts.order === 'dmy')
      [d, mo, y] = [Number(m[1]), Number(m[2]), expandYear(m[3], opts.twoDigitYearPivot)];
    else [mo, d, y] = [Number(m[1]), Number(m[2]), expandYear(m[3], opts.twoDigitYearPivot)];
    if (m[3].length === 3 || (m[3].length > 4 && opts.order !== 'ymd')) return { error: `'${t}': year '${m[3]}'` };
    let h = Number(m[4] ?? 0);
    const ampm = m[8]?.replace(/[.\s]/g, '').toLowerCase();
    if (ampm) {
      if (m[4] === undefined) return { error: `'${t}': AM/PM without a time` };
      if (h < 1 || h > 12) return { error: `'${t}': hour ${h} on a 12-hour clock` };
      h = (h % 12) + (ampm === 'pm' ? 12 : 0);
    }
    return {
      y,
      mo,
      d,
      h,
      mi: Number(m[5] ?? 0),
      s: Number(m[6] ?? 0),
      ms: fraction(m[7]),
      offset: offsetMinutes(m[9]),
    };
  }
  m = CHINESE.exec(t);
  if (m)
    return {
      y: Number(m[1]),
      mo: Number(m[2]),
      d: Number(m[3]),
      h: Number(m[4] ?? 0),
      mi: Number(m[5] ?? 0),
      s: Number(m[6] ?? 0),
      ms: 0,
      offset: null,
    };
  return { error: `'${t.length > 40 ? t.slice(0, 40) + '…' : t}' is not a date this import understands` };
}

/**
 * Offsets of one IANA zone, cached per UTC day: a day whose two ends have the same offset has it
 * throughout; a day with a change has its instant found once (to the minute), so a million rows
 * cost a few hundred Intl calls instead of millions.
 */
export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly days = new Map<number, number | { before: number; after: number; at: number }>();

  constructor(readonly zone: string) {
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Minutes east of UTC at an instant, asked of the runtime. */
  private raw(at: number): number {
    let y = 0,
      mo = 0,
      d = 0,
      h = 0,
      mi = 0,
      s = 0;
    for (const p of this.fmt.formatToParts(at)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'month') mo = Number(p.value);
      else if (p.type === 'day') d = Number(p.value);
      else if (p.type === 'hour') h = Number(p.value);
      else if (p.type === 'minute') mi = Number(p.value);
      else if (p.type === 'second') s = Number(p.value);
    }
    const sec = Math.floor(at / 1000) * 1000;
    return Math.round((Date.UTC(y, mo - 1, d, h, mi, s) - sec) / 60_000);
  }

  /** Minutes east of UTC at an instant. */
  offsetAt(instant: number): number {
    const day = Math.floor(instant / 86_400_000);
    let e = this.days.get(day);
    if (e === undefined) {
      const from = day * 86_400_000;
      const before = this.raw(from);
      const after = this.raw(from + 86_400_000);
      if (before === after) e = before;
      else {
        // The first minute with the new offset (one change a day at most).
        let lo = 0;
        let hi = 1440;
        while (hi - lo > 1) {
          const mid = (lo + hi) >> 1;
          if (this.raw(from + mid * 60_000) === before) lo = mid;
          else hi = mid;
        }
        e = { before, after, at: from + hi * 60_000 };
      }
      if (this.days.size > 100_000) this.days.clear();
      this.days.set(day, e);
    }
    return typeof e === 'number' ? e : instant < e.at ? e.before : e.after;
  }

  /** The instant of a wall-clock time in this zone (gap → moved forward, overlap → earlier). */
  toInstant(wallMs: number): { at: number; fold?: DateFold } {
    const before = this.offsetAt(wallMs - 86_400_000);
    const after = this.offsetAt(wallMs + 86_400_000);
    const a = wallMs - before * 60_000;
    const aOk = this.offsetAt(a) === before;
    if (before === after) return aOk ? { at: a } : { at: wallMs - this.offsetAt(a) * 60_000 };
    const b = wallMs - after * 60_000;
    const bOk = this.offsetAt(b) === after;
    if (aOk && bOk) return { at: Math.min(a, b), fold: 'ambiguous' };
    if (aOk) return { at: a };
    if (bOk) return { at: b };
    // Neither offset gives back this wall time: it is in the gap. Read it with the offset before.
    return { at: a, fold: 'gap' };
  }
}

/** A date cell → instant (ms since 1970, UTC). Null for an empty cell. */
export function parseDateTime(text: string, opts: DateOptions, clock: ZoneClock): DateResult | null {
  if (opts.epoch) {
    const t = text.trim();
    if (t === '') return null;
    const n = Number(t);
    if (!Number.isFinite(n))
      return { ok: false, reason: `'${t}' is not a number of ${opts.epoch === 's' ? 'seconds' : 'milliseconds'}` };
    return { ok: true, at: Math.round(opts.epoch === 's' ? n * 1000 : n) };
  }
  const w = parseWall(text, opts);
  if (w === null) return null;
  if ('error' in w) return { ok: false, reason: w.error };
  const bad = valid(w);
  if (bad) return { ok: false, reason: `'${text.trim()}': ${bad}` };
  if (w.y < 1000) return { ok: false, reason: `'${text.trim()}': year ${w.y}` };
  const wallMs = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s, w.ms);
  if (w.offset !== null) return { ok: true, at: wallMs - w.offset * 60_000 };
  return { ok: true, ...clock.toInstant(wallMs) };
}
