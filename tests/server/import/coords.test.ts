// Coordinates of history imports: the forms exports write them in, and the placeholder rules.
import { describe, expect, it } from 'vitest';
import { parseDict, parsePair, parseWkt, placeholderOf, readPoint } from '../../../server/import/coords.ts';

describe('coordinate forms', () => {
  it('reads "(lat, lon)" pairs, in either order', () => {
    expect(parsePair('(40.70885651893667, -73.83329114729763)')).toEqual({
      lat: 40.70885651893667,
      lon: -73.83329114729763,
    });
    expect(parsePair('40.7,-73.8')).toEqual({ lat: 40.7, lon: -73.8 });
    expect(parsePair('[116.397, 39.909]', 'lonlat')).toEqual({ lon: 116.397, lat: 39.909 });
    expect(parsePair('')).toBeNull();
    expect(parsePair('()')).toBeNull();
    expect(parsePair('(north, west)')).toEqual({ invalid: "'(north, west)' is not a coordinate pair" });
    expect(parsePair('(-73.8, 40.7)')).toEqual({ lat: -73.8, lon: 40.7 });
    expect(parsePair('(140.7, -73.8)')).toEqual({ invalid: '(140.7, -73.8) is out of range (lat, lon)' });
  });

  it("reads NYC Open Data's location column (a Python dict) and JSON objects", () => {
    const nyc = `{'latitude': '40.70885651893667', 'longitude': '-73.83329114729763', 'human_address': '{"address": "", "city": "", "state": "", "zip": ""}'}`;
    expect(parseDict(nyc)).toEqual({ lat: 40.70885651893667, lon: -73.83329114729763 });
    expect(parseDict('{"lat": 39.909, "lng": 116.397}')).toEqual({ lat: 39.909, lon: 116.397 });
    expect(parseDict('{"latitude": 39.9, "longitude": 116.4, "type": "Point"}')).toEqual({ lat: 39.9, lon: 116.4 });
    expect(parseDict(`{'latitude': '', 'longitude': ''}`)).toBeNull();
    expect(parseDict('{"latitude": null}')).toBeNull();
    expect(parseDict('{"lat": 39.9}')).toEqual({ invalid: `'{"lat": 39.9}' lacks longitude` });
  });

  it('reads WKT points (x y = lon lat), with SRID or Z', () => {
    expect(parseWkt('POINT (-73.83329114729763 40.70885651893667)')).toEqual({
      lon: -73.83329114729763,
      lat: 40.70885651893667,
    });
    expect(parseWkt('SRID=4326;POINT(116.397 39.909)')).toEqual({ lon: 116.397, lat: 39.909 });
    expect(parseWkt('point z (116.397 39.909 50)')).toEqual({ lon: 116.397, lat: 39.909 });
    expect(parseWkt('POINT EMPTY')).toBeNull();
    expect(parseWkt('LINESTRING (0 0, 1 1)')).toEqual({ invalid: "'LINESTRING (0 0, 1 1)' is not a WKT POINT" });
  });

  it('takes the first source that yields a point; two-column sources need both', () => {
    const row: Record<string, string> = { latitude: '', longitude: '', location: '(40.7, -73.9)', wkt: 'POINT (1 2)' };
    const cell = (c: string) => row[c] ?? '';
    expect(
      readPoint(
        [
          { lat: 'latitude', lon: 'longitude' },
          { column: 'location', format: 'pair', order: 'latlon' },
        ],
        cell,
      ),
    ).toEqual({ lat: 40.7, lon: -73.9 });
    row.latitude = '40.8';
    expect(readPoint([{ lat: 'latitude', lon: 'longitude' }], cell)).toEqual({
      invalid: "latitude '40.8', longitude '': one is missing",
    });
    row.longitude = '-73.95';
    expect(
      readPoint(
        [
          { lat: 'latitude', lon: 'longitude' },
          { column: 'location', format: 'pair', order: 'latlon' },
        ],
        cell,
      ),
    ).toEqual({ lat: 40.8, lon: -73.95 });
    // An invalid first source does not hide a good second one.
    row.latitude = 'n/a';
    expect(
      readPoint(
        [
          { lat: 'latitude', lon: 'longitude' },
          { column: 'wkt', format: 'wkt', order: 'latlon' },
        ],
        cell,
      ),
    ).toEqual({ lon: 1, lat: 2 });
    row.location = '';
    expect(readPoint([{ column: 'location', format: 'pair', order: 'latlon' }], cell)).toBeNull();
  });
});

describe('placeholders', () => {
  const rules = { zero: true, wholeDegrees: true, points: [[-74.0059728, 40.7127753]] as [number, number][] };
  it('flags 0/0, whole degrees and listed points; real points pass', () => {
    expect(placeholderOf({ lon: 0, lat: 0 }, rules)).toBe('zero');
    expect(placeholderOf({ lon: -74, lat: 40 }, rules)).toBe('whole_degrees');
    expect(placeholderOf({ lon: -74.0059728, lat: 40.7127753 }, rules)).toBe('listed');
    expect(placeholderOf({ lon: -74, lat: 40.5 }, rules)).toBeNull();
    expect(placeholderOf({ lon: -73.83329114729763, lat: 40.70885651893667 }, rules)).toBeNull();
    expect(placeholderOf({ lon: 0, lat: 0 }, { zero: false, wholeDegrees: false, points: [] })).toBeNull();
  });
});
