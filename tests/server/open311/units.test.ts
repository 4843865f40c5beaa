// The pure parts of Open311: the XML writer, location coarsening, attribute checks and media
// clean-up, each against values worked out by hand.
import { describe, expect, it } from 'vitest';
import { attributeFields, isW3cInstant, validateAttributes } from '../../../server/open311/attributes.ts';
import { open311Error, toXml, xmlText } from '../../../server/open311/format.ts';
import { coarsen, redact, serviceRequest, type RequestRow } from '../../../server/open311/mapping.ts';
import { checkMedia } from '../../../server/open311/media.ts';
import { wellFormedError } from './xml.ts';
import type { Open311Attribute } from '../../../data/city/manifest.ts';

describe('the XML writer', () => {
  it("nests the spec's lists under their singular element and writes empty values as empty elements", () => {
    expect(toXml('services', [{ service_code: 'a', metadata: false, keywords: null, group: '' }])).toBe(
      '<?xml version="1.0" encoding="utf-8"?><services><service><service_code>a</service_code><metadata>false</metadata><keywords/><group/></service></services>',
    );
    expect(toXml('discovery', { endpoints: [{ formats: ['text/xml', 'application/json'] }] })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><discovery><endpoints><endpoint><formats><format>text/xml</format><format>application/json</format></formats></endpoint></endpoints></discovery>',
    );
    expect(
      toXml('service_definition', {
        service_code: 'x',
        attributes: [{ code: 'A', values: [{ key: 'k', name: 'n' }] }],
      }),
    ).toBe(
      '<?xml version="1.0" encoding="utf-8"?><service_definition><service_code>x</service_code><attributes><attribute><code>A</code><values><value><key>k</key><name>n</name></value></values></attribute></attributes></service_definition>',
    );
  });

  it('leaves out what XML 1.0 cannot carry, escapes markup, keeps CR as a reference', () => {
    const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
    expect(xmlText(`${all}<&>"\u007F\uD800x\uDC00\uFFFE\uFFFF😀`)).toBe('\t\n&#13;&lt;&amp;&gt;&quot;\u007Fx😀');
    const doc = toXml('errors', [{ code: 400, description: `a${all}\uD83D\uFFFE]]>b` }]);
    expect(wellFormedError(doc)).toBeNull();
    expect(doc).toBe(
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>400</code><description>a\t\n&#13;]]&gt;b</description></error></errors>',
    );
    // the checker itself refuses what the writer leaves out
    expect(wellFormedError('<a>\u0001</a>')).toMatch(/disallowed character/);
  });

  it("answers errors as the spec's array in both formats", async () => {
    const j = open311Error('json', 403, 'api_key: missing');
    expect([j.status, j.headers.get('content-type'), await j.json()]).toEqual([
      403,
      'application/json; charset=utf-8',
      [{ code: 403, description: 'api_key: missing' }],
    ]);
    const x = open311Error('xml', 404, 'a & b');
    expect([x.status, x.headers.get('content-type'), await x.text()]).toEqual([
      404,
      'text/xml; charset=utf-8',
      '<?xml version="1.0" encoding="utf-8"?><errors><error><code>404</code><description>a &amp; b</description></error></errors>',
    ]);
  });
});

