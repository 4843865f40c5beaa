// Synthetic NYC 311 exports in the Open Data schema (the 48 columns of
// data/cities/nyc/history/nyc-311-sample-2025-06.csv), generated as a stream of text pieces so a
// million rows never sit in memory. Deterministic for a seed. Points are the sample's own points
// jittered by up to ~300 m (most in a community district, some in the water); a few rows have
// no point, the 0/0 placeholder, a repeated placeholder point or a repeated id.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NYC_SAMPLE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../data/cities/nyc/history/nyc-311-sample-2025-06.csv',
);

export const NYC_HEADER =
  'unique_key,created_date,agency,agency_name,complaint_type,descriptor,location_type,incident_zip,incident_address,street_name,cross_street_1,cross_street_2,intersection_street_1,intersection_street_2,address_type,city,landmark,status,community_board,bbl,borough,x_coordinate_state_plane,y_coordinate_state_plane,open_data_channel_type,park_facility_name,park_borough,latitude,longitude,location,:@computed_region_efsh_h5xi,:@computed_region_f5dn_yrer,:@computed_region_yeji_bk3q,:@computed_region_92fq_4b7q,:@computed_region_sbqj_enih,:@computed_region_7mpf_4k6g,resolution_action_updated_date,vehicle_type,taxi_pick_up_location,closed_date,resolution_description,facility_type,due_date,bridge_highway_name,bridge_highway_segment,bridge_highway_direction,road_ramp,taxi_company_borough';

function sfc32(a: number, b: number, c: number, d: number) {
  return () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
}

interface Seed {
  agency: string;
  agencyName: string;
  type: string;
  descriptor: string;
  lat: number;
  lon: number;
  borough: string;
  city: string;
  zip: string;
}

/** The sample's (agency, type, descriptor, point) tuples, read once. */
function seeds(): Seed[] {
  const text = fs.readFileSync(NYC_SAMPLE, 'utf8');
  const out: Seed[] = [];
  // The sample has no quoted newlines; a simple quote-aware split is enough here.
  for (const line of text.split('\n').slice(1)) {
    if (!line) continue;
    const f: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) {
        if (c === '"' && line[i + 1] === '"') {
          cur += '"';
          i++;
        } else if (c === '"') q = false;
        else cur += c;
      } else if (c === '"') q = true;
      else if (c === ',') {
        f.push(cur);
        cur = '';
      } else cur += c;
    }
    f.push(cur);
    if (!f[26]) continue;
    out.push({
      agency: f[2],
      agencyName: f[3],
      type: f[4],
      descriptor: f[5],
      lat: Number(f[26]),
      lon: Number(f[27]),
      borough: f[20],
      city: f[15],
      zip: f[7],
    });
  }
  return out;
}

const csv = (s: string) => (/[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
const STATUSES = ['Closed', 'Closed', 'Closed', 'Closed', 'Open', 'In Progress', 'Assigned', 'Started'];
const CHANNELS = ['PHONE', 'PHONE', 'ONLINE', 'MOBILE', 'UNKNOWN'];

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 23);

export interface SyntheticOptions {
  rows: number;
  seed?: number;
  /** First receipt (UTC ms); rows run forward over `days`. */
  start?: number;
  days?: number;
  /** Text pieces of about this many characters. */
  pieceChars?: number;
}

/** What the generator planted, to check a report against. */
export interface SyntheticTruth {
  rows: number;
  noPoint: number;
  zero: number;
  repeatedPlaceholder: number;
  repeatedIds: number;
  badDates: number;
}

/**
 * The export as text pieces, header first. Offset-less local times as the Open Data export writes
 * them (read in America/New_York by the mapping).
 */
export function syntheticNycExport(opts: SyntheticOptions): { pieces: AsyncIterable<string>; truth: SyntheticTruth } {
  const rand = sfc32(opts.seed ?? 311, 0x9e3779b9, 0x243f6a88, 0xb7e15162);
  const pool = seeds();
  const start = opts.start ?? Date.UTC(2025, 0, 1, 5);
  const span = (opts.days ?? 365) * 86_400_000;
  const pieceChars = opts.pieceChars ?? 1 << 20;
  const truth: SyntheticTruth = {
    rows: opts.rows,
    noPoint: 0,
    zero: 0,
    repeatedPlaceholder: 0,
    repeatedIds: 0,
    badDates: 0,
  };
  // A city-hall-like stand-in for "unknown", on 1% of rows.
  const placeholder = { lat: 40.7127753, lon: -74.0059728 };
  function row(i: number): string {
    const s = pool[Math.floor(rand() * pool.length)];
    const created = start + Math.floor((i / opts.rows) * span) + Math.floor(rand() * 60_000);
    // Local wall time written without offset: shift by a fixed -5 h (the generator does not care about DST).
    const createdText = iso(created - 5 * 3_600_000);
    const status = STATUSES[Math.floor(rand() * STATUSES.length)];
    const closed = status === 'Closed' ? iso(created - 5 * 3_600_000 + Math.floor(rand() * 5 * 86_400_000)) : '';
    const r = rand();
    let lat = '',
      lon = '',
      location = '';
    if (r < 0.005) truth.noPoint++;
    else if (r < 0.006) {
      truth.zero++;
      lat = '0';
      lon = '0';
    } else if (r < 0.016) {
      truth.repeatedPlaceholder++;
      lat = String(placeholder.lat);
      lon = String(placeholder.lon);
    } else {
      lat = (s.lat + (rand() - 0.5) * 0.005).toFixed(8);
      lon = (s.lon + (rand() - 0.5) * 0.006).toFixed(8);
    }
    if (lat)
      location = `{'latitude': '${lat}', 'longitude': '${lon}', 'human_address': '{"address": "", "city": "", "state": "", "zip": ""}'}`;
    let key = String(70_000_000 + i);
    if (i > 0 && rand() < 0.001) {
      truth.repeatedIds++;
      key = String(70_000_000 + i - 1);
    }
    let created2 = createdText;
    if (rand() < 0.0005) {
      truth.badDates++;
      created2 = '13/45/2025 99:00';
    }
    const house = 1 + Math.floor(rand() * 300);
    return [
      key,
      created2,
      s.agency,
      csv(s.agencyName),
      csv(s.type),
      csv(s.descriptor),
      '',
      s.zip,
      `${house} SYNTHETIC STREET`,
      'SYNTHETIC STREET',
      '',
      '',
      '',
      '',
      'ADDRESS',
      s.city,
      '',
      status,
      `01 ${s.borough}`,
      '',
      s.borough,
      '',
      '',
      CHANNELS[Math.floor(rand() * CHANNELS.length)],
      'Unspecified',
      s.borough,
      lat,
      lon,
      csv(location),
      '',
      '',
      '',
      '',
      '',
      '',
      closed,
      '',
      '',
      closed,
      status === 'Closed' ? 'The Department investigated this complaint and resolved it.' : '',
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ].join(',');
  }
  async function* gen() {
    yield NYC_HEADER + '\n';
    let buf: string[] = [];
    let size = 0;
    for (let i = 0; i < opts.rows; i++) {
      const line = row(i);
      buf.push(line);
      size += line.length + 1;
      if (size >= pieceChars) {
        yield buf.join('\n') + '\n';
        buf = [];
        size = 0;
      }
    }
    if (buf.length) yield buf.join('\n') + '\n';
  }
  return { pieces: gen(), truth };
}
