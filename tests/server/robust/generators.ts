// Deterministic generators of malformed requests for the fuzz test, one family per write route.
// Every case is invalid in at least one way the server must refuse, so a 2xx is itself a failure
// (and would show as a changed database).
import type { Queryable } from '../../../db/client.ts';

export type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function makeRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;

export interface FuzzCase {
  /** The application route it aims at, as Hono lists it ("POST /api/tickets"). */
  route: string;
  label: string;
  path: string;
  init: RequestInit;
}

export interface Targets {
  located: number;
  unlocated: number;
  apiKey: string;
  /** The signed-in admin sending the storm (its account must never change). */
  admin: string;
  /** A kiosk screen that exists (creating it again is a conflict). */
  screen: string;
}

export const INJECTIONS = [
  "'; DROP TABLE tickets; --",
  "1' OR '1'='1",
  "noise.night_construction' UNION SELECT caller_phone FROM ticket_callers --",
  '"; DELETE FROM ticket_events WHERE true; --',
  '$1; TRUNCATE dispatches',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(document.cookie)>',
  'javascript:alert(1)',
  '{{constructor.constructor("return process")()}}',
  '${7*7}',
  '../../../../etc/passwd',
  '\u0000\u0001\u0007\u001b[31m',
  '\u202Egnp.exe',
  '\uD800',
  'ＮＦＫＣ\uFE0F\u200B',
];

const WRONG_TYPES: unknown[] = [123, -1, true, false, [], {}, [1, 2], { $ne: null }, { toString: 'x' }, 1e308];
const BAD_COORDS: unknown[] = [
  180.000001,
  -180.5,
  1e308,
  -1e308,
  999,
  'NaN',
  'Infinity',
  '-Infinity',
  '116.3',
  '',
  'abc',
  [116.3],
  { lon: 116.3 },
  true,
];
const BAD_LATS: unknown[] = [90.000001, -91, 1e308, -1e308, 'NaN', '39.9', [39.9], false];
// Literal JSON texts whose numbers are not finite or not JSON at all.
const NON_FINITE_TEXT = ['NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', '.5', '+1', '01'];

const GEOJSON: unknown[] = [
  { type: 'Point', coordinates: [116.3, 39.9] },
  { type: 'Point', coordinates: [999, 999] },
  { type: 'Point', coordinates: ['a', null] },
  { type: 'Feature', geometry: null, properties: null },
  {
    type: 'Feature',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
        ],
      ],
    },
    properties: {},
  },
  { type: 'FeatureCollection', features: 'nope' },
  { type: 'LineString', coordinates: [[116.3]] },
];

const longText = (rng: Rng, n: number) => pick(rng, ['噪', 'a', 'é', '🙂', '\u0301']).repeat(n);

function jsonInit(body: string, headers: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body };
}

const VALID_TICKET = {
  kind: 'complaint',
  channel: 'phone',
  category: 'noise.night_construction',
  description: '夜间施工',
  lon: 116.02,
  lat: 39.05,
};

/**
 * Ways to spoil a JSON body that would otherwise be valid: each returns a body text (and headers)
 * the route must refuse. `fields` are the body's typed fields that do not coerce.
 */
function spoilJson(
  rng: Rng,
  base: Record<string, unknown>,
  fields: string[],
  required: string[],
  coords: boolean,
): { how: string; body: string; headers?: Record<string, string> } {
  const text = JSON.stringify(base);
  const decorate = (o: Record<string, unknown>) => {
    // Injection strings ride along in the free text; something else in the body is still wrong.
    for (const k of ['description', 'note', 'address', 'reason', 'plan'])
      if (k in o && rng() < 0.5) o[k] = pick(rng, INJECTIONS);
    return o;
  };
  const families = [
    'broken',
    'nonobject',
    'wrongType',
    'missing',
    'extraKey',
    'geojson',
    'huge',
    'longString',
    'contentType',
    'deep',
    'nonFinite',
    ...(coords ? ['coords', 'coords', 'halfCoords'] : []),
  ];
  const how = pick(rng, families);
  switch (how) {
    case 'broken': {
      const cut = 1 + Math.floor(rng() * (text.length - 2));
      return {
        how,
        body: pick(rng, [
          text.slice(0, cut),
          text.replace(/"/g, "'"),
          text + ',',
          `${text}}`,
          text.replace(':', ''),
          '{,}',
          '\u0000',
          '\uFEFF{',
          '{"a":1,,}',
        ]),
      };
    }
    case 'nonobject':
      return { how, body: pick(rng, ['null', '42', '"text"', '[]', `[${text}]`, 'true']) };
    case 'wrongType': {
      const o = decorate({ ...base });
      const k = pick(rng, fields);
      o[k] = pick(rng, typeof base[k] === 'number' ? WRONG_TYPES.filter((w) => typeof w !== 'number') : WRONG_TYPES);
      return { how, body: JSON.stringify(o) };
    }
    case 'missing': {
      const o = decorate({ ...base });
      delete o[pick(rng, required)];
      return { how, body: JSON.stringify(o) };
    }
    case 'extraKey': {
      const o = decorate({ ...base });
      o[pick(rng, ['__proto__x', 'status', 'id', "x'; DROP TABLE tickets; --", '<b>', 'geom', 'callerPhone2'])] = pick(
        rng,
        [1, 'x', null, {}],
      );
      return { how, body: JSON.stringify(o) };
    }
    case 'geojson': {
      const g = pick(rng, GEOJSON);
      return { how, body: JSON.stringify(rng() < 0.5 ? g : { ...decorate({ ...base }), geometry: g }) };
    }
    case 'huge': {
      const n = 64 * 1024 + 1 + Math.floor(rng() * 200_000);
      return { how, body: JSON.stringify({ ...base, [pick(rng, fields)]: 'x'.repeat(n) }) };
    }
    case 'longString': {
      const o = { ...base };
      const k = pick(
        rng,
        fields.filter((f) => !['lon', 'lat'].includes(f)),
      );
      o[k] = longText(rng, 4001 + Math.floor(rng() * 9000));
      return { how, body: JSON.stringify(o) };
    }
    case 'contentType':
      return {
        how,
        body: text,
        headers: {
          'content-type': pick(rng, [
            'text/plain',
            'application/xml',
            'application/x-www-form-urlencoded',
            'text/csv',
            'multipart/form-data; boundary=x',
            'application/octet-stream',
            '',
          ]),
        },
      };
    case 'deep': {
      let nested: unknown = 1;
      for (let i = 0; i < 40 + Math.floor(rng() * 500); i++) nested = rng() < 0.5 ? [nested] : { a: nested };
      return { how, body: JSON.stringify({ ...base, [pick(rng, fields)]: nested }) };
    }
    case 'nonFinite': {
      const k = pick(rng, coords ? ['lon', 'lat'] : fields);
      return {
        how,
        body: text.replace(/}$/, `,"${k}x":0}`).replace(`"${k}x":0`, `"${k}":${pick(rng, NON_FINITE_TEXT)}`),
      };
    }
    case 'coords':
      return {
        how,
        body: JSON.stringify({
          ...decorate({ ...base }),
          lon: pick(rng, BAD_COORDS),
          lat: rng() < 0.5 ? base.lat : pick(rng, BAD_LATS),
        }),
      };
    case 'halfCoords': {
      const o = decorate({ ...base });
      delete o[pick(rng, ['lon', 'lat'])];
      if (!('address' in o)) o.address = null;
      return { how, body: JSON.stringify(o) };
    }
  }
  throw new Error(how);
}

