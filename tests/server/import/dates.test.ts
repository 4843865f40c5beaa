// Dates of history imports: formats, two-digit years, the city's zone with daylight saving.
import { describe, expect, it } from 'vitest';
import { expandYear, parseDateTime, ZoneClock, type DateOptions } from '../../../server/import/dates.ts';

const US: DateOptions = { order: 'mdy', twoDigitYearPivot: 69 };
const ny = new ZoneClock('America/New_York');
const at = (text: string, opts: DateOptions = US, clock = ny) => {
  const r = parseDateTime(text, opts, clock);
  if (!r || !r.ok) throw new Error(`${text}: ${JSON.stringify(r)}`);
  return { iso: new Date(r.at).toISOString(), fold: r.fold ?? null };
};
const reason = (text: string, opts: DateOptions = US) => {
  const r = parseDateTime(text, opts, ny);
  return r && !r.ok ? r.reason : null;
};

describe('date formats', () => {
  it('reads ISO 8601 without an offset as wall time in the zone', () => {
    // The NYC Open Data export: created_date 2025-06-12T23:57:27.000 is EDT (UTC-4).
    expect(at('2025-06-12T23:57:27.000')).toEqual({ iso: '2025-06-13T03:57:27.000Z', fold: null });
    expect(at('2025-01-15 08:00')).toEqual({ iso: '2025-01-15T13:00:00.000Z', fold: null });
    expect(at('2025-06-12')).toEqual({ iso: '2025-06-12T04:00:00.000Z', fold: null });
    expect(at('2025-06-12T23:57:27.123456')).toEqual({ iso: '2025-06-13T03:57:27.123Z', fold: null });
  });

  it('keeps an explicit offset or Z whatever the zone', () => {
    expect(at('2025-06-12T23:57:27Z').iso).toBe('2025-06-12T23:57:27.000Z');
    expect(at('2025-06-12T23:57:27+08:00').iso).toBe('2025-06-12T15:57:27.000Z');
    expect(at('2025-06-12 23:57:27-0500').iso).toBe('2025-06-13T04:57:27.000Z');
  });

  it('reads US dates with a 12-hour clock', () => {
    expect(at('06/12/2025 11:57:27 PM').iso).toBe('2025-06-13T03:57:27.000Z');
    expect(at('06/12/2025 12:05:00 AM').iso).toBe('2025-06-12T04:05:00.000Z');
    expect(at('06/12/2025 12:05:00 PM').iso).toBe('2025-06-12T16:05:00.000Z');
    expect(at('6/1/2025 9:05 a.m.').iso).toBe('2025-06-01T13:05:00.000Z');
    expect(reason('06/12/2025 13:00:00 PM')).toMatch(/hour 13 on a 12-hour clock/);
  });

  it('reads two-digit years around the pivot (POSIX: 69-99 → 19xx, 00-68 → 20xx)', () => {
    expect(expandYear('25', 69)).toBe(2025);
    expect(expandYear('68', 69)).toBe(2068);
    expect(expandYear('69', 69)).toBe(1969);
    expect(expandYear('99', 69)).toBe(1999);
    expect(at('6/12/25 11:57 PM').iso).toBe('2025-06-13T03:57:00.000Z');
    expect(at('12/31/99 1:00 PM').iso).toBe('1999-12-31T18:00:00.000Z');
    expect(at('6/12/25 11:57 PM', { ...US, twoDigitYearPivot: 20 }).iso).toBe('1925-06-13T03:57:00.000Z');
  });

  it('follows the declared field order', () => {
    expect(at('12/06/2025 23:57', { ...US, order: 'dmy' }).iso).toBe('2025-06-13T03:57:00.000Z');
    expect(at('12.06.2025 23:57', { ...US, order: 'dmy' }).iso).toBe('2025-06-13T03:57:00.000Z');
    expect(at('2025/06/12 23:57:27').iso).toBe('2025-06-13T03:57:27.000Z');
    expect(at('25/06/12 23:57:27', { ...US, order: 'ymd' }).iso).toBe('2025-06-13T03:57:27.000Z');
  });

  it('reads Chinese dates in Asia/Shanghai (no daylight saving)', () => {
    const sh = new ZoneClock('Asia/Shanghai');
    expect(at('2025年6月12日 23时57分', US, sh).iso).toBe('2025-06-12T15:57:00.000Z');
    expect(at('2025-06-12 08:00:00', US, sh).iso).toBe('2025-06-12T00:00:00.000Z');
  });

  it('reads epoch seconds or milliseconds when the mapping says so', () => {
    expect(at('1749772647', { ...US, epoch: 's' }).iso).toBe('2025-06-12T23:57:27.000Z');
    expect(at('1749772647123', { ...US, epoch: 'ms' }).iso).toBe('2025-06-12T23:57:27.123Z');
  });

  it('refuses impossible dates with the reason, and treats empty cells as no date', () => {
    expect(parseDateTime('', US, ny)).toBeNull();
    expect(parseDateTime('   ', US, ny)).toBeNull();
    expect(reason('02/30/2025')).toBe("'02/30/2025': day 30 of 2025-02");
    expect(reason('02/29/2025')).toBe("'02/29/2025': day 29 of 2025-02");
    expect(at('02/29/2024').iso).toBe('2024-02-29T05:00:00.000Z');
    expect(reason('13/45/2025 99:00')).toBe("'13/45/2025 99:00': month 13");
    expect(reason('2025-06-12T24:00')).toBe("'2025-06-12T24:00': hour 24");
    expect(reason('yesterday')).toMatch(/is not a date/);
  });
});

describe('daylight saving in America/New_York', () => {
  // Rule (dates.ts): a wall time in the spring-forward gap is read with the offset before the change
  // (moved forward by the gap); a wall time in the fall-back overlap is the earlier instant.
  it('2025-03-09 02:30 does not exist: read as 03:30 EDT (07:30Z) and flagged', () => {
    expect(at('2025-03-09T02:30:00')).toEqual({ iso: '2025-03-09T07:30:00.000Z', fold: 'gap' });
    expect(at('03/09/2025 02:00:00 AM')).toEqual({ iso: '2025-03-09T07:00:00.000Z', fold: 'gap' });
    // Just before and after the gap are ordinary.
    expect(at('2025-03-09 01:59:59')).toEqual({ iso: '2025-03-09T06:59:59.000Z', fold: null });
    expect(at('2025-03-09 03:00')).toEqual({ iso: '2025-03-09T07:00:00.000Z', fold: null });
  });

  it('2025-11-02 01:30 happened twice: the earlier, 01:30 EDT (05:30Z), is taken and flagged', () => {
    expect(at('2025-11-02T01:30:00')).toEqual({ iso: '2025-11-02T05:30:00.000Z', fold: 'ambiguous' });
    expect(at('2025-11-02 01:00')).toEqual({ iso: '2025-11-02T05:00:00.000Z', fold: 'ambiguous' });
    expect(at('2025-11-02 00:59')).toEqual({ iso: '2025-11-02T04:59:00.000Z', fold: null });
    expect(at('2025-11-02 02:00')).toEqual({ iso: '2025-11-02T07:00:00.000Z', fold: null });
  });

  it('agrees with the runtime on every hour of a year, both changes included', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    const clock = new ZoneClock('America/New_York');
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 3_600_000) {
      const wall = fmt.format(t).replace(', ', 'T');
      const r = parseDateTime(wall, US, clock);
      expect(r && r.ok && r.at, wall).toBe(t === Date.UTC(2025, 10, 2, 6) ? t - 3_600_000 : t);
    }
  });
});
