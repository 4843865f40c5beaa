// Jurisdiction, actions and personal data (issue #7) on Beijing's geography and a small demo year,
// on both engines: a street official of 三里屯街道 (110105004) gets exactly the rows an admin gets
// for region=110105004 from every ticket endpoint, nothing of another street, and the caller only
// masked; a dispatcher's read in clear is audited.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { loadBeijing } from '../../../data/geo/importer.ts';
import { seedTaxonomy } from '../../../data/taxonomy/index.ts';
import { loadBeijingZones } from '../../../data/zones/importer.ts';
import { generateDemo } from '../../../data/demo/index.ts';
import { createApp } from '../../../server/app.ts';
import { createKiosk } from '../../../server/auth/accounts.ts';
import { FeedReader } from '../../../server/lifecycle/liveFeed.ts';
import { decodePoints } from '../../../server/points.ts';
import { ENGINES, openTestDatabase } from '../../helpers/engines.ts';
import { cookiesOf, signIn, type Client } from '../../helpers/auth.ts';

const STREET = '110105004'; // 三里屯街道
const SIBLING = '110105001'; // 建外街道, same district
const DISTRICT = '110105'; // 朝阳区
const WINDOW = 'from=2000-01-01&to=2100-01-01';
const JSON_HEADERS = { 'content-type': 'application/json' };

type App = ReturnType<typeof createApp>;

/** Reads an SSE response's `ticket` events as they arrive. */
function sseReader(res: Response) {
  const reader = res.body!.getReader();
  const seen: { id: number; ticketId: number; type: string; streetCode: string | null; districtCode: string | null }[] =
    [];
  let buf = '';
  return {
    seen,
    /** Read until `done(seen)` or 15 s; false on timeout. */
    async until(done: (s: typeof seen) => boolean): Promise<boolean> {
      const deadline = Date.now() + 15_000;
      while (!done(seen)) {
        if (Date.now() > deadline) return false;
        const next = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), 500))]);
        if (next === null) continue;
        if (next.done) return done(seen);
        buf += new TextDecoder().decode(next.value);
        let i;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const id = /^id: (\d+)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (id && /^event: ticket$/m.test(block)) seen.push({ ...JSON.parse(data!), id: Number(id) });
        }
      }
      return true;
    },
    cancel: () => reader.cancel(),
  };
}

