// The workspace's server side: the full ticket filter, the drill-down and comparison figures,
// the playback series and the CSV/XLSX export — on both engines.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client.ts';
import { createApp } from '../../server/app.ts';
import { decodePoints } from '../../server/points.ts';
import { ENGINES, openTestDatabase } from '../helpers/engines.ts';
import { loadTinyCity } from '../helpers/tinyCity.ts';
import { signIn, type Client } from '../helpers/auth.ts';

const WINDOW = 'from=2026-10-01&to=2026-11-30';

describe.each(ENGINES)('workspace filters and export on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  let client: Client;
  const get = (path: string) => client.request(path);
  const json = async (path: string) => {
    const res = await get(path);
    expect(res.status, path).toBe(200);
    return res.json() as Promise<any>;
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_workspace_export');
    await loadTinyCity(db);
    // vary the tiny city's tickets so every filter has something to tell apart
    await db.query(`UPDATE tickets SET channel = 'wechat', kind = 'help' WHERE id = 3`);
    await db.query(
      `UPDATE tickets SET status = 'returned', return_count = 1, urgency = 'emergency', address = '=1+2 "楼", 东门' WHERE id = 4`,
    );
    await db.query(`UPDATE tickets SET status = 'dispatched', overdue_at = '2026-11-10T00:00:00Z' WHERE id = 2`);
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('filters by channel, kind, status, urgency and flag, each list comma-separated', async () => {
    const ids = async (q: string) => (await json(`/api/tickets?${WINDOW}&${q}`)).items.map((t: any) => t.id).sort();
    expect(await ids('channel=wechat')).toEqual([3]);
    expect(await ids('kind=help,praise')).toEqual([3]);
    expect(await ids('status=returned,dispatched')).toEqual([2, 4]);
    expect(await ids('urgency=emergency')).toEqual([4]);
    expect(await ids('flag=overdue')).toEqual([2]);
    expect(await ids('flag=returned&region=900002')).toEqual([4]);
    expect(await ids('flag=returned&region=900001')).toEqual([]);
  });

  it('rejects every bad filter value with a 400 naming the field', async () => {
    for (const [q, field] of [
      ['channel=fax', 'channel'],
      ['kind=complaint,rumour', 'kind'],
      ['status=open', 'status'],
      ['urgency=soon', 'urgency'],
      ['flag=late', 'flag'],
      ['from=2026-11-10&to=2026-11-01', 'to'],
      ['region=nowhere', 'region'],
    ] as const) {
      for (const path of ['/api/tickets', '/api/summary', '/api/tickets/points', '/api/tickets/export?format=csv&']) {
        const url = path.includes('?') ? `${path}${q}` : `${path}?${q}`;
        const res = await get(url);
        expect(res.status, url).toBe(400);
        expect((await res.json()).error.field, url).toBe(field);
      }
    }
    for (const [q, field] of [
      ['format=pdf', 'format'],
      ['format=csv&lang=fr', 'lang'],
    ] as const) {
      const res = await get(`/api/tickets/export?${q}`);
      expect(res.status).toBe(400);
      expect((await res.json()).error.field).toBe(field);
    }
    expect((await get('/api/summary/series?step=day')).status).toBe(400);
  });

  it('gives the drill-down counts of each level and the comparison figures', async () => {
    const city = await json(`/api/summary?${WINDOW}`);
    expect(city.children.level).toBe('district');
    expect(city.children.items.map((d: any) => [d.code, d.count])).toEqual([
      ['900001', 3],
      ['900002', 1],
    ]);
    expect(city.figures).toMatchObject({ total: 6, overdue: 1, returned: 1 });
    const district = await json(`/api/summary?${WINDOW}&region=900001`);
    expect(district.children.level).toBe('street');
    expect(district.children.items.map((d: any) => [d.code, d.count])).toEqual([
      ['900001001', 2],
      ['900001002', 1],
    ]);
    const street = await json(`/api/summary?${WINDOW}&region=900001001`);
    expect(street.children.level).toBe('grid');
    expect(street.children.items.filter((g: any) => g.count > 0).map((g: any) => [g.code, g.count])).toEqual([
      ['900001001G001', 1],
      ['900001001G002', 1],
    ]);
    const grid = await json(`/api/summary?${WINDOW}&region=900001001G002`);
    expect([grid.total, grid.children.level]).toEqual([1, null]);
  });

  it('counts each child per month in the city zone for playback', async () => {
    const s = await json(`/api/summary/series?${WINDOW}&step=month`);
    // ticket 1 is 2026-10-31 23:59:59 in Beijing: October; the others are November
    expect(s.buckets).toEqual(['2026-10-01', '2026-11-01']);
    expect(s.totals).toEqual([1, 5]);
    expect(s.regions).toEqual([
      { code: '900001', counts: [1, 2] },
      { code: '900002', counts: [0, 1] },
    ]);
    expect(s.max).toBe(2);
    // Weeks start on Monday in the city zone: Sat 10-31 23:59:59 and Sun 11-01 00:00 share the week of 10-26.
    const w = await json(`/api/summary/series?${WINDOW}&step=week`);
    expect([w.step, w.buckets, w.totals, w.regions, w.max]).toEqual([
      'week',
      ['2026-10-26', '2026-11-02'],
      [2, 4],
      [
        { code: '900001', counts: [2, 1] },
        { code: '900002', counts: [0, 1] },
      ],
      2,
    ]);
  });

  it('exports the filtered tickets as CSV with a BOM, Chinese headers and no personal data', async () => {
    await db.query(
      `INSERT INTO ticket_callers (ticket_id, name, phone) VALUES (4, '张三', '13800000000') ON CONFLICT DO NOTHING`,
    );
    const res = await get(`/api/tickets/export?format=csv&${WINDOW}&region=900002`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain(
      '工单-乙区-2026-10-01至2026-11-30.csv',
    );
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect(Array.from(bytes.slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '工单号,受理时间,诉求类型,渠道,类别大类,类别,紧急程度,状态,区,街乡镇,网格,地址,经度,纬度,超时,退单次数',
    );
    expect(lines).toHaveLength(2);
    // Beijing time; the address is quoted and cannot run as a formula in Excel
    expect(lines[1]).toBe(
      `4,2026-11-03 16:00,投诉,电话,供水,管道漏水,突发紧急,已退单,乙区,乙一街道,900002001G001,"'=1+2 ""楼"", 东门",116.3,39.05,否,1`,
    );
    expect(text).not.toContain('13800000000');
    expect(text).not.toContain('张三');
  });

  it('exports the same rows as XLSX, in English on request', async () => {
    const res = await get(`/api/tickets/export?format=xlsx&lang=en&${WINDOW}&category=water`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 4)).toEqual(['Ticket', 'Received', 'Kind']);
    const list = await json(`/api/tickets?${WINDOW}&category=water`);
    expect(ws.rowCount - 1).toBe(list.total);
    const ids = [];
    for (let r = 2; r <= ws.rowCount; r++) ids.push(ws.getRow(r).getCell(1).value);
    expect(ids).toEqual(list.items.map((t: any) => t.id).reverse());
  });

  it('sends points quantised over their extent, 6 bytes a point', async () => {
    const plain = await get(`/api/tickets/points?${WINDOW}`);
    const raw = await plain.arrayBuffer();
    const { count, extent, categories } = decodePoints(raw);
    expect(count).toBe(5);
    expect(extent).toEqual([116.02, 39.05, 117.5, 40.5]);
    expect(Array.from(categories).sort()).toEqual([0, 0, 1, 2, 2]);
    const zipped = await client.request(`/api/tickets/points?${WINDOW}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('x-total-count')).toBe('5');
    expect(raw.byteLength).toBe(40 + 5 * 6);
    // quantised points barely compress (see tests/bench/points.bench.ts): sent as they are
    expect(zipped.headers.get('content-encoding')).toBeNull();
  });
});
