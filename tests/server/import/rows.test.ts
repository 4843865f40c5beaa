// The mapping file schema and one row → one ticket-to-be (pure), with exact values.
import { describe, expect, it } from 'vitest';
import { latLngToCell } from 'h3-js';
import {
  mappingColumns,
  MappingError,
  parseMapping,
  readMappingFile,
  type MappingInput,
} from '../../../server/import/mapping.ts';
import { compileMapping, MissingColumns } from '../../../server/import/rows.ts';
import { normalisePoint } from '../../../server/intake/normalise.ts';

const NYC_MAPPING = new URL('../../../data/cities/nyc/history/nyc-311.mapping.json', import.meta.url).pathname;

const base: MappingInput = {
  source: 'test',
  externalId: 'id',
  received: ['created', 'opened'],
  closed: 'closed',
  due: 'due',
  updated: 'updated',
  status: { column: 'status', values: { Open: 'dispatched', Closed: 'closed', 'In Progress': 'in_progress' } },
  agency: { column: 'agency', values: { DEP: 'dep' } },
  category: {
    columns: ['type', 'descriptor'],
    values: {
      'Sewer|Street Flooding (SJ)': 'sewer.street_flooding',
      Sewer: 'sewer.backup',
      'HEAT/HOT WATER': 'housing.heat_hot_water',
    },
    unmapped: 'other.unmapped',
  },
  description: { columns: ['type', 'descriptor'], separator: ' — ' },
  address: [
    { columns: ['address', 'city'], separator: ', ' },
    { columns: ['cross1', 'cross2'], separator: ' & ' },
  ],
  resolution: 'resolution',
  coordinates: [
    { lat: 'lat', lon: 'lon' },
    { column: 'location', format: 'pair' },
  ],
  channel: { column: 'channel', values: { PHONE: 'phone', ONLINE: 'web' }, default: 'phone' },
  duplicateMarker: { column: 'resolution', contains: ['is a duplicate'] },
  callback: {
    column: 'survey',
    values: {
      'Very satisfied': { solved: true, satisfaction: 'satisfied' },
      'Not fixed': { solved: false, satisfaction: 'dissatisfied' },
    },
    at: 'survey_at',
  },
  caller: { phone: 'phone' },
};
const HEADER = [
  'id',
  'created',
  'opened',
  'closed',
  'due',
  'updated',
  'status',
  'agency',
  'type',
  'descriptor',
  'address',
  'city',
  'cross1',
  'cross2',
  'resolution',
  'lat',
  'lon',
  'location',
  'channel',
  'survey',
  'survey_at',
  'phone',
];

function mapper(input: Partial<MappingInput> = {}, zone = 'America/New_York') {
  return compileMapping(parseMapping({ ...base, ...input }), HEADER, zone);
}
function row(values: Partial<Record<(typeof HEADER)[number], string>>): string[] {
  return HEADER.map((h) => values[h] ?? '');
}
const good = {
  id: '65243698',
  created: '2025-06-12T23:57:27.000',
  status: 'Open',
  agency: 'DEP',
  type: 'Sewer',
  descriptor: 'Street Flooding (SJ)',
  address: '115 AUDLEY   STREET',
  city: 'KEW GARDENS',
  lat: '40.70885651893667',
  lon: '-73.83329114729763',
  channel: 'ONLINE',
};

describe('mapping file', () => {
  it('accepts the NYC mapping and lists every column it reads', () => {
    const m = readMappingFile(NYC_MAPPING);
    expect(m.source).toBe('nyc-311');
    expect(m.timeZone).toBe('America/New_York');
    expect(mappingColumns(m).sort()).toEqual(
      [
        'agency',
        'closed_date',
        'complaint_type',
        'created_date',
        'descriptor',
        'due_date',
        'incident_address',
        'city',
        'incident_zip',
        'intersection_street_1',
        'intersection_street_2',
        'landmark',
        'latitude',
        'location',
        'location_type',
        'longitude',
        'open_data_channel_type',
        'resolution_action_updated_date',
        'resolution_description',
        'status',
        'unique_key',
      ].sort(),
    );
  });

  it('names every bad field', () => {
    let err: MappingError | null = null;
    try {
      parseMapping({
        ...base,
        source: 'has space',
        status: { column: 'status', values: { Open: 'opened' } },
        crs: 'EPSG:2263',
      });
    } catch (e) {
      err = e as MappingError;
    }
    expect(err).toBeInstanceOf(MappingError);
    expect(err!.issues.map((i) => i.path).sort()).toEqual(['crs', 'source', 'status.values.Open']);
    expect(() => parseMapping({ ...base, surprise: 1 })).toThrow(/surprise/);
    expect(() => parseMapping({ ...base, duplicateMarker: { column: 'resolution' } })).toThrow(
      /give equals or contains/,
    );
  });

  it('refuses a file that lacks a column the mapping names', () => {
    expect(() =>
      compileMapping(
        parseMapping(base),
        HEADER.filter((h) => h !== 'status' && h !== 'lat'),
        'UTC',
      ),
    ).toThrow(MissingColumns);
    try {
      compileMapping(
        parseMapping(base),
        HEADER.filter((h) => h !== 'status' && h !== 'lat'),
        'UTC',
      );
    } catch (e) {
      expect((e as MissingColumns).columns).toEqual(['status', 'lat']);
    }
  });
});

