// The city the web shows, from /api/config: times in its zone (daylight saving included), days cut
// at its midnight, its levels named as it names them, maps limited around it — and city-neutral
// defaults (UTC, the world) when no city package is active.
import { afterEach, describe, expect, it } from 'vitest';
import type { AppConfig, CityInfo } from '../../../web/api/types.ts';
import {
  cityBounds,
  cityDateOf,
  cityDayStart,
  cityName,
  cityProvenance,
  cityWallTime,
  cityZone,
  formatCityTime,
  formatDay,
  levelName,
  lowerFirst,
  mapLimits,
  pluralEn,
  setConfigForTest,
  WORLD_BOUNDS,
} from '../../../web/composables/city.ts';
import { customRange } from '../../../web/composables/timeRange.ts';
import { dayLabel } from '../../../web/components/studio/format.ts';
import { addDays, zonedDate, zonedInstant, zoneOffsetMs } from '../../../web/composables/zone.ts';

const NYC: CityInfo = {
  code: 'nyc',
  names: { local: 'New York City', en: 'New York City', zh: '纽约市' },
  locale: 'en',
  timeZone: 'America/New_York',
  levels: [
    { level: 'district', names: { local: 'Borough', zh: '行政区' } },
    { level: 'street', names: { local: 'Community district', zh: '社区委员会辖区' } },
  ],
  bounds: [
    [-74.255453, 40.496134],
    [-73.70002, 40.915399],
  ],
  provenance: { local: 'NYC Open Data', zh: '纽约市开放数据' },
  locateToleranceMeters: 15,
};
const config = (city: CityInfo | null): AppConfig => ({
  engine: 'pglite',
  basemapStyleUrl: null,
  basemapPmtiles: null,
  demo: false,
  city,
});

afterEach(() => setConfigForTest(null));

describe('zone arithmetic', () => {
  it('finds the offset in and out of daylight saving', () => {
    expect(zoneOffsetMs(Date.parse('2025-07-04T16:05:00Z'), 'America/New_York') / 3_600_000).toBe(-4);
    expect(zoneOffsetMs(Date.parse('2025-01-15T03:30:00Z'), 'America/New_York') / 3_600_000).toBe(-5);
    expect(zoneOffsetMs(Date.parse('2025-07-04T16:05:00Z'), 'Asia/Shanghai') / 3_600_000).toBe(8);
  });

  it('puts a day’s midnight at the right instant, on both sides of a DST change', () => {
    expect(zonedInstant('2025-03-08', 'America/New_York').toISOString()).toBe('2025-03-08T05:00:00.000Z');
    expect(zonedInstant('2025-03-09', 'America/New_York').toISOString()).toBe('2025-03-09T05:00:00.000Z'); // jump at 02:00
    expect(zonedInstant('2025-03-10', 'America/New_York').toISOString()).toBe('2025-03-10T04:00:00.000Z');
    expect(zonedInstant('2025-11-02', 'America/New_York').toISOString()).toBe('2025-11-02T04:00:00.000Z'); // back at 02:00
    expect(zonedInstant('2025-11-03', 'America/New_York').toISOString()).toBe('2025-11-03T05:00:00.000Z');
    expect(zonedInstant('2025-06-10', 'Asia/Shanghai').toISOString()).toBe('2025-06-09T16:00:00.000Z');
    expect(zonedInstant('2025-06-10', 'UTC').toISOString()).toBe('2025-06-10T00:00:00.000Z');
  });

  it('reads a skipped wall time with the offset before the jump and a repeated one as its first occurrence', () => {
    expect(zonedInstant('2025-03-09', 'America/New_York', '02:30').toISOString()).toBe('2025-03-09T07:30:00.000Z'); // = 03:30 EDT
    expect(zonedInstant('2025-11-02', 'America/New_York', '01:30').toISOString()).toBe('2025-11-02T05:30:00.000Z'); // the EDT one
    expect(zonedInstant('2025-07-04', 'America/New_York', '23:59:59').toISOString()).toBe('2025-07-05T03:59:59.000Z');
  });

  it('gives the zone’s date of an instant', () => {
    expect(zonedDate(Date.parse('2025-06-10T03:59:59Z'), 'America/New_York')).toBe('2025-06-09');
    expect(zonedDate(Date.parse('2025-06-10T04:00:00Z'), 'America/New_York')).toBe('2025-06-10');
    expect(zonedDate(Date.parse('2025-06-09T16:00:00Z'), 'Asia/Shanghai')).toBe('2025-06-10');
    expect(addDays('2025-03-08', 1)).toBe('2025-03-09');
    expect(addDays('2024-12-31', 60)).toBe('2025-03-01');
  });
});