describe('coarsening', () => {
  it('snaps to the centre of a grid cell of the given size, the same for every point of the cell', () => {
    // 100 m of latitude = 100 / 111320 degrees; 39.05123 lies in cell 43471 → centre (43471.5 × step)
    const step = 100 / 111_320;
    const [lat] = coarsen(39.05123, 116.3, 100);
    expect(lat).toBe(Math.round((Math.floor(39.05123 / step) + 0.5) * step * 1e6) / 1e6);
    expect(coarsen(39.05123, 116.3, 0)).toEqual([39.05123, 116.3]);
    const a = coarsen(40.7128, -74.006, 250);
    expect(coarsen(40.7128 + 0.0001, -74.006 + 0.0001, 250)).toEqual(a);
    // never further than half a cell's diagonal from the truth
    for (const [y, x] of [
      [39.9, 116.4],
      [40.75, -73.99],
      [-33.86, 151.2],
      [59.9, 10.75],
    ] as const) {
      const [cy, cx] = coarsen(y, x, 100);
      const dy = (cy - y) * 111_320;
      const dx = (cx - x) * 111_320 * Math.cos((y * Math.PI) / 180);
      expect(Math.hypot(dx, dy)).toBeLessThanOrEqual(Math.SQRT2 * 50 + 1);
    }
  });

  it('shows the area instead of the address when coarsened, and never null fields out of order', () => {
    const row: RequestRow = {
      id: '7',
      status: 'replied',
      category_code: 'c',
      service_name: 'S',
      description: '',
      agency: '甲一街道',
      reply_note: '已处理',
      received_at: '2026-12-01T00:00:00Z',
      updated_at: '2026-12-02T00:00:00Z',
      closed_at: null,
      resolve_due_at: '2026-12-08T00:00:00Z',
      address: '幸福小区3号楼',
      area: '甲一街道, 甲区',
      lon: 116.02,
      lat: 39.05,
      media_kind: 'upload',
      media_ext: 'jpg',
      media_url: null,
    };
    const pub = serviceRequest(row, { base: 'https://h.example/open311/v2', coarsenMeters: 100 });
    expect(pub).toMatchObject({
      status: 'open',
      status_notes: '已处理',
      description: null,
      agency_responsible: '甲一街道',
      address: '甲一街道, 甲区',
      expected_datetime: '2026-12-08T00:00:00.000Z',
      media_url: 'https://h.example/open311/v2/media/7.jpg',
    });
    expect([pub.lat, pub.long]).toEqual(coarsen(39.05, 116.02, 100));
    expect(
      serviceRequest({ ...row, status: 'closed', closed_at: '2026-12-03T00:00:00Z' }, { base: '', coarsenMeters: 0 }),
    ).toMatchObject({
      status: 'closed',
      updated_datetime: '2026-12-03T00:00:00.000Z',
      address: '幸福小区3号楼',
      lat: 39.05,
      long: 116.02,
    });
  });
});

describe('public text', () => {
  it('masks phone numbers and e-mail addresses a citizen typed, not dates, house numbers or coordinates', () => {
    expect(redact('请回电13912345678或 139 1234 5678，邮箱 li.si@example.com.cn')).toBe('请回电***或 ***，邮箱 ***');
    expect(redact('Call +1 212-555-0100 or 2125550100, ext 12')).toBe('Call *** or ***, ext 12');
    expect(redact('2026-12-07 起停水，3号楼2单元1201室，116.4074, 39.9042，工单 123456')).toBe(
      '2026-12-07 起停水，3号楼2单元1201室，116.4074, 39.9042，工单 123456',
    );
    expect(redact(null)).toBeNull();
  });
});

