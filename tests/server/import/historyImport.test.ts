// History import end to end on both engines: New York City's package, then its real 311 sample
// (1,091 rows, Open Data export schema) through data/cities/nyc/history/nyc-311.mapping.json.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { importCityPackage } from '../../../data/city/import.ts';
import { activateCity, deactivateCity } from '../../../server/city.ts';
import { setCityTimeZone, cityTimeZone } from '../../../server/time.ts';
import { runClock } from '../../../server/lifecycle/clock.ts';
import { CsvReader } from '../../../server/import/csv.ts';
import { importHistory } from '../../../server/import/importer.ts';
import { parseMapping, readMappingFile, type Mapping } from '../../../server/import/mapping.ts';
import { reportBalances, type ImportReport } from '../../../server/import/report.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;
const NYC_DIR = path.join(ROOT, 'data/cities/nyc');
const SAMPLE = path.join(NYC_DIR, 'history/nyc-311-sample-2025-06.csv');
const MAPPING = path.join(NYC_DIR, 'history/nyc-311.mapping.json');

/** The sample as records keyed by column name (read with the reader under test's own tests). */
function sampleRows(): Record<string, string>[] {
  const r = new CsvReader();
  const items = [...r.push(fs.readFileSync(SAMPLE, 'utf8')), ...r.end()];
  const [header, ...rest] = items.map((i) => (i.ok ? i.record.fields : null)).filter((f): f is string[] => f !== null);
  return rest.map((f) => Object.fromEntries(header.map((h, k) => [h, f[k]])));
}

