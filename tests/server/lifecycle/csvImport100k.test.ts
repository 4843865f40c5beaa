// A CSV import of 100,000 historical tickets with bad rows at known lines (bad coordinates,
// unknown category, missing fields, bad dates): the report names exactly those lines and reasons,
// and exactly the other rows are imported, located and dispatched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { openTestDatabase } from '../../helpers/engines.ts';
import { TINY_CITY, TINY_TAXONOMY } from '../../helpers/tinyCity.ts';
import { importRegions } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { signIn, type Client } from '../../helpers/auth.ts';

const ROWS = 100_000;
const HEADER = 'external_id,kind,channel,category,description,address,lon,lat,crs,received_at,caller_phone';
const CATEGORIES = TINY_TAXONOMY.categories.map((c) => c.code);
// Where good rows land: three streets of the tiny city, a point outside it, and address only.
const PLACES = [
  { lon: '116.02', lat: '39.05', street: '900001001' },
  { lon: '116.15', lat: '39.05', street: '900001002' },
  { lon: '116.3', lat: '39.05', street: '900002001' },
  { lon: '117.5', lat: '40.5', street: null },
  { lon: '', lat: '', street: null },
];

/** What is wrong with the row on a line, and what the report must say; the line is the row's physical line (header = 1). */
const BAD: Record<string, { field: string; message: string; row: (n: number) => string[] }> = {
  lat: {
    field: 'lat',
    message: 'Too big: expected number to be <=90',
    row: (n) => good(n).map((v, k) => (k === 7 ? '95' : v)),
  },
  lon: {
    field: 'lon',
    message: 'Invalid input: expected number, received string',
    row: (n) => good(n).map((v, k) => (k === 6 ? '116.0x' : v)),
  },
  category: {
    field: 'category',
    message: "category: unknown code 'no.such'",
    row: (n) => good(n).map((v, k) => (k === 3 ? 'no.such' : v)),
  },
  kind: {
    field: 'kind',
    message: 'Invalid option: expected one of "complaint"|"report"|"help"|"consultation"|"suggestion"|"praise"',
    row: (n) => good(n).map((v, k) => (k === 1 ? '' : v)),
  },
  address: {
    field: 'address',
    message: 'an address or lon/lat is required',
    row: (n) => good(n).map((v, k) => (k === 5 || k === 6 || k === 7 ? '' : v)),
  },
  date: {
    field: 'received_at',
    message: 'Invalid input: expected date, received Date',
    row: (n) => good(n).map((v, k) => (k === 9 ? '2024-02-30T25:61:00Z' : v)),
  },
};
const KINDS = Object.keys(BAD);

function good(n: number): string[] {
  const p = PLACES[n % PLACES.length];
  const at = new Date(Date.UTC(2024, 0, 1) + n * 300_000).toISOString();
  // Address-only rows carry a unique address, so no row is a repeat of another.
  const address = p.lon === '' ? `某路${n}号` : '';
  return [
    `r${n}`,
    'complaint',
    'phone',
    CATEGORIES[n % CATEGORIES.length],
    `第${n}行`,
    address,
    p.lon,
    p.lat,
    'WGS84',
    at,
    '',
  ];
}

/** Data row n (1-based) sits on line n + 1. Every 487th row is bad, cycling through the kinds of fault. */
const badKind = (n: number): string | null => (n % 487 === 0 ? KINDS[(n / 487) % KINDS.length] : null);

function buildCsv(): string {
  const lines = [HEADER];
  for (let n = 1; n <= ROWS; n++) {
    const kind = badKind(n);
    lines.push((kind ? BAD[kind].row(n) : good(n)).join(','));
  }
  return lines.join('\n') + '\n';
}

describe('CSV import of 100,000 rows (PostgreSQL only: PGlite needs about two minutes for 100k rows, measured 11 s per 10k)', () => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;

  beforeAll(async () => {
    db = await openTestDatabase('postgres', 'hotline_test_csv_100k');
    const report = await importRegions(db, TINY_CITY, { crs: 'WGS84', replace: true, source: 'test' });
    if (!report.ok) throw new Error(JSON.stringify(report.errors));
    await seedTaxonomy(db, TINY_TAXONOMY);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('reports exactly the bad lines with their reasons and imports exactly the rest', async () => {
    const csv = buildCsv();
    const expected: { line: number; field: string; message: string }[] = [];
    const goodRows: number[] = [];
    for (let n = 1; n <= ROWS; n++) {
      const kind = badKind(n);
      if (kind) expected.push({ line: n + 1, field: BAD[kind].field, message: BAD[kind].message });
      else goodRows.push(n);
    }
    expect(expected.length).toBe(205);

    const t0 = performance.now();
    const res = await client.request('/api/import/tickets', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: csv,
    });
    const seconds = (performance.now() - t0) / 1000;
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report).toEqual({
      rows: ROWS,
      imported: ROWS - expected.length,
      duplicates: 0,
      rejected: expected.length,
      errors: expected,
    });
    console.log(`imported ${report.imported} rows in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds)} rows/s)`);

    const stored = await db.query<{
      external: string;
      status: string;
      location_status: string;
      street_code: string | null;
    }>(`SELECT idempotency_key AS external, status, location_status, street_code FROM tickets`);
    expect(stored.length).toBe(goodRows.length);
    const byKey = new Map(stored.map((r) => [r.external, r]));
    const wrong = goodRows.filter((n) => {
      const r = byKey.get(`phone:r${n}`);
      const p = PLACES[n % PLACES.length];
      const want = p.street
        ? ['dispatched', 'located', p.street]
        : ['received', p.lon === '' ? 'unlocated' : 'outside', null];
      return !r || r.status !== want[0] || r.location_status !== want[1] || r.street_code !== want[2];
    });
    expect(wrong).toEqual([]);
    // One territorial dispatch per located row, plus the water group in parallel for the water categories.
    const located = goodRows.filter((n) => PLACES[n % PLACES.length].street);
    const water = located.filter((n) => CATEGORIES[n % CATEGORIES.length].startsWith('water.'));
    const [d] = await db.query<{ territorial: number; line: number; events: number }>(
      `SELECT (SELECT count(*) FROM dispatches WHERE role = 'territorial')::int AS territorial,
              (SELECT count(*) FROM dispatches WHERE role = 'line' AND unit_code = 'water_group')::int AS line,
              (SELECT count(*) FROM ticket_events)::int AS events`,
    );
    expect(d).toEqual({ territorial: located.length, line: water.length, events: goodRows.length + located.length });
  }, 300_000);
});