function intakeCase(rng: Rng): FuzzCase {
  const base: Record<string, unknown> = { ...VALID_TICKET };
  if (rng() < 0.3) base.callerName = pick(rng, ['李四', INJECTIONS[0]!]);
  if (rng() < 0.2) {
    // The idempotency header is part of the body's contract: over-long is refused.
    return {
      route: 'POST /api/tickets',
      label: 'intake idempotency-key too long',
      path: '/api/tickets',
      init: jsonInit(JSON.stringify(base), { 'idempotency-key': 'k'.repeat(201 + Math.floor(rng() * 500)) }),
    };
  }
  const fields = ['kind', 'channel', 'category', 'description', 'lon', 'lat', 'crs', 'answeredOnCall'];
  const s = spoilJson(rng, base, fields, ['kind', 'channel', 'category'], true);
  if (s.how === 'wrongType' && rng() < 0.3) {
    // Unknown codes and enum values, including injection strings, in the coded fields.
    const o = { ...base, [pick(rng, ['kind', 'channel', 'crs', 'category'])]: pick(rng, INJECTIONS) };
    return {
      route: 'POST /api/tickets',
      label: 'intake bad code',
      path: '/api/tickets',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  return {
    route: 'POST /api/tickets',
    label: `intake ${s.how}`,
    path: '/api/tickets',
    init: jsonInit(s.body, s.headers),
  };
}

function locateCase(rng: Rng, t: Targets): FuzzCase {
  const s = spoilJson(rng, { lon: 116.02, lat: 39.05, crs: 'WGS84' }, ['lon', 'lat', 'crs'], ['lon', 'lat'], true);
  const path = `/api/tickets/${t.unlocated}/locate`;
  return {
    route: 'POST /api/tickets/:id{[0-9]+}/locate',
    label: `locate ${s.how}`,
    path,
    init: jsonInit(s.body, s.headers),
  };
}

const ACTIONS: Record<string, Record<string, unknown>> = {
  dispatch: { unitCode: '900001001' },
  answer: { note: '已答复' },
  forward: { note: '转办' },
  accept: { unitCode: '900001001' },
  progress: { note: '处理中' },
  return: { reason: '非本单位职责' },
  redispatch: { unitCode: '900001002', justified: true },
  'rule-return': { justified: false },
  whistle: { summon: ['900001002'] },
  report: { unitCode: '900001001' },
  defer: { until: '2030-01-01T00:00:00Z', plan: '分阶段' },
  undefer: { note: '恢复' },
  reply: { note: '已办结' },
  callback: { solved: true, satisfaction: 'satisfied' },
  close: { note: '结案' },
};

function actionCase(rng: Rng, t: Targets): FuzzCase {
  const action = pick(rng, Object.keys(ACTIONS));
  const base = { ...ACTIONS[action]!, actor: 'unit' };
  const fields = [...Object.keys(base).filter((k) => !['until'].includes(k)), 'note', 'actor'];
  const s = spoilJson(
    rng,
    base,
    fields,
    Object.keys(ACTIONS[action]!).length ? Object.keys(ACTIONS[action]!) : ['actor'],
    false,
  );
  if (
    s.how === 'missing' &&
    ['accept', 'answer', 'forward', 'progress', 'undefer', 'reply', 'close'].includes(action)
  ) {
    // These take no required field; spoil the typed actor instead.
    return {
      route: 'POST /api/tickets/:id{[0-9]+}/:action',
      label: `action ${action} bad actor`,
      path: `/api/tickets/${t.located}/${action}`,
      init: jsonInit(JSON.stringify({ ...base, actor: pick(rng, INJECTIONS) })),
    };
  }
  if (rng() < 0.08) {
    // An action that does not exist, or a path that is not an id.
    const p = pick(rng, [
      `/api/tickets/${t.located}/${encodeURIComponent(pick(rng, INJECTIONS.slice(0, 11)))}`,
      `/api/tickets/${t.located}/delete`,
      `/api/tickets/-1/accept`,
      `/api/tickets/1e3/accept`,
      `/api/tickets/${t.located}/accept/extra`,
    ]);
    return {
      route: 'POST /api/tickets/:id{[0-9]+}/:action',
      label: `action path ${p}`,
      path: p,
      init: jsonInit(JSON.stringify(base)),
    };
  }
  return {
    route: 'POST /api/tickets/:id{[0-9]+}/:action',
    label: `action ${action} ${s.how}`,
    path: `/api/tickets/${t.located}/${action}`,
    init: jsonInit(s.body, s.headers),
  };
}

/** The queue's bulk actions: a spoiled body is refused whole (400/413/415), no ticket touched. */
function bulkCase(rng: Rng, t: Targets): FuzzCase {
  const base = {
    action: pick(rng, ['remind', 'escalate', 'redispatch']),
    ids: [t.located],
    ...(rng() < 0.5 ? { note: '请加快' } : {}),
  } as Record<string, unknown>;
  if (base.action === 'redispatch') base.unitCode = '900001002';
  const s = spoilJson(rng, base, Object.keys(base), ['action', 'ids'], false);
  if (s.how === 'wrongType') {
    // [1, 2] is a wrong type for most fields but a good list of ids: make it a bad one
    const o = JSON.parse(s.body) as Record<string, unknown>;
    if (JSON.stringify(o.ids) === '[1,2]') s.body = JSON.stringify({ ...o, ids: [1.5, 2] });
  }
  return {
    route: 'POST /api/queue/bulk',
    label: `bulk ${base.action} ${s.how}`,
    path: '/api/queue/bulk',
    init: jsonInit(s.body, s.headers),
  };
}

const CSV_HEADER = 'kind,channel,category,description,lon,lat,received_at,external_id';
function csvRow(rng: Rng, i: number): string {
  const cells = [
    'complaint',
    'phone',
    'noise.night_construction',
    '施工',
    '116.02',
    '39.05',
    '2024-03-01T10:00:00+08:00',
    `fz-${i}`,
  ];
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  const spoil = pick(rng, ['lon', 'lat', 'kind', 'category', 'received_at', 'fields', 'channel']);
  if (spoil === 'lon')
    cells[4] = pick(rng, ['181', '-180.1', 'NaN', 'Infinity', '1e999', '116,3', 'abc', '']) + (rng() < 0.5 ? '' : '');
  if (spoil === 'lat') cells[5] = pick(rng, ['90.5', '-91', 'NaN', '-Infinity', '3.9e1x']);
  if (spoil === 'kind') cells[0] = q(pick(rng, INJECTIONS));
  if (spoil === 'category') cells[2] = q(pick(rng, INJECTIONS));
  if (spoil === 'channel') cells[1] = pick(rng, ['fax', '1', 'PHONE ']);
  if (spoil === 'received_at')
    cells[6] = pick(rng, ['yesterday', '2099-01-01T00:00:00Z', '2024-13-45', "'; DROP TABLE tickets; --"]);
  if (spoil === 'fields') cells.push('extra');
  if (spoil === 'lon' && cells[4] === '') cells[5] = '39.05';
  if (rng() < 0.4) cells[3] = q(pick(rng, INJECTIONS));
  return cells.join(',');
}

function csvCase(rng: Rng): FuzzCase {
  const how = pick(rng, ['rows', 'rows', 'rows', 'header', 'contentType', 'empty', 'binary', 'quotes']);
  const route = 'POST /api/import/tickets';
  const csv = (body: string, type = 'text/csv'): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': type },
    body,
  });
  const rows = (n: number) => Array.from({ length: n }, (_, i) => csvRow(rng, i)).join('\n');
  switch (how) {
    case 'rows':
      return {
        route,
        label: 'csv bad rows',
        path: '/api/import/tickets',
        init: csv(`${CSV_HEADER}\n${rows(1 + Math.floor(rng() * 20))}\n`),
      };
    case 'header':
      return {
        route,
        label: 'csv bad header',
        path: '/api/import/tickets',
        init: csv(`${pick(rng, ['kind;channel;category', 'id,kind', '<script>', INJECTIONS[0]!, ''])}\n${rows(2)}`),
      };
    case 'contentType':
      return {
        route,
        label: 'csv wrong type',
        path: '/api/import/tickets',
        init: csv(
          `${CSV_HEADER}\n${rows(1)}`,
          pick(rng, ['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']),
        ),
      };
    case 'empty':
      return {
        route,
        label: 'csv empty',
        path: '/api/import/tickets',
        init: csv(pick(rng, ['', '\n', '\uFEFF', '\u0000'])),
      };
    case 'binary': {
      const bytes = new Uint8Array(64 + Math.floor(rng() * 2000)).map(() => Math.floor(rng() * 256));
      return {
        route,
        label: 'csv binary',
        path: '/api/import/tickets',
        init: { method: 'POST', headers: { 'content-type': 'text/csv' }, body: bytes },
      };
    }
    case 'quotes':
      return {
        route,
        label: 'csv unbalanced quotes',
        path: '/api/import/tickets',
        init: csv(`${CSV_HEADER}\ncomplaint,phone,"noise.night_construction,施工,116.02,39.05\n`),
      };
  }
  throw new Error(how);
}

