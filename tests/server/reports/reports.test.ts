// The reporting rhythm over HTTP on both engines, on the hand-built city of the ranking tests plus
// a planted spike: JSON figures that agree with the ranking, XLSX downloads that parse back with
// the expected sheets, headers and values (Chinese by default, English on request), an RFC 5987
// file name, the printable bulletin page, warnings of emerging problems, and bad input.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { configureRanking } from '../../../server/ranking/service.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { signIn, type Client } from '../../helpers/auth.ts';
import { D2, HAND_POLICY, handClock, loadHandCity, S1, S2, S3, S5 } from '../ranking/handCity.ts';

/** Eight water-outage calls in S3 (district D2) on 15 August, none in the week before: a new problem. */
async function plantSpike(db: Database) {
  for (let i = 0; i < 8; i++) {
    await db.query(
      `INSERT INTO tickets (id, kind, channel, category_code, urgency, location_status, district_code, street_code, status, received_at, closed_at)
       VALUES ($1, 'consultation', 'phone', 'water.outage', 'ordinary', 'located', $2, $3, 'closed', $4, $4)`,
      [100 + i, D2, S3, new Date(Date.parse('2026-08-15T02:00:00Z') + i * 60_000).toISOString()],
    );
  }
}

async function readWorkbook(res: Response) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await res.arrayBuffer()) as ArrayBuffer);
  const sheet = (name: string) => {
    const ws = wb.getWorksheet(name);
    if (!ws) throw new Error(`no sheet ${name}; have ${wb.worksheets.map((w) => w.name).join(', ')}`);
    const rows: unknown[][] = [];
    ws.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    return rows;
  };
  return { names: wb.worksheets.map((w) => w.name), sheet };
}