/** Pieces of a text as an upload would bring them. */
async function* pieces(text: string, size = 4096) {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

async function counts(db: Database) {
  const [c] = await db.query<Record<string, number>>(
    `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events,
            (SELECT count(*) FROM dispatches)::int AS dispatches,
            (SELECT COALESCE(sum(tickets), 0) FROM rollup_region_daily WHERE level = 'street')::int AS street_rollup,
            (SELECT count(*) FROM tickets WHERE street_code IS NOT NULL)::int AS street_tickets,
            (SELECT COALESCE(sum(tickets), 0) FROM rollup_h3_daily_total WHERE res = 8)::int AS h3_rollup,
            (SELECT count(*) FROM tickets WHERE h3_r8 IS NOT NULL)::int AS h3_tickets,
            (SELECT COALESCE(sum(repeats), 0) FROM rollup_region_daily WHERE level = 'street')::int AS repeat_rollup,
            (SELECT count(*) FROM tickets WHERE street_code IS NOT NULL AND repeat_of IS NOT NULL)::int AS repeat_tickets`,
  );
  return c;
}

const ROLLUPS = [
  'rollup_h3_daily',
  'rollup_h3_daily_total',
  'rollup_h3_weekly_total',
  'rollup_h3_monthly_total',
  'rollup_h3_cells',
  'rollup_region_daily',
];

/** Every rollup table's rows (count and a digest of all of them in order). */
async function rollupRows(db: Database) {
  const out: Record<string, { n: number; digest: string | null }> = {};
  for (const t of ROLLUPS) {
    const [r] = await db.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS digest FROM ${t} x`,
    );
    out[t] = r;
  }
  return out;
}

/** The rollups as the import left them equal a recount from the tickets (hotline_rollup_rebuild). */
async function expectRollupsRecounted(db: Database) {
  const kept = await rollupRows(db);
  expect(kept.rollup_region_daily.n).toBeGreaterThan(0);
  await db.query('SELECT hotline_rollup_rebuild()');
  expect(kept).toEqual(await rollupRows(db));
}

/** Every imported point is where hotline_locate puts it (the import locates set-based, chunk by chunk). */
async function expectLocatedAsOnePointAtATime(db: Database) {
  const [r] = await db.query<{ located: number; differ: number }>(
    `SELECT count(*)::int AS located,
            count(*) FILTER (WHERE (f.district_code, f.street_code, f.grid_code) IS DISTINCT FROM (t.district_code, t.street_code, t.grid_code))::int AS differ
     FROM tickets t CROSS JOIN LATERAL hotline_locate(t.geom) f WHERE t.geom IS NOT NULL`,
  );
  expect(r.located).toBeGreaterThan(0);
  expect(r.differ).toBe(0);
}

describe.each(ENGINES)('history import of the NYC 311 sample (%s)', (engine) => {
  let db: Database;
  let mapping: Mapping;
  let first: ImportReport;
  const zoneBefore = cityTimeZone();
  const rows = sampleRows();

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_history_import');
    const city = await importCityPackage(db, NYC_DIR);
    if (!city.ok) throw new Error(JSON.stringify(city.problems.slice(0, 5)));
    await activateCity(db);
    mapping = readMappingFile(MAPPING);
    first = await importHistory(db, fs.createReadStream(SAMPLE, { highWaterMark: 16 * 1024 }), mapping, {
      file: 'nyc-311-sample-2025-06.csv',
      chunkRows: 400,
      locateByPolygonRows: 100,
      // Parsed in a worker thread (the default for inputs of 4 MiB or more), so every check below holds for it too.
      parseInWorker: true,
    });
  });
  afterAll(async () => {
    deactivateCity();
    setCityTimeZone(zoneBefore);
    await db?.close();
  });

  it('accounts for every one of the 1,091 rows in exactly one bucket', async () => {
    expect(rows).toHaveLength(1091);
    expect(first.rows).toBe(1091);
    expect(reportBalances(first)).toBe(true);
    expect(first.buckets).toEqual({ imported: 1091, alreadyImported: 0, merged: 0, rejected: 0 });
    expect(first.location.located + first.location.outside).toBe(1082);
    expect(first.location.unlocated).toBe(9);
    expect(first.unlocated).toEqual({
      noCoordinates: 9,
      invalid: 0,
      placeholder: { zero: 0, whole_degrees: 0, listed: 0, repeated: 0 },
    });
    expect(first.unmapped.category).toEqual({});
    expect(first.unmapped.agency).toEqual({});
    expect(first.timeZone).toBe('America/New_York');
    // Every external id is a ticket, once.
    const [{ n, distinct }] = await db.query<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS distinct FROM tickets WHERE idempotency_key LIKE 'import:nyc-311:%'`,
    );
    expect([n, distinct]).toEqual([1091, 1091]);
    // The report's outside rows carry their distance to the nearest region.
    for (const o of first.outside.rows) expect(o.metres).toBeGreaterThan(0);
  });

  it('leaves the 9 rows without coordinates unlocated, and locates the others', async () => {
    const noPoint = rows.filter((r) => r.latitude === '').map((r) => `import:nyc-311:${r.unique_key}`);
    expect(noPoint).toHaveLength(9);
    const got = await db.query<{ location_status: string; geom: unknown; street_code: string | null }>(
      `SELECT location_status, geom, street_code FROM tickets WHERE idempotency_key = ANY($1::text[])`,
      [noPoint],
    );
    expect(got.map((g) => [g.location_status, g.geom, g.street_code])).toEqual(
      Array(9).fill(['unlocated', null, null]),
    );
    const [{ located }] = await db.query<{ located: number }>(
      `SELECT count(*)::int AS located FROM tickets WHERE location_status = 'located' AND street_code IS NOT NULL`,
    );
    expect(located).toBe(first.location.located);
  });

  it('reads times in America/New_York: created 2025-06-12T23:57:27.000 is 2025-06-13T03:57:27Z', async () => {
    const [t] = await db.query<{ received_at: Date; resolve_due_at: Date; status: string; category_code: string }>(
      `SELECT received_at, resolve_due_at, status, category_code FROM tickets WHERE idempotency_key = 'import:nyc-311:65243698'`,
    );
    expect(t.received_at.toISOString()).toBe('2025-06-13T03:57:27.000Z');
    // Trees and sidewalks: the request type's own 90-day service level.
    expect([t.category_code, t.status, t.resolve_due_at.toISOString()]).toEqual([
      'parks.tree_sidewalk',
      'in_progress',
      '2025-09-11T03:57:27.000Z',
    ]);
    // Every row: received_at is created_date read in the city's zone (June: EDT, UTC-4).
    const byKey = new Map(
      (await db.query<{ k: string; r: Date }>(`SELECT idempotency_key AS k, received_at AS r FROM tickets`)).map(
        (x) => [x.k, x.r.getTime()],
      ),
    );
    for (const r of rows)
      expect(byKey.get(`import:nyc-311:${r.unique_key}`), r.unique_key).toBe(Date.parse(`${r.created_date}-04:00`));
  });

  it('keeps closed rows closed with their closed_date, and closes the duplicates the source marked', async () => {
    const got = new Map(
      (
        await db.query<{ k: string; status: string; closed_at: Date | null }>(
          `SELECT idempotency_key AS k, status, closed_at FROM tickets`,
        )
      ).map((x) => [x.k, x]),
    );
    const closedRows = rows.filter((r) => r.status === 'Closed');
    expect(closedRows).toHaveLength(291);
    for (const r of closedRows) {
      const t = got.get(`import:nyc-311:${r.unique_key}`)!;
      expect([t.status, t.closed_at?.getTime()], r.unique_key).toEqual([
        'closed',
        Date.parse(`${r.closed_date}-04:00`),
      ]);
    }
    const dups = rows.filter((r) => /is a duplicate/i.test(r.resolution_description));
    expect(dups).toHaveLength(107);
    expect(first.sourceDuplicates.marked).toBe(107);
    for (const r of dups) expect(got.get(`import:nyc-311:${r.unique_key}`)!.status).toBe('closed');
    // Open rows stay open; their closed time (DOB's "submitted") is not a closing.
    expect(first.warnings.closedTimeIgnored).toBe(6);
    const open = rows.filter((r) => r.status !== 'Closed' && !/is a duplicate/i.test(r.resolution_description));
    for (const r of open) expect(got.get(`import:nyc-311:${r.unique_key}`)!.status).not.toBe('closed');
    expect(first.statuses.closed).toBe(291 + dups.filter((r) => r.status !== 'Closed').length);
  });

  it('dispatches history to the community district and the agency, events in order, and the rollups agree', async () => {
    const d = await db.query<{ role: string; unit_kind: string; n: number }>(
      `SELECT role, unit_kind, count(*)::int AS n FROM dispatches GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    expect(d).toEqual([
      { role: 'line', unit_kind: 'department', n: 1091 },
      { role: 'territorial', unit_kind: 'street', n: first.location.located },
    ]);
    // The line dispatch goes to the agency the row names (DEP → dep, HPD → hpd, …).
    const line = new Map(
      (
        await db.query<{ k: string; unit: string }>(
          `SELECT t.idempotency_key AS k, d.unit_code AS unit FROM dispatches d JOIN tickets t ON t.id = d.ticket_id WHERE d.role = 'line'`,
        )
      ).map((x) => [x.k, x.unit]),
    );
    for (const r of rows) expect(line.get(`import:nyc-311:${r.unique_key}`), r.unique_key).toBe(r.agency.toLowerCase());
    const [ev] = await db.query<{ bad: number; received: number }>(
      `SELECT count(*) FILTER (WHERE e.at < t.received_at)::int AS bad, count(*) FILTER (WHERE e.type = 'received' AND e.data->>'import' = 'nyc-311')::int AS received
       FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id`,
    );
    expect(ev).toEqual({ bad: 0, received: 1091 });
    const c = await counts(db);
    expect(c.street_rollup).toBe(c.street_tickets);
    expect(c.h3_rollup).toBe(c.h3_tickets);
    expect(c.repeat_rollup).toBe(c.repeat_tickets);
    const [{ linked }] = await db.query<{ linked: number }>(
      `SELECT count(*)::int AS linked FROM tickets WHERE repeat_of IS NOT NULL`,
    );
    expect(first.sourceDuplicates.linked).toBe(linked);
    expect(linked).toBeGreaterThan(0);
  });

  it('locates every point (chunks joined polygon by polygon) as hotline_locate does one at a time, and leaves rollups equal to a recount', async () => {
    await expectLocatedAsOnePointAtATime(db);
    await expectRollupsRecounted(db);
  });

  it('judges overdue against each ticket’s own due time, and the clock never re-marks history', async () => {
    const [o] = await db.query<{ overdue: number; wrong: number; closed_overdue: number }>(
      `SELECT count(*) FILTER (WHERE overdue_at IS NOT NULL)::int AS overdue,
              count(*) FILTER (WHERE overdue_at IS NOT NULL AND overdue_at <> resolve_due_at)::int AS wrong,
              count(*) FILTER (WHERE status = 'closed' AND overdue_at IS NOT NULL AND closed_at <= resolve_due_at)::int AS closed_overdue
       FROM tickets`,
    );
    expect(o.overdue).toBe(first.overdue);
    expect(o.wrong).toBe(0);
    expect(o.closed_overdue).toBe(0);
    const before = await db.query(`SELECT id, status, reminded_at, overdue_at, closed_at FROM tickets ORDER BY id`);
    expect(await runClock(db)).toEqual({ reminded: 0, overdue: 0 });
    expect(await runClock(db, new Date(Date.now() + 400 * 86_400_000))).toEqual({ reminded: 0, overdue: 0 });
    expect(await db.query(`SELECT id, status, reminded_at, overdue_at, closed_at FROM tickets ORDER BY id`)).toEqual(
      before,
    );
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = await counts(db);
    const again = await importHistory(db, fs.createReadStream(SAMPLE), mapping, { file: 'nyc-311-sample-2025-06.csv' });
    expect(again.buckets).toEqual({ imported: 0, alreadyImported: 1091, merged: 0, rejected: 0 });
    expect(reportBalances(again)).toBe(true);
    expect(await counts(db)).toEqual(before);
    const [job] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM import_jobs WHERE state = 'done'`);
    expect(job.n).toBe(2);
    const stages = await db.query(`SELECT 1 FROM pg_class WHERE relname LIKE 'import\\_stage\\_%'`);
    expect(stages).toEqual([]);
  });
});