function forecastCase(rng: Rng): FuzzCase {
  const base = { cells: ['8831aa5a1dfffff'], date: '2025-06-01', windowDays: 90, perTreated: 5 };
  const s = spoilJson(rng, base, ['cells', 'date', 'windowDays', 'perTreated'], ['cells', 'date'], false);
  if (s.how === 'extraKey' || s.how === 'geojson') {
    // This body's schema drops unknown keys rather than refusing them; spoil a required field too.
    const o = JSON.parse(s.body) as Record<string, unknown>;
    if (o && typeof o === 'object' && !Array.isArray(o)) delete o.date;
    return {
      route: 'POST /api/forecast/intervention-effect',
      label: `forecast ${s.how} without date`,
      path: '/api/forecast/intervention-effect',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  if (s.how === 'wrongType' && rng() < 0.5) {
    const o: Record<string, unknown> = { ...base };
    const spoil = pick(rng, ['windowDays', 'perTreated', 'cells', 'date']);
    if (spoil === 'windowDays') o.windowDays = pick(rng, [0, 6, 367, 1.5, -5, 1e308]);
    if (spoil === 'perTreated') o.perTreated = pick(rng, [0, 21, 1.5, -5, 1e308]);
    if (spoil === 'cells')
      o.cells = pick(rng, [[], [pick(rng, INJECTIONS)], Array(501).fill(base.cells[0]), ['8831AA5A1DFFFFF']]);
    if (spoil === 'date') o.date = pick(rng, ['2025-02-30', '2025-6-1', INJECTIONS[0], '']);
    return {
      route: 'POST /api/forecast/intervention-effect',
      label: 'forecast out of range',
      path: '/api/forecast/intervention-effect',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  return {
    route: 'POST /api/forecast/intervention-effect',
    label: `forecast ${s.how}`,
    path: '/api/forecast/intervention-effect',
    init: jsonInit(s.body, s.headers),
  };
}

function open311Case(rng: Rng, t: Targets): FuzzCase {
  const format = pick(rng, ['json', 'xml']);
  const form: Record<string, string> = {
    api_key: t.apiKey,
    service_code: 'noise.night_construction',
    lat: '39.05',
    long: '116.02',
    description: '夜间施工',
  };
  const how = pick(rng, [
    'coords',
    'coords',
    'code',
    'key',
    'missing',
    'long',
    'huge',
    'contentType',
    'encoding',
    'geojson',
  ]);
  if (rng() < 0.4) form.description = pick(rng, INJECTIONS);
  let body: string | undefined;
  let type = 'application/x-www-form-urlencoded';
  switch (how) {
    case 'coords':
      if (rng() < 0.5) form.lat = pick(rng, ['91', '-90.0001', '1e2', 'NaN', 'Infinity', '1e999', '39,9', 'abc', '']);
      else form.long = pick(rng, ['181', '-180.5', '-1e999', 'NaN', '-Infinity', '116.3.1', '0x74', '']);
      break;
    case 'code':
      form.service_code = pick(rng, INJECTIONS);
      break;
    case 'key':
      form.api_key = pick(rng, ['', 'wrong', INJECTIONS[1]!, `${t.apiKey} x`]);
      break;
    case 'missing':
      delete form[pick(rng, ['service_code', 'api_key'])];
      if (rng() < 0.5) {
        delete form.lat;
        delete form.long;
        form.service_code = 'noise.night_construction';
        form.api_key = t.apiKey;
      }
      break;
    case 'long':
      form[pick(rng, ['description', 'address_string', 'first_name', 'phone'])] = longText(
        rng,
        4001 + Math.floor(rng() * 5000),
      );
      break;
    case 'huge':
      form.description = 'x'.repeat(64 * 1024 + Math.floor(rng() * 100_000));
      break;
    case 'contentType':
      type = pick(rng, ['application/json', 'text/plain', 'text/csv', 'application/xml']);
      body = type === 'application/json' ? JSON.stringify(form) : new URLSearchParams(form).toString();
      break;
    case 'encoding':
      body = pick(rng, [
        '%%%',
        'lat=%ZZ&long=%',
        `api_key=${t.apiKey}&service_code=%00&lat=39.05&long=116.02`,
        `api_key=${t.apiKey}&service_code=noise.night_construction&lat=1e999&long=116`,
      ]);
      break;
    case 'geojson':
      form.lat = JSON.stringify(pick(rng, GEOJSON));
      break;
  }
  return {
    route: 'POST /open311/v2/:name',
    label: `open311 ${format} ${how}`,
    path: `/open311/v2/requests.${format}`,
    init: {
      method: 'POST',
      headers: type ? { 'content-type': type } : {},
      body: body ?? new URLSearchParams(form).toString(),
    },
  };
}

// --- accounts: sign-in, kiosk tokens, the admin API -----------------------------------------------
// Every case is refused even if a spoiler happened to leave it well-formed: the login password is
// wrong, the kiosk token unknown, the new user's name taken, the patched password too short, the
// released or revoked screen missing.

function loginCase(rng: Rng, t: Targets): FuzzCase {
  const base = {
    username: pick(rng, [t.admin, 'nobody', INJECTIONS[1]!]),
    password: pick(rng, ['wrong-password', INJECTIONS[0]!, 'x']),
  };
  const s = spoilJson(rng, base, ['username', 'password'], ['username', 'password'], false);
  return {
    route: 'POST /api/auth/login',
    label: `login ${s.how}`,
    path: '/api/auth/login',
    init: jsonInit(s.body, s.headers),
  };
}

function kioskCase(rng: Rng): FuzzCase {
  const s = spoilJson(
    rng,
    { token: pick(rng, ['wall-nope', INJECTIONS[0]!, 'wall_' + 'x'.repeat(40)]) },
    ['token'],
    ['token'],
    false,
  );
  return {
    route: 'POST /api/auth/kiosk',
    label: `kiosk ${s.how}`,
    path: '/api/auth/kiosk',
    init: jsonInit(s.body, s.headers),
  };
}

/** Signing out must prove it comes from the page: a missing or wrong token, or another site. */
function logoutCase(rng: Rng): FuzzCase {
  const headers: Record<string, string> = pick<Record<string, string>>(rng, [
    { 'x-csrf-token': '' },
    { 'x-csrf-token': pick(rng, INJECTIONS.slice(0, 10)).replace(/[^\x20-\x7e]/g, '') || 'x' },
    { origin: pick(rng, ['https://evil.example', 'null', 'http://127.0.0.1.evil.example']) },
    { 'sec-fetch-site': pick(rng, ['cross-site', 'same-site']) },
  ]);
  return {
    route: 'POST /api/auth/logout',
    label: `logout ${Object.keys(headers)[0]}`,
    path: '/api/auth/logout',
    init: { method: 'POST', headers },
  };
}

function newUserCase(rng: Rng, t: Targets): FuzzCase {
  const base: Record<string, unknown> = {
    username: t.admin,
    displayName: '模糊测试',
    role: pick(rng, ['analyst', 'street_official', 'admin']),
    regionCode: null,
    password: 'long-enough-pw-1',
  };
  if (base.role === 'street_official') base.regionCode = '900001001';
  if (rng() < 0.3) {
    // Well-formed but against the rules: unknown role or region, a region of the wrong level, a weak password.
    const o: Record<string, unknown> = { ...base, username: `fz-${Math.floor(rng() * 1e6)}` };
    const spoil = pick(rng, ['role', 'region', 'level', 'password', 'cityRegion']);
    if (spoil === 'role') o.role = pick(rng, ['superuser', 'wall', 'ADMIN', INJECTIONS[0]!]);
    if (spoil === 'region')
      Object.assign(o, { role: 'street_official', regionCode: pick(rng, ['999999999', INJECTIONS[1]!, '']) });
    if (spoil === 'level')
      Object.assign(o, { role: 'street_official', regionCode: pick(rng, ['900001', '900001001G001']) });
    if (spoil === 'password') o.password = pick(rng, ['short', '1234567890123', '12345', 'x'.repeat(9)]);
    if (spoil === 'cityRegion') Object.assign(o, { role: 'analyst', regionCode: '900001' });
    return {
      route: 'POST /api/admin/users',
      label: `new user bad ${spoil}`,
      path: '/api/admin/users',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  const s = spoilJson(
    rng,
    base,
    ['username', 'displayName', 'role', 'password'],
    ['username', 'displayName', 'role', 'password'],
    false,
  );
  return {
    route: 'POST /api/admin/users',
    label: `new user ${s.how}`,
    path: '/api/admin/users',
    init: jsonInit(s.body, s.headers),
  };
}

function patchUserCase(rng: Rng, t: Targets): FuzzCase {
  const who = pick(rng, [t.admin, 'no-such-user', encodeURIComponent(INJECTIONS[0]!)]);
  const s = spoilJson(rng, { password: 'short' }, ['password'], ['password'], false);
  const init = { ...jsonInit(s.body, s.headers), method: 'PATCH' };
  return {
    route: 'PATCH /api/admin/users/:username',
    label: `patch user ${s.how}`,
    path: `/api/admin/users/${who}`,
    init,
  };
}

function newKioskCase(rng: Rng, t: Targets): FuzzCase {
  if (rng() < 0.3) {
    const o = {
      screen: `fz-${Math.floor(rng() * 1e6)}`,
      regionCode: pick(rng, ['999999', '900001001G001', INJECTIONS[1]!]),
    };
    return {
      route: 'POST /api/admin/kiosks',
      label: 'new kiosk bad region',
      path: '/api/admin/kiosks',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  const s = spoilJson(rng, { screen: t.screen, regionCode: '900001' }, ['screen', 'regionCode'], ['screen'], false);
  return {
    route: 'POST /api/admin/kiosks',
    label: `new kiosk ${s.how}`,
    path: '/api/admin/kiosks',
    init: jsonInit(s.body, s.headers),
  };
}

const MISSING_SCREENS = [
  'no-such-screen',
  '大厅屏-不存在',
  "'; DROP TABLE kiosk_tokens; --",
  '<script>alert(1)</script>',
  'x'.repeat(300),
];

function releaseKioskCase(rng: Rng): FuzzCase {
  const screen = encodeURIComponent(pick(rng, MISSING_SCREENS));
  return {
    route: 'POST /api/admin/kiosks/:screen/release',
    label: 'release missing screen',
    path: `/api/admin/kiosks/${screen}/release`,
    init: { method: 'POST' },
  };
}

function revokeKioskCase(rng: Rng): FuzzCase {
  const screen = encodeURIComponent(pick(rng, MISSING_SCREENS));
  return {
    route: 'DELETE /api/admin/kiosks/:screen',
    label: 'revoke missing screen',
    path: `/api/admin/kiosks/${screen}`,
    init: { method: 'DELETE' },
  };
}

/** Grants for a key that does not exist, or a body that names no known grant. */
function grantKeyCase(rng: Rng): FuzzCase {
  const name = encodeURIComponent(pick(rng, ['no-such-key', "'; DROP TABLE api_keys; --", '密钥', 'x'.repeat(200)]));
  if (rng() < 0.3) {
    const grants = pick<unknown>(rng, [['everything'], ['admin'], 'locate', [1], [null], ['locate', 'read']]);
    return {
      route: 'PATCH /api/admin/api-keys/:name',
      label: 'grant unknown',
      path: `/api/admin/api-keys/${name}`,
      init: { ...jsonInit(JSON.stringify({ grants })), method: 'PATCH' },
    };
  }
  const s = spoilJson(rng, { grants: ['locate'] }, ['grants'], ['grants'], false);
  return {
    route: 'PATCH /api/admin/api-keys/:name',
    label: `grant ${s.how}`,
    path: `/api/admin/api-keys/${name}`,
    init: { ...jsonInit(s.body, s.headers), method: 'PATCH' },
  };
}

/** An unlock that names nothing to unlock, or names it wrongly. */
function unlockCase(rng: Rng, t: Targets): FuzzCase {
  const s = spoilJson(rng, { username: t.admin }, ['username'], ['username'], false);
  return {
    route: 'POST /api/auth/unlock',
    label: `unlock ${s.how}`,
    path: '/api/auth/unlock',
    init: jsonInit(s.body, s.headers),
  };
}

/**
 * A history import (POST /api/import/history) that must be refused: no mapping, a bad or unknown
 * mapping name, a broken inline mapping, a wrong content type, a broken form, or the NYC mapping
 * against a city whose taxonomy lacks its categories (the fuzz city).
 */
function historyImportCase(rng: Rng): FuzzCase {
  const route = 'POST /api/import/history';
  const how = pick(rng, [
    'noMapping',
    'badName',
    'unknownName',
    'contentType',
    'taxonomy',
    'binary',
    'inlineMapping',
    'brokenForm',
    'noFile',
  ]);
  const csvBody = 'unique_key,created_date,status\n1,2025-06-01T10:00:00,Open\n';
  const raw = (q: string, body: string | Uint8Array, type = 'text/csv'): FuzzCase => ({
    route,
    label: `history ${how}`,
    path: `/api/import/history${q}`,
    init: { method: 'POST', headers: { 'content-type': type }, body: body as BodyInit },
  });
  const form = (parts: [string, string, string | null][], boundary = 'fz-b0undary'): FuzzCase => {
    const body =
      parts
        .map(
          ([name, value, filename]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n${value}\r\n`,
        )
        .join('') + `--${boundary}--\r\n`;
    return raw('', body, `multipart/form-data; boundary=${boundary}`);
  };
  switch (how) {
    case 'noMapping':
      return raw(pick(rng, ['', '?mapping=', '?file=x.csv']), csvBody);
    case 'badName':
      return raw(
        `?mapping=${encodeURIComponent(pick(rng, [...INJECTIONS, '../../package', 'a/b', '..', '😀']).replace(/[\uD800-\uDFFF]/g, '\uFFFD'))}`,
        csvBody,
      );
    case 'unknownName':
      return raw(`?mapping=${pick(rng, ['chicago-311', 'nyc', 'nyc-311.mapping', 'x'])}`, csvBody);
    case 'contentType':
      return raw(
        '?mapping=nyc-311',
        csvBody,
        pick(rng, ['application/json', 'application/x-www-form-urlencoded', '', 'image/png']),
      );
    case 'taxonomy':
      return raw('?mapping=nyc-311', csvBody);
    case 'binary':
      return raw(
        '?mapping=nyc-311',
        new Uint8Array(64 + Math.floor(rng() * 2000)).map(() => Math.floor(rng() * 256)),
      );
    case 'inlineMapping':
      return form([
        [
          'mapping',
          pick(rng, [
            '{',
            '{"source": "x y"}',
            '{"source": "ok"}',
            JSON.stringify({ source: pick(rng, INJECTIONS) }),
            '[]',
            '{"source":"a","externalId":1}',
          ]),
          null,
        ],
        ['file', csvBody, 'x.csv'],
      ]);
    case 'brokenForm':
      return pick(rng, [
        raw(
          '',
          `--fz\r\nContent-Disposition: form-data; name="mapping"\r\n\r\nnyc-311`,
          'multipart/form-data; boundary=fz',
        ),
        raw('', csvBody, 'multipart/form-data'),
        raw('', 'no boundary here', 'multipart/form-data; boundary=fz'),
      ]);
    case 'noFile':
      return form([
        ['mapping', 'nyc-311', null],
        ['note', 'hello', null],
      ]);
  }
  throw new Error(how);
}

/**
 * The governance loop's writes (/api/gov/…): each body spoiled so that no case is valid; with no
 * topic, task or ledger entry in the fuzz city, a body that slipped through would meet a 404 naming
 * the id (also a refusal). Only fields every wrong type breaks are spoiled.
 */
const govMaker =
  (route: string, path: string, base: Record<string, unknown>, fields: string[], required: string[]) =>
  (rng: Rng): FuzzCase => {
    const s = spoilJson(rng, base, fields, required, false);
    return { route, label: `${route} ${s.how}`, path, init: jsonInit(s.body, s.headers) };
  };
const GOV_TOPIC = {
  title: '专题',
  categories: ['noise.night_construction'],
  area: '900001',
  leadUnit: '900001',
  before: { from: '2025-01', to: '2025-06' },
  after: { from: '2025-07', to: '2025-12' },
  target: -0.2,
};
const GOV_ORDER = {
  source: 'forecast',
  cell: '8831aa5a1dfffff',
  category: 'noise.night_construction',
  month: '2026-01',
  dueOn: '2099-01-31',
};
const govCases = [
  govMaker(
    'POST /api/gov/topics',
    '/api/gov/topics',
    GOV_TOPIC,
    ['title', 'categories', 'before', 'after', 'target', 'leadUnit'],
    ['title', 'categories', 'before', 'after', 'target', 'leadUnit'],
  ),
  govMaker(
    'POST /api/gov/topics/:id{[0-9]+}/tasks',
    '/api/gov/topics/1/tasks',
    { title: '任务', ownerUnit: '900001001', dueOn: '2026-01-31' },
    ['title', 'ownerUnit', 'dueOn'],
    ['title', 'ownerUnit', 'dueOn'],
  ),
  govMaker(
    'POST /api/gov/topics/:id{[0-9]+}/policies',
    '/api/gov/topics/1/policies',
    { title: '方案', issuedOn: '2025-07-01' },
    ['title', 'issuedOn'],
    ['title', 'issuedOn'],
  ),
  govMaker(
    'POST /api/gov/topics/:id{[0-9]+}/reviews',
    '/api/gov/topics/1/reviews',
    { reviewOn: '2025-08-01', note: '调度' },
    ['reviewOn'],
    ['reviewOn'],
  ),
  govMaker(
    'POST /api/gov/topics/:id{[0-9]+}/status',
    '/api/gov/topics/1/status',
    { status: 'closed' },
    ['status'],
    ['status'],
  ),
  govMaker(
    'POST /api/gov/tasks/:id{[0-9]+}',
    '/api/gov/tasks/1',
    { status: 'done', evidence: '已完成' },
    ['status', 'evidence'],
    [],
  ),
  govMaker(
    'POST /api/gov/ledger',
    '/api/gov/ledger',
    { source: 'manual', title: '问题', street: '900001001', plan: '计划' },
    ['source', 'title', 'street'],
    ['source', 'title', 'street'],
  ),
  govMaker(
    'POST /api/gov/ledger/:id{[0-9]+}',
    '/api/gov/ledger/1',
    { status: 'resolved', plan: '计划' },
    ['status'],
    [],
  ),
  govMaker('POST /api/gov/proactive', '/api/gov/proactive', { orders: [GOV_ORDER] }, ['orders'], ['orders']),
  // a surge alert's state (no alert exists in the fuzz city: a body that slipped through meets a 404)
  govMaker(
    'POST /api/alerts/:id{[0-9]+}/state',
    '/api/alerts/1/state',
    { state: 'handled', note: '已处置' },
    ['state', 'note'],
    ['state'],
  ),
  (rng: Rng): FuzzCase => {
    // Sync takes an empty object; anything else is refused.
    const how = pick(rng, ['extraKey', 'nonobject', 'contentType', 'broken', 'deep']);
    const body =
      how === 'extraKey'
        ? JSON.stringify({ [pick(rng, ['force', 'all', "x'; DROP TABLE gov_ledger; --"])]: pick(rng, [true, 1, 'x']) })
        : how === 'nonobject'
          ? pick(rng, ['null', '42', '"text"', '[]', 'true'])
          : how === 'broken'
            ? pick(rng, ['{', '{,}', '\u0000', '{"a":1,,}'])
            : how === 'deep'
              ? JSON.stringify({ a: JSON.parse('['.repeat(40) + ']'.repeat(40)) })
              : '{}';
    return {
      route: 'POST /api/gov/ledger/sync',
      label: `ledger sync ${how}`,
      path: '/api/gov/ledger/sync',
      init: jsonInit(
        body,
        how === 'contentType' ? { 'content-type': pick(rng, ['text/plain', 'application/xml', 'text/csv']) } : {},
      ),
    };
  },
];
// --- the dispatcher's assistant and the knowledge base ---------------------------------------------

function suggestCase(rng: Rng): FuzzCase {
  const s = spoilJson(
    rng,
    { text: '暖气不热', lon: 116.02, lat: 39.05 },
    ['text', 'lon', 'lat', 'crs'],
    ['text'],
    true,
  );
  return {
    route: 'POST /api/assist/suggest',
    label: `suggest ${s.how}`,
    path: '/api/assist/suggest',
    init: jsonInit(s.body, s.headers),
  };
}
function duplicatesCase(rng: Rng): FuzzCase {
  const s = spoilJson(
    rng,
    { category: 'noise.night_construction', text: '夜间施工', lon: 116.02, lat: 39.05 },
    ['category', 'text', 'lon', 'lat', 'crs'],
    ['category', 'text', 'lon', 'lat'],
    true,
  );
  return {
    route: 'POST /api/assist/duplicates',
    label: `duplicates ${s.how}`,
    path: '/api/assist/duplicates',
    init: jsonInit(s.body, s.headers),
  };
}
function feedbackCase(rng: Rng): FuzzCase {
  const s = spoilJson(
    rng,
    { version: 1, suggested: ['noise.night_construction'], chosen: 'noise.night_construction' },
    ['version', 'suggested', 'chosen'],
    ['suggested', 'chosen'],
    false,
  );
  return {
    route: 'POST /api/assist/feedback',
    label: `feedback ${s.how}`,
    path: '/api/assist/feedback',
    init: jsonInit(s.body, s.headers),
  };
}
function linkCase(rng: Rng, t: Targets): FuzzCase {
  const base = { ticketId: t.located, repeatOf: t.unlocated };
  if (rng() < 0.3) {
    // Well-formed, but naming tickets that cannot be linked: itself, a missing one, another category.
    const o = pick(rng, [
      { ticketId: t.located, repeatOf: t.located },
      { ticketId: t.located, repeatOf: 999_999_999 },
      { ticketId: 999_999_998, repeatOf: t.located },
      base,
    ]);
    return {
      route: 'POST /api/assist/link',
      label: 'link refused',
      path: '/api/assist/link',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  const s = spoilJson(rng, base, ['ticketId', 'repeatOf'], ['ticketId', 'repeatOf'], false);
  return {
    route: 'POST /api/assist/link',
    label: `link ${s.how}`,
    path: '/api/assist/link',
    init: jsonInit(s.body, s.headers),
  };
}
function retrainCase(rng: Rng): FuzzCase {
  // Retraining takes no parameters: anything but an empty object is refused.
  const body = pick(rng, [
    'null',
    '[]',
    '"now"',
    '{"reason":"schedule"}',
    '{"tickets":1e9}',
    '{',
    '{"a":1,,}',
    JSON.stringify({ [pick(rng, INJECTIONS)]: 1 }),
  ]);
  return {
    route: 'POST /api/assist/retrain',
    label: 'retrain with a body',
    path: '/api/assist/retrain',
    init: jsonInit(body),
  };
}
function kbCreateCase(rng: Rng): FuzzCase {
  const s = spoilJson(
    rng,
    { kind: 'policy', title: '夜间施工', body: '须持证' },
    ['kind', 'title', 'body', 'categoryCode'],
    ['kind', 'title', 'body'],
    false,
  );
  return { route: 'POST /api/kb', label: `kb ${s.how}`, path: '/api/kb', init: jsonInit(s.body, s.headers) };
}
function kbCaseCase(rng: Rng, t: Targets): FuzzCase {
  if (rng() < 0.3) {
    // Well-formed: a ticket that is not closed, or none.
    const o = { ticketId: pick(rng, [t.located, t.unlocated, 999_999_999]) };
    return {
      route: 'POST /api/kb/cases',
      label: 'case refused',
      path: '/api/kb/cases',
      init: jsonInit(JSON.stringify(o)),
    };
  }
  const s = spoilJson(rng, { ticketId: t.located, note: '经验' }, ['ticketId', 'title', 'note'], ['ticketId'], false);
  return {
    route: 'POST /api/kb/cases',
    label: `case ${s.how}`,
    path: '/api/kb/cases',
    init: jsonInit(s.body, s.headers),
  };
}
function kbPutCase(rng: Rng): FuzzCase {
  const id = pick(rng, ['999999', '1234567890123', '9'.repeat(16), '0']);
  const s = spoilJson(rng, { title: '标题', body: '内容' }, ['title', 'body', 'categoryCode'], ['title'], false);
  const body = rng() < 0.2 ? JSON.stringify({ title: '标题' }) : s.body;
  return {
    route: 'PUT /api/kb/:id{[0-9]+}',
    label: `kb put ${s.how}`,
    path: `/api/kb/${id}`,
    init: { ...jsonInit(body, s.headers), method: 'PUT' },
  };
}
function kbDeleteCase(rng: Rng): FuzzCase {
  const id = pick(rng, ['999999', '1234567890123', '9'.repeat(16), '0', '42']);
  return {
    route: 'DELETE /api/kb/:id{[0-9]+}',
    label: 'kb delete missing',
    path: `/api/kb/${id}`,
    init: { method: 'DELETE' },
  };
}

/** `n` malformed requests spread over every write route, deterministic for a given rng. */
export function malformedRequests(rng: Rng, n: number, t: Targets): FuzzCase[] {
  const makers = [
    intakeCase,
    intakeCase,
    locateCase,
    actionCase,
    actionCase,
    csvCase,
    forecastCase,
    open311Case,
    open311Case,
    loginCase,
    kioskCase,
    logoutCase,
    newUserCase,
    patchUserCase,
    newKioskCase,
    releaseKioskCase,
    revokeKioskCase,
    grantKeyCase,
    unlockCase,
    historyImportCase,
    bulkCase,
    ...govCases,
    suggestCase,
    duplicatesCase,
    feedbackCase,
    linkCase,
    retrainCase,
    kbCreateCase,
    kbCaseCase,
    kbPutCase,
    kbDeleteCase,
  ];
  return Array.from({ length: n }, (_, i) => makers[i % makers.length]!(rng, t));
}

/** Counts and an md5 of every row of the tables a write may touch. */
export async function dbFingerprint(db: Queryable) {
  const row = (
    await db.query<Record<string, string | number>>(
      `SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM ticket_events)::int AS events,
              (SELECT count(*) FROM dispatches)::int AS dispatches, (SELECT count(*) FROM ticket_callers)::int AS callers,
              (SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) FROM tickets t) AS tickets_md5,
              (SELECT md5(coalesce(string_agg(e::text, '|' ORDER BY e.id), '')) FROM ticket_events e) AS events_md5,
              (SELECT md5(coalesce(string_agg(d::text, '|' ORDER BY d.id), '')) FROM dispatches d) AS dispatches_md5,
              (SELECT md5(coalesce(string_agg(c::text, '|' ORDER BY c::text), '')) FROM ticket_callers c) AS callers_md5,
              (SELECT md5(coalesce(string_agg(u::text, '|' ORDER BY u.id), '')) FROM users u) AS users_md5,
              (SELECT md5(coalesce(string_agg(k::text, '|' ORDER BY k.id), '')) FROM kiosk_tokens k) AS kiosks_md5,
              (SELECT md5(coalesce(string_agg(s::text, '|' ORDER BY s.id_hash), '')) FROM sessions s) AS sessions_md5`,
    )
  )[0]!;
  return row;
}

// --- query parameters ---------------------------------------------------------------------------

/** Values no query parameter should turn into a 5xx: non-Latin-1 and odd Unicode, CR/LF, extreme dates and numbers. */
export const QUERY_VALUES = {
  unicode: ['甲区', '😀', '\uFFFE', '\uFFFF', '\u202Egnp.exe', 'e\u0301', 'Ω'.repeat(300), '\uD800', '朝阳区,东城区'],
  crlf: ['a\r\nb', '\r\n', 'x\nSet-Cookie: a=b', '\r', 'W/"x"\r\n'],
  dates: [
    '9999-12-31',
    '0000-01-01',
    '0001-01-01',
    '1899-12-31',
    '+275760-09-13',
    '-000001-01-01',
    '2026-02-30',
    '9999-12-31T23:59:59Z',
    '0001-01-01T00:00:00+14:00',
    '2026-13-01',
    '9999-W52',
    '9999-12',
    '0000-00',
    '2026-W53',
  ],
  numbers: ['100000000000000000000000000', '1e26', 'NaN', 'Infinity', '-1', '-0', '1e308', '0x10', ''],
  misc: ['\u0000', "'; DROP TABLE tickets; --", 'a'.repeat(5000), '%', '../../etc/passwd'],
} as const;

export interface QueryCase {
  route: string;
  key: string;
  value: string;
  path: string;
}

/**
 * For each route and each of its query parameters: every CR/LF value and every extreme date, and
 * three Unicode values, three numbers and one other, deterministic for a given rng.
 */
export function queryCases(rng: Rng, routes: { route: string; path: string; keys: string[] }[]): QueryCase[] {
  const out: QueryCase[] = [];
  const some = (xs: readonly string[], n: number) => {
    const pool = [...xs];
    return Array.from({ length: Math.min(n, pool.length) }, () => pool.splice(Math.floor(rng() * pool.length), 1)[0]!);
  };
  for (const r of routes) {
    for (const key of r.keys) {
      const values = [
        ...some(QUERY_VALUES.unicode, 3),
        ...QUERY_VALUES.crlf,
        ...QUERY_VALUES.dates,
        ...some(QUERY_VALUES.numbers, 3),
        ...some(QUERY_VALUES.misc, 1),
      ];
      for (const value of values) {
        const url = new URL(r.path, 'http://localhost');
        url.searchParams.set(key, value);
        out.push({ route: r.route, key, value, path: `${url.pathname}${url.search}` });
      }
    }
  }
  return out;
}
