// Calendar periods in the city's zone: the month, day, ISO week and year boundaries every ranking
// and report is bucketed by.
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  cityDateOf,
  cityMonthOf,
  dayPeriod,
  isCalendarDate,
  isIsoWeek,
  isoWeekMonday,
  isoWeekOf,
  monthPeriod,
  monthsBetween,
  weekPeriod,
  yearPeriod,
} from '../../../server/ranking/periods.ts';

describe('city periods', () => {
  it('starts a Beijing month at local midnight: 16:00Z the day before', () => {
    expect(monthPeriod('2026-10', 'Asia/Shanghai')).toEqual({
      from: new Date('2026-09-30T16:00:00Z'),
      to: new Date('2026-10-31T16:00:00Z'),
    });
    expect(monthPeriod('2026-12', 'Asia/Shanghai').to).toEqual(new Date('2026-12-31T16:00:00Z'));
  });

  it('puts 2026-10-31T15:59:59Z in October and 16:00:00Z in November', () => {
    expect(cityMonthOf(new Date('2026-10-31T15:59:59Z'), 'Asia/Shanghai')).toBe('2026-10');
    expect(cityMonthOf(new Date('2026-10-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-11');
    expect(cityDateOf(new Date('2026-10-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2026-11-01');
  });

  it('follows a zone with daylight saving time (a non-default city)', () => {
    // New York: March 2026 starts at EST (−5), April at EDT (−4).
    expect(monthPeriod('2026-03', 'America/New_York')).toEqual({
      from: new Date('2026-03-01T05:00:00Z'),
      to: new Date('2026-04-01T04:00:00Z'),
    });
    expect(dayPeriod('2026-03-08', 'America/New_York')).toEqual({
      from: new Date('2026-03-08T05:00:00Z'),
      to: new Date('2026-03-09T04:00:00Z'),
    });
  });

  it('does month arithmetic across years', () => {
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-11', 13)).toBe('2026-12');
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
    expect(() => addMonths('2026-13', 1)).toThrow(RangeError);
  });

  it('knows ISO weeks, including week 53 and weeks that straddle a new year', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01');
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53');
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekMonday('2026-W44')).toBe('2026-10-26');
    expect(isIsoWeek('2026-W53')).toBe(true);
    expect(isIsoWeek('2025-W53')).toBe(false);
    const w = weekPeriod('2026-W44', 'Asia/Shanghai');
    expect([w.from, w.to, w.days[0], w.days[6]]).toEqual([
      new Date('2026-10-25T16:00:00Z'),
      new Date('2026-11-01T16:00:00Z'),
      '2026-10-26',
      '2026-11-01',
    ]);
  });

  it('validates calendar days and spans years', () => {
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-04-31')).toBe(false);
    expect(yearPeriod(2026, 'Asia/Shanghai')).toEqual({
      from: new Date('2025-12-31T16:00:00Z'),
      to: new Date('2026-12-31T16:00:00Z'),
    });
  });
});