describe('attributes', () => {
  const defs = [
    {
      code: 'S',
      variable: true,
      datatype: 'singlevaluelist',
      required: true,
      order: 1,
      description: { local: 's' },
      values: [
        { key: 'a', name: { local: 'A' } },
        { key: 'b', name: { local: 'B' } },
      ],
    },
    {
      code: 'M',
      variable: true,
      datatype: 'multivaluelist',
      required: false,
      order: 2,
      description: { local: 'm' },
      values: [
        { key: 'x', name: { local: 'X' } },
        { key: 'y', name: { local: 'Y' } },
      ],
    },
    { code: 'N', variable: true, datatype: 'number', required: false, order: 3, description: { local: 'n' } },
    { code: 'I', variable: false, datatype: 'text', required: false, order: 4, description: { local: 'info' } },
  ] as Open311Attribute[];
  const check = (form: Record<string, unknown>) => validateAttributes('svc', defs, attributeFields(form));

  it('reads attribute[code] and attribute[code][] (repeated or as an array)', () => {
    expect(
      check({ 'attribute[S]': 'b', 'attribute[M][]': ['y', 'x', 'y'], 'attribute[N]': '012.50', other: 'z' }),
    ).toEqual({ ok: true, values: { S: 'b', M: ['y', 'x'], N: '12.5' } });
    expect(check({ 'attribute[S]': 'a', 'attribute[M]': 'x' })).toEqual({ ok: true, values: { S: 'a', M: ['x'] } });
  });

  it('names the attribute of every refusal', () => {
    expect(check({})).toEqual({ ok: false, field: 'attribute[S]', message: 'required' });
    expect(check({ 'attribute[S]': '' })).toEqual({ ok: false, field: 'attribute[S]', message: 'required' });
    expect(check({ 'attribute[S]': ['a', 'b'] })).toEqual({
      ok: false,
      field: 'attribute[S]',
      message: 'one value only (singlevaluelist)',
    });
    expect(check({ 'attribute[S]': 'a', 'attribute[M][]': ['x', 'z'] })).toEqual({
      ok: false,
      field: 'attribute[M]',
      message: '"z" is not one of x, y',
    });
    expect(check({ 'attribute[S]': 'a', 'attribute[N]': '1e3' })).toEqual({
      ok: false,
      field: 'attribute[N]',
      message: 'not a number',
    });
    expect(check({ 'attribute[S]': 'a', 'attribute[I]': 'x' })).toEqual({
      ok: false,
      field: 'attribute[I]',
      message: 'not an attribute of service svc',
    });
  });

  it('takes W3C date-times with a zone, or a date alone', () => {
    expect(
      ['2010-01-01T00:00:00Z', '2010-01-01T08:15:30-05:00', '2010-01-01T08:15+0800', '2010-01-01'].map(isW3cInstant),
    ).toEqual([true, true, true, true]);
    expect(['2010-01-01T00:00:00', 'yesterday', '2010-13-01T00:00:00Z', '1e9', ''].map(isW3cInstant)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('media', () => {
  it("keeps a JPEG's image data and drops APP1–APP15 and comments; a PNG its text and EXIF chunks", () => {
    const seg = (m: number, n: number) => [0xff, m, 0, n + 2, ...Array(n).fill(0x41)];
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      ...seg(0xe0, 3),
      ...seg(0xe1, 5),
      ...seg(0xed, 2),
      ...seg(0xfe, 4),
      ...seg(0xdb, 2),
      0xff,
      0xda,
      0,
      2,
      9,
      9,
      0xff,
      0xd9,
    ]);
    const r = checkMedia(jpeg);
    expect(r).toEqual({
      ok: true,
      type: 'image/jpeg',
      bytes: new Uint8Array([0xff, 0xd8, ...seg(0xe0, 3), ...seg(0xdb, 2), 0xff, 0xda, 0, 2, 9, 9, 0xff, 0xd9]),
    });
    const chunk = (t: string, n: number) => [0, 0, 0, n, ...Buffer.from(t), ...Array(n).fill(1), 0, 0, 0, 0];
    const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
    const png = new Uint8Array([
      ...sig,
      ...chunk('IHDR', 13),
      ...chunk('eXIf', 4),
      ...chunk('iTXt', 3),
      ...chunk('IDAT', 2),
      ...chunk('IEND', 0),
    ]);
    expect(checkMedia(png)).toEqual({
      ok: true,
      type: 'image/png',
      bytes: new Uint8Array([...sig, ...chunk('IHDR', 13), ...chunk('IDAT', 2), ...chunk('IEND', 0)]),
    });
  });

  it('refuses anything else by its bytes, whatever it claims', () => {
    expect(checkMedia(new Uint8Array())).toEqual({ ok: false, message: 'empty file' });
    expect(checkMedia(new TextEncoder().encode('<svg/>'))).toEqual({ ok: false, message: 'send a JPEG or PNG image' });
    expect(checkMedia(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x40]))).toEqual({
      ok: false,
      message: 'not a readable JPEG file',
    });
    expect(checkMedia(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 9]))).toEqual({
      ok: false,
      message: 'not a readable PNG file',
    });
  });
});