describe.each(ENGINES)('reports on %s', (engine) => {
  let db: Database;
  let app: ReturnType<typeof createApp>;
  /** Every request signs in (an admin: the whole city), as the dashboard does. */
  let client: Client;
  const json = async (path: string) => {
    const res = await client.request(path);
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_reports');
    await loadHandCity(db);
    await plantSpike(db);
    configureRanking(db, { policy: HAND_POLICY, now: handClock });
    app = createApp({ db });
    client = await signIn(app, db);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('writes the monthly bulletin as JSON: city figures, every table, classes, movers, red zone', async () => {
    const { status, body } = await json('/api/reports/monthly?month=2026-10');
    expect(status).toBe(200);
    expect(body).toMatchObject({ kind: 'monthly', month: '2026-10', label: '2026-10', status: 'closed' });
    // October city-wide: 14 demands (the address-only consultation counts for the city), 12 dispatched.
    expect(body.city.counts).toMatchObject({
      volume: 14,
      dispatched: 12,
      respondedInTime: 9,
      calledBack: 12,
      solved: 9,
      satisfied: 7,
      basic: 3,
      dissatisfied: 2,
    });
    expect(body.city.score).toBe(76.5);
    expect(body.previous.counts).toMatchObject({ dispatched: 4, calledBack: 3 });
    const ranking = (await json('/api/ranking?month=2026-10')).body;
    expect(body.streets.rows).toEqual(ranking.rows);
    expect(body.streets.classes).toEqual({
      advanced: [S2, S5],
      progressing: [S2],
      rectification: [S3],
      governance: [S1],
    });
    expect(body.streets.redZone).toEqual([S3]);
    expect(body.districts.rows.map((r: any) => r.score)).toEqual([84.43, 65.4]);
    expect(body.departments.rows).toHaveLength(1);
    expect(body.utilities.rows).toHaveLength(1);
  });

  it('downloads the bulletin as XLSX with Chinese sheets, headers and the ranking rows', async () => {
    const res = await client.request('/api/reports/monthly?month=2026-10&format=xlsx');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="monthly-bulletin-2026-10.xlsx"; filename*=UTF-8''${encodeURIComponent('月度通报-2026-10.xlsx')}`,
    );
    const wb = await readWorkbook(res);
    expect(wb.names).toEqual([
      '概况',
      '街乡镇排名',
      '排名变化',
      '红区',
      '各区',
      '部门排名',
      '公共服务企业排名',
      '诉求类别',
      '预警',
    ]);
    const streets = wb.sheet('街乡镇排名');
    expect(streets[0]).toEqual([
      '排名',
      '名次变化',
      '代码',
      '名称',
      '所属区',
      '综合得分',
      '响应率(%)',
      '解决率(%)',
      '满意率(%)',
      '派单量',
      '按时响应',
      '回访量',
      '已解决',
      '满意',
      '基本满意',
      '不满意',
      '无理退单',
      '诉求量',
      '万人诉求量',
      '类别',
      '红区',
    ]);
    expect(streets[1]).toEqual([
      1,
      1,
      S2,
      '东二街道',
      '东区',
      100,
      100,
      100,
      100,
      3,
      3,
      3,
      3,
      3,
      0,
      0,
      1,
      3,
      1.5,
      '先进类、进步类',
      '',
    ]);
    expect(streets[3]).toEqual([
      3,
      -2,
      S1,
      '东一街道',
      '东区',
      72.75,
      75,
      75,
      70,
      4,
      3,
      4,
      3,
      2,
      1,
      1,
      0,
      5,
      5,
      '治理类',
      '',
    ]);
    expect(streets[4]).toEqual([
      4,
      -1,
      S3,
      '西一街道',
      '西区',
      42.33,
      33.33,
      33.33,
      53.33,
      3,
      1,
      3,
      1,
      0,
      2,
      1,
      0,
      4,
      4,
      '整改类',
      '是',
    ]);
    // The unranked street keeps its row, with empty rank and rates.
    expect(streets[5]!.slice(0, 9)).toEqual([
      undefined,
      undefined,
      '910002002',
      '西二街道',
      '西区',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(wb.sheet('红区')).toEqual([
      ['代码', '名称', '所属区', '连续整改月数', '排名', '综合得分'],
      [S3, '西一街道', '西区', 2, 4, 42.33],
    ]);
    const summary = wb.sheet('概况');
    expect(summary[0]).toEqual(['指标', '本期', '上期']);
    expect(summary.find((r) => r[0] === '综合得分')).toEqual(['综合得分', 76.5, 64.5]);
  });

  it('switches sheets and headers to English with lang=en', async () => {
    const res = await client.request('/api/reports/monthly?month=2026-10&format=xlsx&lang=en');
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="monthly-bulletin-2026-10.xlsx"; filename*=UTF-8''monthly-bulletin-2026-10.xlsx`,
    );
    const wb = await readWorkbook(res);
    expect(wb.names).toEqual([
      'Summary',
      'Streets',
      'Movers',
      'Red zone',
      'Districts',
      'Departments',
      'Utilities',
      'Categories',
      'Warnings',
    ]);
    const streets = wb.sheet('Streets');
    expect(streets[0]!.slice(0, 6)).toEqual(['Rank', 'Rank change', 'Code', 'Name', 'District', 'Score']);
    expect(streets[1]!.slice(0, 5)).toEqual([1, 1, S2, 'East Two', 'East']);
    expect(streets[1]![19]).toBe('Advanced, Progressing');
  });

  it('prints the bulletin as a self-contained A4 page in Chinese', async () => {
    const res = await client.request('/api/reports/monthly?month=2026-10&format=html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('月度通报-2026-10.html')}`,
    );
    const html = await res.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('2026年10月');
    expect(html).toMatch(/@page\s*\{\s*size:\s*A4/);
    expect(html).toContain('西一街道（2）'); // the red zone, with its months in rectification
    expect(html).toContain('先进类');
    // Nothing to fetch: no scripts, stylesheets, images, fonts or links out.
    expect(html).not.toMatch(/<script|<link|<img|@import|url\(|https?:\/\//i);
  });

  it('writes the daily report with the day of figures, intake, backlog and warnings of a new problem', async () => {
    const oct31 = (await json('/api/reports/daily?date=2026-10-31')).body;
    // 31 October in Beijing: ticket 4 received, dispatched and responded; ticket 5 called back.
    expect(oct31.city.counts).toMatchObject({ volume: 1, dispatched: 1, respondedInTime: 1, calledBack: 1, solved: 1 });
    expect(oct31.intake).toEqual({ total: 1, byKind: { complaint: 1 }, byChannel: { phone: 1 } });
    expect(oct31.overdueOpen).toBe(0);
    expect(oct31.districts.map((r: any) => [r.code, r.counts.dispatched, r.counts.calledBack])).toEqual([
      ['910001', 1, 1],
      ['910002', 0, 0],
    ]);
    const spike = (await json('/api/reports/daily?date=2026-08-15')).body;
    expect(spike.categories.map((c: any) => [c.code, c.current, c.expected])).toEqual([['water.outage', 8, 0]]);
    // The data do not reach a year back: expected values come from the 7 days before, and say so.
    expect(spike.expectedBasis).toEqual({ basis: 'recent', lastYear: null, growth: null });
    expect(spike.warnings.every((w: any) => w.basis === 'recent')).toBe(true);
    expect(
      spike.warnings.map((w: any) => [w.categoryCode, w.districtCode, w.current, w.level, w.districtNameZh]),
    ).toEqual([
      ['water.outage', null, 8, 'new', null],
      ['water.outage', D2, 8, 'new', '西区'],
    ]);
    const xlsx = await readWorkbook(await client.request('/api/reports/daily?date=2026-08-15&format=xlsx'));
    expect(xlsx.names).toEqual(['概况', '各区', '诉求类别', '预警']);
    expect(xlsx.sheet('预警')[1]).toEqual(['停水', '全市', 8, 0, 16, spike.warnings[0].p, '新出现']);
  });

  it('writes the weekly analysis by ISO week in Beijing time', async () => {
    const { body } = await json('/api/reports/weekly?week=2026-W44');
    expect(body.period).toEqual({ from: '2026-10-25T16:00:00.000Z', to: '2026-11-01T16:00:00.000Z' });
    expect(body.days.map((d: any) => d.date)).toEqual([
      '2026-10-26',
      '2026-10-27',
      '2026-10-28',
      '2026-10-29',
      '2026-10-30',
      '2026-10-31',
      '2026-11-01',
    ]);
    // Tickets 4 (31 Oct, 23:59:59) and 6 (1 Nov, 00:00:00) were both dispatched this week, one each day.
    expect(body.days.slice(-2).map((d: any) => d.counts.dispatched)).toEqual([1, 1]);
    expect(body.city.counts.dispatched).toBe(2);
    expect(body.streets.best.map((r: any) => r.code)).toEqual([S1]);
    const wb = await readWorkbook(await client.request('/api/reports/weekly?week=2026-W44&format=xlsx'));
    expect(wb.names).toEqual(['概况', '每日', '各区', '前十', '后十', '诉求类别', '预警']);
    expect(wb.sheet('每日')[0]).toEqual([
      '日期',
      '诉求量',
      '派单量',
      '响应率(%)',
      '回访量',
      '解决率(%)',
      '满意率(%)',
      '综合得分',
    ]);
  });

  it('writes the annual summary from the months: sums, monthly line and months in each class', async () => {
    const { body } = await json('/api/reports/annual?year=2026');
    expect(body.months).toHaveLength(12);
    expect(body.months.find((m: any) => m.month === '2026-10').counts.dispatched).toBe(12);
    // The year is the sum of its months: September 4 + October 12 + November 1 dispatched.
    expect(body.city.counts.dispatched).toBe(17);
    const s3 = body.streets.find((r: any) => r.code === S3);
    expect(s3.classMonths).toEqual({ advanced: 0, progressing: 0, rectification: 2, governance: 1, redZone: 1 });
    const wb = await readWorkbook(await client.request('/api/reports/annual?year=2026&format=xlsx'));
    expect(wb.names).toEqual([
      '概况',
      '月度走势',
      '街乡镇排名',
      '各区',
      '部门排名',
      '公共服务企业排名',
      '诉求类别',
      '预警',
    ]);
    expect(wb.sheet('街乡镇排名')[0]!.slice(-5)).toEqual([
      '先进类月数',
      '进步类月数',
      '整改类月数',
      '治理类月数',
      '红区月数',
    ]);
  });

  it('rejects bad periods and formats naming the field', async () => {
    for (const [path, field] of [
      ['/api/reports/monthly?month=2026-13', 'month'],
      ['/api/reports/daily?date=2026-02-30', 'date'],
      ['/api/reports/weekly?week=2025-W53', 'week'],
      ['/api/reports/weekly?week=2026-44', 'week'],
      ['/api/reports/annual?year=abc', 'year'],
      ['/api/reports/monthly?month=2026-10&format=pdf', 'format'],
      ['/api/reports/daily?date=2026-10-31&format=html', 'format'],
      ['/api/reports/monthly?month=2026-10&lang=fr', 'lang'],
    ] as const) {
      const res = await json(path);
      expect(res.status, path).toBe(400);
      expect(res.body.error.field, path).toBe(field);
    }
  });
});