describe('one row', () => {
  it('maps every field of a good row', () => {
    const r = mapper().map(row(good), 2);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = normalisePoint(-73.83329114729763, 40.70885651893667, 'WGS84');
    expect(r.row).toEqual({
      line: 2,
      externalId: '65243698',
      kind: 'complaint',
      channel: 'web',
      category: 'sewer.street_flooding',
      department: 'dep',
      status: 'dispatched',
      sourceStatus: 'Open',
      received: Date.parse('2025-06-13T03:57:27Z'),
      closed: null,
      due: null,
      updated: null,
      callbackAt: null,
      solved: null,
      satisfaction: null,
      duplicate: false,
      description: 'Sewer — Street Flooding (SJ)',
      address: '115 AUDLEY STREET, KEW GARDENS',
      resolution: null,
      crs: 'WGS84',
      sourceLon: -73.83329114729763,
      sourceLat: 40.70885651893667,
      lon: -73.83329114729763,
      lat: 40.70885651893667,
      h3r7: p.h3r7,
      h3r8: p.h3r8,
      h3r9: p.h3r9,
      placeholder: null,
      invalidPoint: null,
      callerName: null,
      callerPhone: null,
    });
    expect(r.notes).toEqual({});
  });

  it('finds the category by the full key, then by its prefix; unknown values kept under unmapped and noted', () => {
    const m = mapper();
    const cat = (type: string, descriptor: string) => {
      const r = m.map(row({ ...good, type, descriptor }), 2);
      return r.ok ? [r.row.category, r.notes.unmappedCategory ?? null] : r.rejection.reason;
    };
    expect(cat('Sewer', 'Street Flooding (SJ)')).toEqual(['sewer.street_flooding', null]);
    expect(cat('  sewer ', 'street  flooding (sj)')).toEqual(['sewer.street_flooding', null]);
    expect(cat('Sewer', 'Sewer Odor (SA2)')).toEqual(['sewer.backup', null]);
    expect(cat('HEAT/HOT WATER', 'ENTIRE BUILDING')).toEqual(['housing.heat_hot_water', null]);
    expect(cat('Illegal Fireworks', 'n/a')).toEqual(['other.unmapped', 'Illegal Fireworks|n/a']);
    const strict = mapper({ category: { columns: ['type', 'descriptor'], values: { Sewer: 'sewer.backup' } } });
    const r = strict.map(row({ ...good, type: 'Illegal Fireworks', descriptor: 'n/a' }), 9);
    expect(r).toEqual({
      ok: false,
      rejection: {
        line: 9,
        field: 'category',
        reason: "unknown value 'Illegal Fireworks|n/a'",
        externalId: '65243698',
      },
    });
  });

  it('rejects rows naming the field and the reason', () => {
    const m = mapper();
    const rej = (v: Partial<typeof good> & Record<string, string>) => {
      const r = m.map(row({ ...good, ...v }), 5);
      return r.ok ? null : `${r.rejection.field}: ${r.rejection.reason}`;
    };
    expect(rej({ id: '' })).toBe("externalId: column 'id' is empty");
    expect(rej({ created: '' })).toBe('received: created / opened: empty');
    expect(rej({ created: '13/45/2025' })).toBe("received: created: '13/45/2025': month 13");
    expect(rej({ created: '2999-01-01T00:00:00' })).toMatch(/^received: 2999-01-01T05:00:00.000Z is in the future$/);
    expect(rej({ status: 'Escalated' })).toBe("status: unknown value 'Escalated'");
    expect(rej({ closed: 'soon' })).toMatch(/^closed: closed: 'soon' is not a date/);
    // The second received column is the fallback.
    const r = m.map(row({ ...good, created: '', opened: '06/12/2025 11:57:27 PM' }), 5);
    expect(r.ok && r.row.received).toBe(Date.parse('2025-06-13T03:57:27Z'));
  });

  it('keeps history: closed with its time, a closed time on an open row ignored, skewed times clamped', () => {
    const m = mapper();
    const closed = m.map(
      row({
        ...good,
        status: 'Closed',
        closed: '2025-06-14T10:00:00.000',
        due: '2025-06-20T00:00:00.000',
        resolution: 'The Department fixed it.',
      }),
      2,
    );
    expect(
      closed.ok && [
        closed.row.status,
        new Date(closed.row.closed!).toISOString(),
        new Date(closed.row.due!).toISOString(),
        closed.row.resolution,
      ],
    ).toEqual(['closed', '2025-06-14T14:00:00.000Z', '2025-06-20T04:00:00.000Z', 'The Department fixed it.']);
    const open = m.map(row({ ...good, status: 'Open', closed: '2025-06-12T23:57:27.000' }), 2);
    expect(open.ok && [open.row.status, open.row.closed, open.notes.closedIgnored]).toEqual(['dispatched', null, true]);
    const skew = m.map(
      row({ ...good, status: 'Closed', closed: '2025-06-12T23:50:00.000', due: '2025-06-01T00:00:00' }),
      2,
    );
    expect(
      skew.ok && [skew.row.closed, skew.notes.closedBeforeReceived, skew.row.due, skew.notes.dueBeforeReceived],
    ).toEqual([Date.parse('2025-06-13T03:57:27Z'), true, null, true]);
  });

  it("closes the source's duplicates at their last change, else on receipt", () => {
    const m = mapper();
    const d = m.map(
      row({
        ...good,
        status: 'Open',
        resolution: 'This complaint is a duplicate of a building-wide condition.',
        updated: '2025-06-13T08:00:00',
      }),
      2,
    );
    expect(d.ok && [d.row.duplicate, d.row.status, new Date(d.row.closed!).toISOString()]).toEqual([
      true,
      'closed',
      '2025-06-13T12:00:00.000Z',
    ]);
    const early = m.map(
      row({ ...good, status: 'Open', resolution: 'It IS A DUPLICATE.', updated: '2025-06-12T00:00:00' }),
      2,
    );
    expect(early.ok && [early.row.closed, early.row.updated, early.notes.closedBeforeReceived ?? false]).toEqual([
      Date.parse('2025-06-13T03:57:27Z'),
      null,
      false,
    ]);
  });

  it('reads the callback verdict at its own time', () => {
    const r = mapper().map(
      row({
        ...good,
        status: 'Closed',
        closed: '2025-06-14T10:00:00',
        survey: 'very satisfied',
        survey_at: '2025-06-15T09:00:00',
      }),
      2,
    );
    expect(r.ok && [r.row.solved, r.row.satisfaction, new Date(r.row.callbackAt!).toISOString()]).toEqual([
      true,
      'satisfied',
      '2025-06-15T13:00:00.000Z',
    ]);
    const noTime = mapper().map(
      row({ ...good, status: 'Closed', closed: '2025-06-14T10:00:00', survey: 'Not fixed' }),
      2,
    );
    expect(
      noTime.ok && [noTime.row.solved, noTime.row.satisfaction, new Date(noTime.row.callbackAt!).toISOString()],
    ).toEqual([false, 'dissatisfied', '2025-06-14T14:00:00.000Z']);
  });

  it('joins address alternatives, defaults the channel, notes unknown agencies', () => {
    const m = mapper();
    const r = m.map(
      row({
        ...good,
        address: '',
        city: 'QUEENS',
        cross1: '80 STREET',
        cross2: '91 AVENUE',
        channel: 'UNKNOWN',
        agency: 'FDNY',
      }),
      2,
    );
    expect(r.ok && [r.row.address, r.row.channel, r.row.department, r.notes]).toEqual([
      '80 STREET & 91 AVENUE',
      'phone',
      null,
      { defaultedChannel: 'UNKNOWN', unknownAgency: 'FDNY' },
    ]);
  });

  it('places points: fallback column, placeholders kept as source coordinates but not located, GCJ-02 converted', () => {
    const m = mapper();
    const fromPair = m.map(row({ ...good, lat: '', lon: '', location: '(40.7, -73.9)' }), 2);
    expect(fromPair.ok && [fromPair.row.lat, fromPair.row.lon, fromPair.row.h3r8]).toEqual([
      40.7,
      -73.9,
      latLngToCell(40.7, -73.9, 8),
    ]);
    const zero = m.map(row({ ...good, lat: '0', lon: '0' }), 2);
    expect(zero.ok && [zero.row.placeholder, zero.row.sourceLat, zero.row.lat, zero.row.h3r9]).toEqual([
      'zero',
      0,
      null,
      null,
    ]);
    const whole = m.map(row({ ...good, lat: '41', lon: '-74' }), 2);
    expect(whole.ok && whole.row.placeholder).toBe('whole_degrees');
    const bad = m.map(row({ ...good, lat: 'n/a', lon: 'n/a' }), 2);
    expect(bad.ok && [bad.row.lat, bad.row.invalidPoint]).toEqual([null, "'n/a, n/a' is not a point"]);
    const none = m.map(row({ ...good, lat: '', lon: '' }), 2);
    expect(none.ok && [none.row.lat, none.row.placeholder, none.row.invalidPoint]).toEqual([null, null, null]);
    const gcj = mapper({ crs: 'GCJ02' }, 'Asia/Shanghai').map(row({ ...good, lat: '39.9087', lon: '116.3975' }), 2);
    const want = normalisePoint(116.3975, 39.9087, 'GCJ02');
    expect(gcj.ok && [gcj.row.lon, gcj.row.lat, gcj.row.sourceLon, gcj.row.h3r9]).toEqual([
      want.lon,
      want.lat,
      116.3975,
      want.h3r9,
    ]);
  });
});
