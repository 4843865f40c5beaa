// Coordinates as exports write them → a point in the source CRS, and the placeholder rules. Pure.
// Forms: two columns (latitude, longitude), one "(lat, lon)" column, a Python dict or JSON object
// with latitude/longitude keys (NYC Open Data's `location`), or WKT POINT (lon lat).
import type { CoordinateSource } from './mapping.ts';

export interface SourcePoint {
  lon: number;
  lat: number;
}

/** A point, nothing (empty cells), or text that is not a point. */
export type PointResult = SourcePoint | null | { invalid: string };

const NUM = '([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)';
const PAIR = new RegExp(`^\\s*[(\\[]?\\s*${NUM}\\s*[,;\\s]\\s*${NUM}\\s*[)\\]]?\\s*$`);
const WKT = new RegExp(
  `^\\s*(?:SRID=\\d+\\s*;\\s*)?POINT\\s*Z?\\s*\\(\\s*${NUM}\\s+${NUM}(?:\\s+${NUM})?\\s*\\)\\s*$`,
  'i',
);
const KEY_LAT = new RegExp(`["']?(?:latitude|lat)["']?\\s*[:=]\\s*["']?${NUM}["']?`, 'i');
const KEY_LON = new RegExp(`["']?(?:longitude|lon|lng|long)["']?\\s*[:=]\\s*["']?${NUM}["']?`, 'i');

function checked(lon: number, lat: number, text: string): PointResult {
  if (!Number.isFinite(lon) || !Number.isFinite(lat)) return { invalid: `'${text}' is not a point` };
  if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
    return { invalid: `(${lat}, ${lon}) is out of range (lat, lon)` };
  return { lon, lat };
}

const short = (t: string) => (t.length > 60 ? t.slice(0, 60) + '…' : t);

export function parsePair(text: string, order: 'latlon' | 'lonlat' = 'latlon'): PointResult {
  if (text.trim() === '' || /^\s*\(\s*\)\s*$/.test(text)) return null;
  const m = PAIR.exec(text);
  if (!m) return { invalid: `'${short(text)}' is not a coordinate pair` };
  const [a, b] = [Number(m[1]), Number(m[2])];
  return order === 'latlon' ? checked(b, a, text) : checked(a, b, text);
}

export function parseWkt(text: string): PointResult {
  const t = text.trim();
  if (t === '' || /^POINT\s*(Z\s*)?EMPTY$/i.test(t)) return null;
  const m = WKT.exec(t);
  if (!m) return { invalid: `'${short(t)}' is not a WKT POINT` };
  return checked(Number(m[1]), Number(m[2]), t);
}

/** {'latitude': '40.7', 'longitude': '-73.8', …} (Python repr), {"lat": 40.7, "lng": -73.8} (JSON). */
export function parseDict(text: string): PointResult {
  if (text.trim() === '') return null;
  const la = KEY_LAT.exec(text);
  const lo = KEY_LON.exec(text);
  if (!la && !lo) {
    // A dict whose coordinates are empty ('latitude': '') is no point, not a bad one.
    if (/(latitude|lat)["']?\s*[:=]\s*(["']\s*["']|None|null)/i.test(text)) return null;
    return { invalid: `'${short(text)}' has no latitude/longitude` };
  }
  if (!la || !lo) return { invalid: `'${short(text)}' lacks ${la ? 'longitude' : 'latitude'}` };
  return checked(Number(lo[1]), Number(la[1]), short(text));
}

/** The first coordinate source of the mapping that yields a point; an invalid one is reported if none does. */
export function readPoint(sources: CoordinateSource[], cell: (column: string) => string): PointResult {
  let invalid: { invalid: string } | null = null;
  for (const s of sources) {
    let r: PointResult;
    if ('lat' in s) {
      const [lat, lon] = [cell(s.lat).trim(), cell(s.lon).trim()];
      if (lat === '' && lon === '') r = null;
      else if (lat === '' || lon === '') r = { invalid: `latitude '${lat}', longitude '${lon}': one is missing` };
      else r = checked(Number(lon), Number(lat), `${lat}, ${lon}`);
    } else if (s.format === 'pair') r = parsePair(cell(s.column), s.order);
    else if (s.format === 'wkt') r = parseWkt(cell(s.column));
    else r = parseDict(cell(s.column));
    if (r === null) continue;
    if ('invalid' in r) {
      invalid ??= r;
      continue;
    }
    return r;
  }
  return invalid;
}

export type PlaceholderKind = 'zero' | 'whole_degrees' | 'listed' | 'repeated';

export interface PlaceholderRules {
  zero: boolean;
  wholeDegrees: boolean;
  points: [number, number][];
}

/** Is this point (source CRS) a stand-in for "unknown"? The repeated-point rule needs the whole file and runs in SQL. */
export function placeholderOf(p: SourcePoint, rules: PlaceholderRules): PlaceholderKind | null {
  if (rules.zero && p.lon === 0 && p.lat === 0) return 'zero';
  if (rules.wholeDegrees && Number.isInteger(p.lon) && Number.isInteger(p.lat)) return 'whole_degrees';
  for (const [lon, lat] of rules.points)
    if (Math.abs(p.lon - lon) < 1e-9 && Math.abs(p.lat - lat) < 1e-9) return 'listed';
  return null;
}