describe.each(ENGINES)('history import edge cases (%s)', (engine) => {
  let db: Database;
  const zoneBefore = cityTimeZone();
  // The columns the NYC mapping reads, nothing else.
  const header =
    'unique_key,created_date,agency,complaint_type,descriptor,location_type,incident_zip,incident_address,intersection_street_1,intersection_street_2,city,landmark,status,open_data_channel_type,latitude,longitude,location,resolution_action_updated_date,closed_date,resolution_description,due_date';
  const line = (
    id: string,
    created: string,
    status: string,
    lat: string,
    lon: string,
    extra: { closed?: string; resolution?: string; type?: string; descriptor?: string; address?: string } = {},
  ) =>
    [
      id,
      created,
      'DEP',
      extra.type ?? 'Sewer',
      extra.descriptor ?? 'Street Flooding (SJ)',
      '',
      '10001',
      extra.address ?? '1 MAIN STREET',
      '',
      '',
      'NEW YORK',
      '',
      status,
      'PHONE',
      lat,
      lon,
      '',
      '',
      extra.closed ?? '',
      extra.resolution ?? '',
      '',
    ].join(',');
  const placeholder = ['40.7127753', '-74.0059728'] as const;
  const text = [
    header,
    line('1', '2025-06-01T10:00:00.000', 'Closed', '40.75', '-73.99', { closed: '2025-06-02T10:00:00.000' }),
    line('2', '2025-06-01T11:00:00.000', 'Open', ...placeholder),
    line('3', '2025-06-01T12:00:00.000', 'Open', ...placeholder),
    line('4', '2025-06-01T13:00:00.000', 'Open', ...placeholder),
    line('5', '2025-06-01T14:00:00.000', 'Open', '0', '0'),
    line('6', '2025-06-01T15:00:00.000', 'Open', '40.5', '-75.5'), // Pennsylvania: outside
    line('1', '2025-06-03T10:00:00.000', 'Closed', '40.75', '-73.99', { closed: '2025-06-04T10:00:00.000' }), // repeated id: the last row stays
    line('7', '2025-03-09T02:30:00.000', 'In Progress', '40.76', '-73.98'), // in the spring-forward gap
    line('8', 'not a date', 'Open', '40.76', '-73.98'),
    line('9', '2025-06-05T10:00:00.000', 'Escalated', '40.76', '-73.98'),
    '10,"2025-06-05T10:00:00.000,DEP,Sewer', // a quote never closed on its line: refused, the lines after it read again
    line('11', '2025-06-06T10:00:00.000', 'Open', '40.76', '-73.98', { type: 'Illegal Fireworks', descriptor: 'n/a' }),
    line('12', '2025-06-06T11:00:00.000', 'Closed', '40.78', '-73.96', {
      resolution: '"The Department determined that this complaint is a duplicate, closed."',
      address: '77 RIVER ROAD',
    }),
    '13,2025-06-06T12:00:00.000,DEP,Sewer',
    line('14', '2025-06-05T09:00:00.000', 'Open', '40.77', '-73.97', {
      descriptor: 'Sewer Odor (SA2)',
      address: '9 ELM STREET',
    }),
    line('15', '2025-06-06T09:00:00.000', 'Closed', '40.77', '-73.97', {
      descriptor: 'Sewer Odor (SA2)',
      address: '9 ELM STREET',
      resolution: 'This complaint is a duplicate of an earlier one.',
    }),
    '',
  ].join('\n');

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_history_edges');
    const city = await importCityPackage(db, NYC_DIR);
    if (!city.ok) throw new Error(JSON.stringify(city.problems.slice(0, 5)));
    await activateCity(db);
  });
  afterAll(async () => {
    deactivateCity();
    setCityTimeZone(zoneBefore);
    await db?.close();
  });

  // 'chunks': triggers skipped, each chunk adds its own tickets to the rollups (the embedded engine's default).
  for (const bulk of [false, true, 'chunks'] as const) {
    const label =
      bulk === 'chunks'
        ? 'chunks: triggers skipped, rollups added per chunk'
        : bulk
          ? 'bulk: triggers skipped, rollups rebuilt'
          : 'triggers';
    it(`puts every row in one bucket with the reasons (${label})`, async () => {
      if (bulk) await db.exec('TRUNCATE tickets CASCADE');
      const m = parseMapping({
        ...JSON.parse(fs.readFileSync(MAPPING, 'utf8')),
        placeholders: { repeated: { minCount: 3, minShare: 0.2 } },
      });
      // Bulk mode parses in a worker thread: its rejections, lines and notes are the same.
      const r = await importHistory(db, pieces(text, 7), m, { chunkRows: 3, bulk, parseInWorker: bulk === true });
      expect(r.mode).toBe(bulk === 'chunks' ? 'chunks' : bulk ? 'bulk' : 'triggers');
      expect(r.rows).toBe(16);
      expect(reportBalances(r)).toBe(true);
      expect(r.buckets).toEqual({ imported: 11, alreadyImported: 0, merged: 1, rejected: 4 });
      expect(r.merged.rows).toEqual([{ line: 2, externalId: '1', keptLine: 8 }]);
      expect(r.rejected.rows.map((x) => [x.line, x.field])).toEqual([
        [10, 'received'],
        [11, 'status'],
        [12, 'csv'],
        [15, 'csv'],
      ]);
      // The quote opened on line 12 closes on line 14, followed by text: refused, and lines 13-14 read again.
      expect(r.rejected.rows[2].reason).toMatch(
        /^bad_quote: field 2: text after a closing quote \(the quote opened 2 lines earlier\)/,
      );
      expect(r.rejected.rows[3].reason).toBe('field_count: 4 fields instead of 21');
      expect(r.placeholders.repeatedPoints).toEqual([{ lon: -74.0059728, lat: 40.7127753, rows: 3 }]);
      expect(r.unlocated).toEqual({
        noCoordinates: 0,
        invalid: 0,
        placeholder: { zero: 1, whole_degrees: 0, listed: 0, repeated: 3 },
      });
      expect(r.location).toEqual({ located: 6, outside: 1, unlocated: 4 });
      expect(r.outside.rows).toHaveLength(1);
      expect(r.outside.rows[0]).toMatchObject({ line: 7, externalId: '6' });
      expect(r.outside.rows[0].metres).toBeGreaterThan(20_000);
      expect(r.unmapped.category).toEqual({ 'Illegal Fireworks|n/a': 1 });
      expect(r.warnings.timesInGap).toBe(1);
      expect(r.sourceDuplicates).toEqual({ marked: 2, linked: 1 });

      const t = new Map(
        (
          await db.query<{
            k: string;
            status: string;
            received_at: Date;
            closed_at: Date | null;
            repeat_of: string | null;
            id: string;
          }>(`SELECT idempotency_key AS k, status, received_at, closed_at, repeat_of, id FROM tickets`)
        ).map((x) => [x.k.split(':')[2], x]),
      );
      // The last row of the repeated id, with its own times.
      expect([t.get('1')!.received_at.toISOString(), t.get('1')!.closed_at!.toISOString()]).toEqual([
        '2025-06-03T14:00:00.000Z',
        '2025-06-04T14:00:00.000Z',
      ]);
      expect(t.get('7')!.received_at.toISOString()).toBe('2025-03-09T07:30:00.000Z');
      expect(t.get('11')!.status).toBe('dispatched');
      // 15 repeats 14 (same address and type, within the window); 12 has no earlier ticket at its address and type.
      expect(String(t.get('15')!.repeat_of)).toBe(String(t.get('14')!.id));
      expect(t.get('12')!.repeat_of).toBeNull();
      const c = await counts(db);
      expect([c.street_rollup, c.h3_rollup, c.repeat_rollup]).toEqual([
        c.street_tickets,
        c.h3_tickets,
        c.repeat_tickets,
      ]);
      await expectLocatedAsOnePointAtATime(db);
      await expectRollupsRecounted(db);

      const again = await importHistory(db, pieces(text, 1000), m, { chunkRows: 5, bulk });
      expect(again.buckets).toEqual({ imported: 0, alreadyImported: 11, merged: 1, rejected: 4 });
      expect(await counts(db)).toEqual(c);
    });
  }

  it('repairs after a run that died: its scratch tables dropped, and after a bulk write the rollups rebuilt', async () => {
    await db.query(
      `INSERT INTO import_jobs (id, source, state, heartbeat_at, progress) VALUES ('deadbeef01', 'x', 'running', now() - interval '1 hour', '{"phase": "writing", "bulk": true, "written": 0}')`,
    );
    await db.exec(
      'CREATE UNLOGGED TABLE import_stage_deadbeef01 (seq int); CREATE UNLOGGED TABLE import_stage_deadbeef01_ids (x int)',
    );
    const c = await counts(db);
    // What a bulk write leaves before its rebuild: tickets the rollups do not count.
    await db.exec('DELETE FROM rollup_region_daily; DELETE FROM rollup_h3_daily_total');
    const m = readMappingFile(MAPPING);
    const r = await importHistory(
      db,
      pieces(text),
      parseMapping({ ...m, placeholders: { repeated: { minCount: 3, minShare: 0.2 } } }),
    );
    expect(r.buckets.imported).toBe(0);
    expect(await counts(db)).toEqual(c);
    const [job] = await db.query<{ state: string; error: string }>(
      `SELECT state, error FROM import_jobs WHERE id = 'deadbeef01'`,
    );
    expect(job).toEqual({ state: 'failed', error: 'the process running it stopped' });
    expect(await db.query(`SELECT relname FROM pg_class WHERE relname LIKE 'import\\_stage\\_%'`)).toEqual([]);
  });

  it("keeps the first row of a repeated id when the mapping says 'first'", async () => {
    await db.exec('TRUNCATE tickets CASCADE');
    const m = parseMapping({
      ...JSON.parse(fs.readFileSync(MAPPING, 'utf8')),
      source: 'nyc-311-first',
      repeatedIds: 'first',
    });
    const r = await importHistory(db, pieces(text, 64), m, { chunkRows: 4 });
    expect(reportBalances(r)).toBe(true);
    expect(r.merged.rows).toEqual([{ line: 8, externalId: '1', keptLine: 2 }]);
    const [t] = await db.query<{ received_at: Date; closed_at: Date }>(
      `SELECT received_at, closed_at FROM tickets WHERE idempotency_key = 'import:nyc-311-first:1'`,
    );
    expect([t.received_at.toISOString(), t.closed_at.toISOString()]).toEqual([
      '2025-06-01T14:00:00.000Z',
      '2025-06-02T14:00:00.000Z',
    ]);
  });

  it('refuses a file missing a mapped column, or a mapping naming codes the city lacks, before writing anything', async () => {
    const m = readMappingFile(MAPPING);
    await expect(importHistory(db, pieces('unique_key,created_date\n1,2025-06-01\n'), m)).rejects.toThrow(
      /^the file has no columns 'status', 'closed_date', .* \(the mapping names them\)$/,
    );
    const bad = parseMapping({
      ...JSON.parse(fs.readFileSync(MAPPING, 'utf8')),
      category: { columns: ['complaint_type'], values: { Sewer: 'sewer.nope' } },
    });
    await expect(importHistory(db, pieces(text), bad)).rejects.toThrow(
      "mapping: categories not in this city's taxonomy: sewer.nope",
    );
    await expect(importHistory(db, pieces(''), m)).rejects.toThrow(/no header line/);
  });
});
