import { describe, expect, it } from 'vitest';
import { startOfCityDay, zoneOffsetMinutes } from '../../server/time.ts';

describe('city time', () => {
  it('puts midnight in Beijing at 16:00 UTC the day before', () => {
    expect(startOfCityDay('2026-11-01', 'Asia/Shanghai').toISOString()).toBe('2026-10-31T16:00:00.000Z');
    expect(zoneOffsetMinutes(new Date('2026-07-01T00:00:00Z'), 'Asia/Shanghai')).toBe(480);
  });

  it('follows daylight saving in zones that have it', () => {
    // New York is UTC-4 in July and UTC-5 in January.
    expect(startOfCityDay('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(startOfCityDay('2026-01-15', 'America/New_York').toISOString()).toBe('2026-01-15T05:00:00.000Z');
  });
});