describe.each(ENGINES)('jurisdiction, actions and personal data on %s', (engine) => {
  let db: Database;
  let app: App;
  let admin: Client;
  let dispatcher: Client;
  let official: Client;
  let category: string;
  /** A point each street owns (checked through intake). */
  const points: Record<string, [number, number]> = {};
  let elsewhere: string; // a street of another district

  const json = async (c: Client, path: string) => {
    const res = await c.request(path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return res.json() as Promise<any>;
  };
  const file = async (street: string, extra: Record<string, unknown> = {}) => {
    const [lon, lat] = points[street]!;
    const res = await dispatcher.request('/api/tickets', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ kind: 'complaint', channel: 'phone', category, description: '测试', lon, lat, ...extra }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return res.json() as Promise<{
      id: number;
      created: boolean;
      status: string;
      locationStatus: string;
      repeatOf: number | null;
    }>;
  };
  const streetOf = async (id: number) =>
    (await db.query<{ s: string | null }>('SELECT street_code AS s FROM tickets WHERE id = $1', [id]))[0]?.s;

  beforeAll(async () => {
    db = await openTestDatabase(engine, 'hotline_test_tickets_scope');
    await loadBeijing(db);
    await seedTaxonomy(db);
    await loadBeijingZones(db);
    await generateDemo(db, { tickets: 12_000, seed: 11, now: new Date() });
    app = createApp({ db });
    admin = await signIn(app, db, { role: 'admin' });
    dispatcher = await signIn(app, db, { role: 'dispatcher' });
    official = await signIn(app, db, { role: 'street_official', regionCode: STREET });
    category = (await db.query<{ code: string }>(`SELECT code FROM categories ORDER BY code LIMIT 1`))[0]!.code;
    elsewhere = (
      await db.query<{ code: string }>(
        `SELECT code FROM regions WHERE level = 'street' AND parent_code <> $1 ORDER BY code LIMIT 1`,
        [DISTRICT],
      )
    )[0]!.code;
    for (const code of [STREET, SIBLING, elsewhere]) {
      const [p] = await db.query<{ lon: number; lat: number }>(
        `SELECT ST_X(p) AS lon, ST_Y(p) AS lat FROM (SELECT ST_PointOnSurface(geom) AS p FROM regions WHERE code = $1) x`,
        [code],
      );
      points[code] = [p!.lon, p!.lat];
    }
    // tickets of our own in both streets, one of ours returned so the returned queue and /api/returns have rows
    for (const street of [STREET, SIBLING, STREET, elsewhere])
      expect(await streetOf((await file(street)).id)).toBe(street);
    const back = await file(STREET);
    const r = await dispatcher.request(`/api/tickets/${back.id}/return`, {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ reason: '非本辖区' }),
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const other = await file(SIBLING);
    expect(
      (
        await dispatcher.request(`/api/tickets/${other.id}/return`, {
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify({ reason: '非本辖区' }),
        })
      ).status,
    ).toBe(200);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('lists, pages and counts only the street’s tickets, the same as an admin asking for that street', async () => {
    const mine = await json(official, `/api/tickets?${WINDOW}&limit=1000`);
    const asked = await json(admin, `/api/tickets?${WINDOW}&limit=1000&region=${STREET}`);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE street_code = $1', [
      STREET,
    ]);
    expect(mine.total).toBe(n);
    expect(n).toBeGreaterThan(20);
    expect(mine.total).toBe(asked.total);
    expect(mine.items.map((t: any) => t.id)).toEqual(asked.items.map((t: any) => t.id));
    expect(new Set(mine.items.map((t: any) => t.streetCode))).toEqual(new Set([STREET]));
    // naming their own street, or a grid cell in it, is allowed and narrows the same way
    expect((await json(official, `/api/tickets?${WINDOW}&region=${STREET}`)).total).toBe(n);
    const grid = (
      await db.query<{ g: string }>(
        'SELECT grid_code AS g FROM tickets WHERE street_code = $1 AND grid_code IS NOT NULL LIMIT 1',
        [STREET],
      )
    )[0]!.g;
    const inGrid = await json(official, `/api/tickets?${WINDOW}&region=${grid}&limit=1000`);
    expect(inGrid.items.every((t: any) => t.gridCode === grid && t.streetCode === STREET)).toBe(true);
    expect(inGrid.total).toBe((await json(admin, `/api/tickets?${WINDOW}&region=${grid}`)).total);
    // a district official gets the district, street by street
    const chaoyang = await signIn(app, db, { role: 'district_official', regionCode: DISTRICT });
    const district = await json(chaoyang, `/api/tickets?${WINDOW}&limit=1000`);
    expect(district.total).toBe((await json(admin, `/api/tickets?${WINDOW}&region=${DISTRICT}`)).total);
    expect(new Set(district.items.map((t: any) => t.districtCode))).toEqual(new Set([DISTRICT]));
    expect((await json(chaoyang, `/api/tickets?${WINDOW}&region=${STREET}`)).total).toBe(n);
    expect((await chaoyang.request(`/api/tickets?${WINDOW}&region=${elsewhere}`)).status).toBe(403);
  });

  it('refuses a region outside the street with 403 naming region, on every filtered endpoint', async () => {
    for (const region of [SIBLING, DISTRICT, elsewhere]) {
      for (const path of [
        '/api/tickets',
        '/api/tickets/points',
        '/api/tickets/export?format=csv&',
        '/api/summary',
        '/api/summary/series',
      ]) {
        const url = `${path}${path.endsWith('&') ? '' : '?'}${WINDOW}&region=${region}`;
        const res = await official.request(url);
        expect(res.status, url).toBe(403);
        const body = (await res.json()) as any;
        expect([body.error.code, body.error.field], url).toEqual(['forbidden', 'region']);
        expect(body.error.message).toBe(`region: ${region} is outside your jurisdiction (${STREET})`);
      }
    }
    // an unknown code is still the caller's bad input
    expect((await official.request(`/api/tickets?region=nowhere`)).status).toBe(400);
  });

  it('exports CSV and XLSX of the street only, with no caller data', async () => {
    const res = await official.request(`/api/tickets/export?format=csv&${WINDOW}`);
    expect(res.status).toBe(200);
    const asked = await admin.request(`/api/tickets/export?format=csv&${WINDOW}&region=${STREET}`);
    const text = new TextDecoder().decode(new Uint8Array(await res.arrayBuffer()).slice(3));
    const askedText = new TextDecoder().decode(new Uint8Array(await asked.arrayBuffer()).slice(3));
    // the file is named after the street it covers
    expect(decodeURIComponent(res.headers.get('content-disposition')!)).toContain('工单-三里屯街道-');
    const rows = text.trimEnd().split('\r\n').slice(1);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE street_code = $1', [
      STREET,
    ]);
    expect([rows.length, res.headers.get('x-total-count')]).toEqual([n, String(n)]);
    expect(text).toBe(askedText);
    // column 10 (街乡镇) of every row; addresses are quoted but never contain the street column's comma position before it
    expect(new Set(rows.map((r) => r.split(',')[9]))).toEqual(new Set(['三里屯街道']));
    const callers = await db.query<{ name: string | null; phone: string | null }>(
      'SELECT c.name, c.phone FROM ticket_callers c JOIN tickets t ON t.id = c.ticket_id WHERE t.street_code = $1',
      [STREET],
    );
    expect(callers.length).toBeGreaterThan(0);
    for (const c of callers) {
      if (c.phone) expect(text).not.toContain(c.phone);
      if (c.name) expect(text).not.toContain(c.name);
    }
    const x = await official.request(`/api/tickets/export?format=xlsx&${WINDOW}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    const ws = wb.worksheets[0]!;
    expect(ws.rowCount - 1).toBe(n);
    const streets = new Set<unknown>();
    for (let r = 2; r <= ws.rowCount; r++) streets.add(ws.getRow(r).getCell(10).value);
    expect(streets).toEqual(new Set(['三里屯街道']));
  });

  it('sends the street’s points only', async () => {
    const mine = await official.request(`/api/tickets/points?${WINDOW}`);
    const asked = await admin.request(`/api/tickets/points?${WINDOW}&region=${STREET}`);
    const [{ n }] = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM tickets WHERE street_code = $1 AND geom IS NOT NULL',
      [STREET],
    );
    expect(mine.headers.get('x-total-count')).toBe(String(n));
    const a = decodePoints(await mine.arrayBuffer());
    const b = decodePoints(await asked.arrayBuffer());
    expect([a.count, a.extent]).toEqual([n, b.extent]);
    expect(Array.from(a.categories).sort()).toEqual(Array.from(b.categories).sort());
    const [box] = await db.query<{ x0: number; y0: number; x1: number; y1: number }>(
      'SELECT ST_XMin(geom) AS x0, ST_YMin(geom) AS y0, ST_XMax(geom) AS x1, ST_YMax(geom) AS y1 FROM regions WHERE code = $1',
      [STREET],
    );
    const [x0, y0, x1, y1] = a.extent;
    expect(x0 >= box!.x0 - 0.001 && y0 >= box!.y0 - 0.001 && x1 <= box!.x1 + 0.001 && y1 <= box!.y1 + 0.001).toBe(true);
  });

  it('sums and plays back the street only', async () => {
    const mine = await json(official, `/api/summary?${WINDOW}`);
    const asked = await json(admin, `/api/summary?${WINDOW}&region=${STREET}`);
    const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets WHERE street_code = $1', [
      STREET,
    ]);
    expect([mine.total, mine.figures, mine.byStatus, mine.byCategoryGroup, mine.children]).toEqual([
      n,
      asked.figures,
      asked.byStatus,
      asked.byCategoryGroup,
      asked.children,
    ]);
    expect(mine.children.level).toBe('grid');
    expect(mine.byDistrict.filter((d: any) => d.count > 0)).toEqual([
      expect.objectContaining({ code: DISTRICT, count: n }),
    ]);
    const [range] = await db.query<{ first: Date; last: Date }>(
      'SELECT min(received_at) AS first, max(received_at) AS last FROM tickets WHERE street_code = $1',
      [STREET],
    );
    expect(mine.dataRange).toEqual({
      first: new Date(range!.first).toISOString(),
      last: new Date(range!.last).toISOString(),
    });
    for (const step of ['month', 'week']) {
      const s = await json(official, `/api/summary/series?${WINDOW}&step=${step}`);
      expect(s).toEqual(await json(admin, `/api/summary/series?${WINDOW}&step=${step}&region=${STREET}`));
      expect(s.totals.reduce((x: number, y: number) => x + y, 0)).toBe(n);
    }
  });

  it('fills every queue and the returns table from the street only', async () => {
    let rows = 0;
    for (const kind of ['unlocated', 'overdue', 'returned', 'reminded']) {
      const all = (await json(admin, `/api/queue?kind=${kind}&limit=1000`)).tickets;
      expect(all.length, kind).toBeLessThan(1000);
      const mine = (await json(official, `/api/queue?kind=${kind}&limit=1000`)).tickets;
      expect(
        mine.map((t: any) => t.id),
        kind,
      ).toEqual(all.filter((t: any) => t.streetCode === STREET).map((t: any) => t.id));
      expect(
        mine.every((t: any) => t.streetCode === STREET && t.total === mine.length),
        kind,
      ).toBe(true);
      rows += mine.length;
    }
    expect(rows).toBeGreaterThan(0);
    const returns = (await json(official, '/api/returns')).units;
    const expected = await db.query(
      `SELECT d.unit_code AS "unitCode", count(*) FILTER (WHERE d.return_justified = false)::int AS unjustified, count(*)::int AS returns
       FROM dispatches d JOIN tickets t ON t.id = d.ticket_id WHERE d.returned_at IS NOT NULL AND t.street_code = $1 GROUP BY 1 ORDER BY 1`,
      [STREET],
    );
    expect(returns).toEqual(expected);
    expect(returns.length).toBeGreaterThan(0);
  });

  it('shows a ticket of the street and answers 404 for another street’s, as for a missing one', async () => {
    const inside = await file(STREET);
    const outside = await file(SIBLING);
    const t = await json(official, `/api/tickets/${inside.id}`);
    expect([t.id, t.streetCode]).toEqual([inside.id, STREET]);
    for (const id of [outside.id, 999_999_999]) {
      const res = await official.request(`/api/tickets/${id}`);
      expect([res.status, await res.json()]).toEqual([
        404,
        { error: { code: 'not_found', message: `No ticket ${id}`, field: 'id' } },
      ]);
    }
    expect((await admin.request(`/api/tickets/${outside.id}`)).status).toBe(200);
  });

  it('answers Open311 requests of the street only, list and single', async () => {
    const start = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const mine = (await json(official, `/open311/v2/requests.json?start_date=${start}`)) as any[];
    const all = (await json(admin, `/open311/v2/requests.json?start_date=${start}`)) as any[];
    expect(all.length).toBeLessThan(1000);
    const inStreet = new Set(
      (await db.query<{ id: number }>('SELECT id::int AS id FROM tickets WHERE street_code = $1', [STREET])).map((r) =>
        String(r.id),
      ),
    );
    expect(mine.map((r) => r.service_request_id)).toEqual(
      all.filter((r) => inStreet.has(r.service_request_id)).map((r) => r.service_request_id),
    );
    expect(mine.length).toBeGreaterThan(0);
    const outside = (
      await db.query<{ id: number }>('SELECT id::int AS id FROM tickets WHERE street_code = $1 LIMIT 1', [SIBLING])
    )[0]!.id;
    // service_request_id drops every other filter, never the jurisdiction
    expect(
      await json(official, `/open311/v2/requests.json?service_request_id=${outside},${mine[0].service_request_id}`),
    ).toEqual([mine[0]]);
    const one = await official.request(`/open311/v2/requests/${outside}.json`);
    expect([one.status, await one.json()]).toEqual([
      404,
      [{ code: 404, description: `service_request_id ${outside} not found` }],
    ]);
    expect(await json(official, `/open311/v2/requests/${mine[0].service_request_id}.json`)).toEqual([mine[0]]);
  });

  it('streams only the street’s events live and on resume; a district wall gets its district', async () => {
    const [{ last }] = await db.query<{ last: number }>('SELECT max(id)::int AS last FROM ticket_events');
    const kiosk = await createKiosk(db, { screen: `朝阳大屏-${engine}`, regionCode: DISTRICT });
    const redeem = await app.request('/api/auth/kiosk', {
      method: 'POST',
      headers: JSON_HEADERS,
      body: JSON.stringify({ token: kiosk.token }),
    });
    expect(redeem.status).toBe(200);
    const c = cookiesOf(redeem);
    const wallCookie = `hl_session=${c.hl_session}; hl_csrf=${c.hl_csrf}`;
    const ctrl = new AbortController();
    const live = sseReader(await official.request('/api/live', { signal: ctrl.signal }));
    const wall = sseReader(await app.request('/api/live', { headers: { cookie: wallCookie }, signal: ctrl.signal }));
    const everyone = sseReader(await admin.request('/api/live', { signal: ctrl.signal }));
    // outside first: had it leaked, it would arrive before the one in scope
    const far = await file(elsewhere);
    const near = await file(SIBLING);
    const mine = await file(STREET);
    const dispatchedOf = (id: number) => (s: { ticketId: number; type: string }[]) =>
      s.some((e) => e.ticketId === id && e.type === 'dispatched');
    expect(await everyone.until(dispatchedOf(mine.id))).toBe(true);
    expect(await live.until(dispatchedOf(mine.id))).toBe(true);
    expect(await wall.until(dispatchedOf(mine.id))).toBe(true);
    const ticketsOf = (s: { ticketId: number }[]) => [...new Set(s.map((e) => e.ticketId))];
    expect(ticketsOf(everyone.seen)).toEqual([far.id, near.id, mine.id]);
    expect(live.seen.map((e) => [e.ticketId, e.type, e.streetCode])).toEqual([
      [mine.id, 'received', STREET],
      [mine.id, 'dispatched', STREET],
    ]);
    expect(ticketsOf(wall.seen)).toEqual([near.id, mine.id]);
    expect(wall.seen.every((e) => e.districtCode === DISTRICT)).toBe(true);
    // every event the admin saw came with consecutive ids: the scoped readers stepped over the same ids without a gap
    const ids = everyone.seen.map((e) => e.id);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(live.seen.map((e) => e.id)).toEqual(everyone.seen.filter((e) => e.ticketId === mine.id).map((e) => e.id));
    ctrl.abort();
    await Promise.allSettled([live.cancel(), wall.cancel(), everyone.cancel()]);

    // resuming from before all three replays exactly the street's events, from the table
    const again = new AbortController();
    const resumed = sseReader(
      await official.request('/api/live', { headers: { 'last-event-id': String(last) }, signal: again.signal }),
    );
    expect(await resumed.until((s) => s.length >= 2)).toBe(true);
    const afterLast = await db.query<{ id: number }>(
      'SELECT e.id::int AS id FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE e.id > $1 AND t.street_code = $2 ORDER BY e.id',
      [last, STREET],
    );
    await resumed.until((s) => s.length >= afterLast.length);
    expect(resumed.seen.map((e) => e.id)).toEqual(afterLast.map((r) => r.id));
    expect(resumed.seen.map((e) => e.ticketId)).toContain(mine.id);
    again.abort();
    await resumed.cancel().catch(() => {});

    // a scoped reader whose whole batch lies outside its street still knows to read on
    const reader = new FeedReader(db, last, { level: 'street', code: STREET, district: DISTRICT });
    const read: number[] = [];
    let rounds = 0;
    do {
      read.push(...(await reader.next(1)).map((e) => e.id));
      rounds++;
    } while (reader.more);
    expect(read).toEqual(afterLast.map((r) => r.id));
    expect(rounds).toBeGreaterThan(afterLast.length);
  });

  it('lets an official act on the street’s tickets (and ones sent to their unit) only, recording who', async () => {
    const inside = await file(STREET);
    const act = (c: Client, id: number, action: string, body: unknown = {}) =>
      c.request(`/api/tickets/${id}/${action}`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) });
    const ok = await act(official, inside.id, 'accept');
    expect(ok.status, await ok.clone().text()).toBe(200);
    const t = await json(admin, `/api/tickets/${inside.id}`);
    expect(t.events.at(-1)).toMatchObject({ type: 'accepted', data: { by: official.username } });

    const outside = await file(SIBLING);
    const before = (
      await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [outside.id])
    )[0]!.n;
    for (const action of ['accept', 'progress', 'reply']) {
      const res = await act(official, outside.id, action);
      expect([res.status, await res.json()]).toEqual([
        404,
        { error: { code: 'not_found', message: `No ticket ${outside.id}`, field: 'id' } },
      ]);
    }
    const ret = await act(official, outside.id, 'return', { reason: '不是我们的' });
    expect(ret.status).toBe(404);
    expect(
      (
        await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1', [outside.id])
      )[0]!.n,
    ).toBe(before);
    // the hotline's own actions stay the hotline's
    expect((await act(official, inside.id, 'close')).status).toBe(403);
    // and an official acts as their own unit, not another
    const asOther = await act(official, inside.id, 'progress', { unitCode: SIBLING });
    expect([asOther.status, ((await asOther.json()) as any).error.field]).toEqual([403, 'unitCode']);
    expect((await act(official, inside.id, 'progress', { unitCode: STREET })).status).toBe(200);

    // sent back by its street and re-dispatched to 三里屯: now theirs to work, though it lies elsewhere
    expect((await act(dispatcher, outside.id, 'return', { reason: '非本辖区' })).status).toBe(200);
    expect((await act(dispatcher, outside.id, 'redispatch', { unitCode: STREET, justified: true })).status).toBe(200);
    const accepted = await act(official, outside.id, 'accept');
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    const events = (await json(admin, `/api/tickets/${outside.id}`)).events;
    expect(events.slice(-3).map((e: any) => [e.type, e.data?.by])).toEqual([
      ['returned', dispatcher.username],
      ['redispatched', dispatcher.username],
      ['accepted', official.username],
    ]);
  });

  it('refuses intake to an analyst, and never echoes the caller in the intake answer', async () => {
    const analyst = await signIn(app, db, { role: 'analyst' });
    const [lon, lat] = points[STREET]!;
    const body = JSON.stringify({
      kind: 'complaint',
      channel: 'phone',
      category,
      lon,
      lat,
      callerName: '王小明',
      callerPhone: '13912345678',
    });
    const refused = await analyst.request('/api/tickets', { method: 'POST', headers: JSON_HEADERS, body });
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.field).toBe('role');
    const res = await dispatcher.request('/api/tickets', { method: 'POST', headers: JSON_HEADERS, body });
    const text = await res.text();
    expect(res.status).toBe(201);
    expect(Object.keys(JSON.parse(text)).sort()).toEqual(['created', 'id', 'locationStatus', 'repeatOf', 'status']);
    expect(text).not.toContain('13912345678');
    expect(text).not.toContain('王小明');
  });

  it('masks the caller in the detail for everyone, and reads it in clear for a dispatcher with one audit row', async () => {
    const t = await file(STREET, { callerName: '张三丰', callerPhone: '13812345678' });
    const masked = { name: '张**', phone: '138****5678' };
    for (const c of [official, dispatcher, admin]) {
      const d = await json(c, `/api/tickets/${t.id}`);
      expect(d.caller).toEqual(masked);
      expect(JSON.stringify(d)).not.toContain('13812345678');
    }
    const anonymous = await file(STREET);
    expect((await json(admin, `/api/tickets/${anonymous.id}`)).caller).toBeNull();

    const auditRows = () =>
      db.query<{ username: string; action: string; ticket_id: number; user_id: number | null }>(
        `SELECT username, action, ticket_id::int AS ticket_id, user_id FROM audit_log WHERE action = 'caller.read' ORDER BY id`,
      );
    const before = (await auditRows()).length;
    const res = await dispatcher.request(`/api/tickets/${t.id}/caller`);
    expect([res.status, res.headers.get('cache-control'), await res.json()]).toEqual([
      200,
      'no-store',
      { id: t.id, caller: { name: '张三丰', phone: '13812345678' } },
    ]);
    const rows = await auditRows();
    expect(rows.length).toBe(before + 1);
    const [{ id: dispatcherId }] = await db.query<{ id: number }>('SELECT id FROM users WHERE username = $1', [
      dispatcher.username,
    ]);
    expect(rows.at(-1)).toEqual({
      username: dispatcher.username,
      action: 'caller.read',
      ticket_id: t.id,
      user_id: dispatcherId,
    });

    // officials and analysts may not; a missing or out-of-jurisdiction ticket is a 404 and not audited
    const refused = await official.request(`/api/tickets/${t.id}/caller`);
    expect([refused.status, ((await refused.json()) as any).error.field]).toEqual([403, 'role']);
    const missing = await admin.request('/api/tickets/999999999/caller');
    expect([missing.status, await missing.json()]).toEqual([
      404,
      { error: { code: 'not_found', message: 'No ticket 999999999', field: 'id' } },
    ]);
    expect((await auditRows()).length).toBe(before + 1);

    // no audit row, no data: a refused insert fails the read
    await db.query(`ALTER TABLE audit_log ADD CONSTRAINT test_no_audit CHECK (action <> 'caller.read') NOT VALID`);
    try {
      const failed = await dispatcher.request(`/api/tickets/${t.id}/caller`);
      const text = await failed.text();
      expect([failed.status, JSON.parse(text).error.code]).toEqual([500, 'internal']);
      expect(text).not.toContain('13812345678');
      expect(text).not.toContain('张三丰');
    } finally {
      await db.query('ALTER TABLE audit_log DROP CONSTRAINT test_no_audit');
    }
    expect((await auditRows()).length).toBe(before + 1);
  });

  it('keeps reference geography whole for a scoped official', async () => {
    const districts = await json(official, '/api/regions?level=district');
    expect(districts.features.length).toBe(16);
    expect((await json(official, '/api/categories')).categories.length).toBeGreaterThan(0);
    expect((await official.request('/api/zones')).status).toBe(200);
  });
});