describe('the active city', () => {
  it('is neutral without a city: UTC, no name, the world', () => {
    setConfigForTest(config(null));
    expect(cityZone()).toBe('UTC');
    expect(cityName('en')).toBeNull();
    expect(levelName('district', 'en')).toBeNull();
    expect(cityBounds()).toEqual(WORLD_BOUNDS);
    expect(mapLimits()).toEqual({ maxBounds: undefined, minZoom: 0 });
    expect(cityDayStart('2025-06-10')).toBe('2025-06-10T00:00:00.000Z');
  });

  it('names the city and its levels in the UI language, falling back to the local name', () => {
    setConfigForTest(config(NYC));
    expect(cityName('en')).toBe('New York City');
    expect(cityName('zh-CN')).toBe('纽约市');
    expect(levelName('district', 'en')).toBe('Borough');
    expect(levelName('street', 'zh-CN')).toBe('社区委员会辖区');
    expect(levelName('grid', 'en')).toBeNull(); // the UI's own word then
    expect(cityProvenance('en')).toBe('NYC Open Data');
    expect(cityProvenance('zh-CN')).toBe('纽约市开放数据');
    expect(pluralEn('Borough')).toBe('Boroughs');
    expect(pluralEn('Community district')).toBe('Community districts');
    expect(pluralEn('City')).toBe('Cities');
    expect(lowerFirst('Community district')).toBe('community district');
    expect(lowerFirst('NTA')).toBe('NTA');
  });

  it('cuts days at the city’s midnight and shows instants in its zone, whatever the machine’s zone', () => {
    setConfigForTest(config(NYC));
    expect(cityZone()).toBe('America/New_York');
    expect(cityDayStart('2025-07-04')).toBe('2025-07-04T04:00:00.000Z');
    expect(cityWallTime('2025-01-14', '23:59:59')).toBe('2025-01-15T04:59:59.000Z');
    expect(cityDateOf('2025-07-05T03:00:00Z')).toBe('2025-07-04');
    // a custom window over the spring-forward night is 23 h shorter than 3 days
    const r = customRange('2025-03-08', '2025-03-10');
    expect(r).toEqual({ from: '2025-03-08T05:00:00.000Z', to: '2025-03-11T04:00:00.000Z' });
    const opts: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    };
    expect(formatCityTime('2025-07-04T16:05:00Z', 'en', opts)).toBe('07/04/2025, 12:05');
    expect(formatCityTime('2025-01-15T03:30:00Z', 'en', opts)).toBe('01/14/2025, 22:30');
    // a calendar date is that date in any zone
    expect(formatDay('2025-03-09', 'en', { month: 'short', day: 'numeric' })).toBe('Mar 9');
    expect(dayLabel('2025-03-09', 'en')).toBe('3/9/2025');
    expect(dayLabel('2025-03-09T03:00:00Z', 'en')).toBe('3/8/2025');
  });

  it('keeps maps around the city: its bounds, a margin, and a zoom-out limit that suits its size', () => {
    setConfigForTest(config(NYC));
    expect(cityBounds()).toEqual(NYC.bounds);
    const { maxBounds, minZoom } = mapLimits();
    expect(maxBounds![0][0]).toBeLessThan(-74.25);
    expect(maxBounds![1][1]).toBeGreaterThan(40.91);
    expect(minZoom).toBeGreaterThan(6);
    expect(minZoom).toBeLessThan(9);
    setConfigForTest(
      config({
        ...NYC,
        bounds: [
          [115.42, 39.44],
          [117.51, 41.06],
        ],
      }),
    );
    expect(mapLimits().minZoom).toBeLessThan(6.5); // a city the size of Beijing may be zoomed out further
  });
});
