// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/: discovery,
// services, service definitions, requests (GET with the spec's filters and the page/page_size
// extension, POST with api_key), one request, tokens, and the media uploaded with a request.
// Every answer and every error is in the spec's shape, in the format the path asks for. Who reads:
// a signed-in reader (their jurisdiction, exact places), or anyone when the city publishes reads
// (open311.publicReads / OPEN311_PUBLIC_READS: city-wide, places coarsened as the city says) —
// never a caller's name or phone, which no query here selects.
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { readApiKey } from '../auth/apiKeys.ts';
import { can } from '../auth/principal.ts';
import { RETRY_AFTER_SECONDS } from '../errors.ts';
import { UnknownCodeError } from '../filters.ts';
import { normaliseDeep } from '../validate.ts';
import { intakeQueue, IntakeUnavailable } from '../intake/groupCommit.ts';
import { intakeSchema } from '../intake/normalise.ts';
import { defaultSettings } from '../intake/settings.ts';
import { attributeFields, isW3cInstant, validateAttributes } from '../open311/attributes.ts';
import { open311Error, render, splitFormat, type Format } from '../open311/format.ts';
import { serviceDefinition, service, serviceRequest, STATUS_FILTER, type View } from '../open311/mapping.ts';
import { checkMedia, TYPE_OF_EXTENSION } from '../open311/media.ts';
import { mediaBudgetBytes, open311Settings, type Open311Effective } from '../open311/settings.ts';
import {
  changesetAt,
  mediaBytes,
  mediaBytesUsed,
  requestById,
  requestList,
  type RequestFilter,
  saveAttributes,
  saveMedia,
  serviceExists,
  serviceRows,
  ticketIdOfToken,
} from '../open311/sql.ts';
import type { Scope } from '../auth/principal.ts';

export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
const DEFAULT_DAYS = 90;
/** "Default query limit is a span of 90 days or first 1000 requests returned." */
export const MAX_REQUESTS = 1000;
const DAY_MS = 86_400_000;

/** This endpoint's base URL: PUBLIC_ORIGIN when set, else as the request reached it. */
function baseUrl(c: Context): string {
  const origin = process.env.PUBLIC_ORIGIN?.split(',')[0]?.trim().replace(/\/+$/, '') || new URL(c.req.url).origin;
  return `${origin}/open311/v2`;
}

/** The spec: "A null parameter should be treated as equivalent to a non-declared parameter". */
const param = (c: Context, k: string) => {
  const v = c.req.query(k)?.trim();
  return v ? v : undefined;
};

/** 404 when the client names a jurisdiction this endpoint does not serve (single-jurisdiction: optional). */
function wrongJurisdiction(format: Format, s: Open311Effective, given: string | undefined): Response | null {
  if (!given || !s.jurisdictionId || given === s.jurisdictionId) return null;
  return open311Error(format, 404, `jurisdiction_id ${given} not found; this endpoint serves ${s.jurisdictionId}`);
}

interface Reader {
  /** null = the public: city-wide. */
  scope: Scope | null;
  view: View;
}

/** A signed-in reader (their scope, exact places) or the public when this city publishes reads. */
function readerOf(c: Context<AppEnv>, format: Format, s: Open311Effective): Reader | Response {
  const p = c.get('principal');
  if (p && can(p, 'read')) return { scope: p.scope, view: { base: baseUrl(c), coarsenMeters: 0 } };
  if (s.publicReads) return { scope: null, view: { base: baseUrl(c), coarsenMeters: s.coarsenMeters, public: true } };
  return open311Error(
    format,
    403,
    'Open311 requests are not public here: read them with a signed-in session (api_key files requests only)',
  );
}

async function discovery(c: Context<AppEnv>, s: Open311Effective) {
  const at = await changesetAt(c.get('db'));
  return {
    changeset: at,
    contact: s.contact ?? 'The hotline operations office (12345 / 311) that runs this service',
    key_service:
      s.keyService ?? 'API keys are issued by the hotline administrators: npm run accounts -- api-key <name>',
    endpoints: [
      {
        specification: SPECIFICATION,
        url: baseUrl(c),
        changeset: at,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

/** The GET requests filters, or a 400 naming the parameter (open311/sql.ts turns them into SQL). */
function requestFilter(c: Context, format: Format, scope: Scope | null, now: number): RequestFilter | Response {
  const bad = (k: string, why: string) => open311Error(format, 400, `${k}: ${why}`);
  const int = (k: string, lo: number, hi: number, dflt: number): number | Response => {
    const v = param(c, k);
    if (v === undefined) return dflt;
    if (!/^\d{1,9}$/.test(v) || Number(v) < lo || Number(v) > hi) return bad(k, `a whole number from ${lo} to ${hi}`);
    return Number(v);
  };
  const list = (v: string) =>
    v
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean);
  const size = int('page_size', 1, MAX_REQUESTS, MAX_REQUESTS);
  if (size instanceof Response) return size;
  const page = int('page', 1, 1_000_000, 1);
  if (page instanceof Response) return page;
  const paging = { limit: size, offset: (page - 1) * size };
  const ids = param(c, 'service_request_id');
  if (ids) {
    // "This overrides all other arguments." The reader's jurisdiction still holds.
    const wanted = list(ids);
    if (wanted.length > MAX_REQUESTS) return bad('service_request_id', `at most ${MAX_REQUESTS} ids`);
    if (!wanted.every((x) => /^\d{1,15}$/.test(x)))
      return bad('service_request_id', 'a comma-separated list of request ids');
    return { scope, ids: wanted, ...paging };
  }
  const codes = param(c, 'service_code');
  const dates: Record<'start_date' | 'end_date', number | undefined> = { start_date: undefined, end_date: undefined };
  for (const k of ['start_date', 'end_date'] as const) {
    const v = param(c, k);
    if (v === undefined) continue;
    if (!isW3cInstant(v)) return bad(k, 'not a W3C date-time (e.g. 2010-01-01T00:00:00Z)');
    dates[k] = Date.parse(v);
  }
  if (dates.start_date !== undefined && dates.end_date !== undefined && dates.start_date > dates.end_date)
    return bad('start_date', 'after end_date');
  // Neither: the most recent 90 days. end_date alone: the 90 days before it. start_date alone: since then.
  const start = dates.start_date ?? (dates.end_date ?? now) - DEFAULT_DAYS * DAY_MS;
  const status = param(c, 'status');
  let statuses: string[] | undefined;
  if (status) {
    const wanted = list(status);
    if (!wanted.every((x) => x === 'open' || x === 'closed'))
      return bad('status', 'open, closed or both (comma-separated)');
    statuses = wanted.flatMap((x) => STATUS_FILTER[x as 'open' | 'closed']);
  }
  return {
    scope,
    codes: codes ? list(codes) : undefined,
    from: new Date(start),
    to: dates.end_date !== undefined ? new Date(dates.end_date) : undefined,
    statuses,
    ...paging,
  };
}

const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v);

export const open311 = new Hono<AppEnv>()
  .get('/services/:name', async (c) => {
    const f = splitFormat(c.req.param('name'));
    if (!f) return open311Error('json', 404, 'Service definitions are services/{service_code}.json or .xml');
    const [code, format] = f;
    const s = open311Settings();
    const wrong = wrongJurisdiction(format, s, param(c, 'jurisdiction_id'));
    if (wrong) return wrong;
    if (!(await serviceExists(c.get('db'), code))) return open311Error(format, 404, `service_code ${code} not found`);
    return render(format, 200, 'service_definition', serviceDefinition(code, s.attributes[code] ?? [], s.locale));
  })
  .get('/requests/:name', async (c) => {
    const f = splitFormat(c.req.param('name'));
    if (!f) return open311Error('json', 404, 'A request is requests/{service_request_id}.json or .xml');
    const [id, format] = f;
    const s = open311Settings();
    const wrong = wrongJurisdiction(format, s, param(c, 'jurisdiction_id'));
    if (wrong) return wrong;
    const reader = readerOf(c, format, s);
    if (reader instanceof Response) return reader;
    if (!/^\d{1,15}$/.test(id)) return open311Error(format, 404, `service_request_id ${id} not found`);
    // outside the reader's jurisdiction reads as missing
    const rows = await requestById(c.get('db'), s.locale, id, reader.scope);
    if (!rows[0]) return open311Error(format, 404, `service_request_id ${id} not found`);
    return render(
      format,
      200,
      'service_requests',
      rows.map((r) => serviceRequest(r, reader.view)),
    );
  })
  .get('/tokens/:name', async (c) => {
    const f = splitFormat(c.req.param('name'));
    if (!f) return open311Error('json', 404, 'A token is tokens/{token}.json or .xml');
    const [token, format] = f;
    const s = open311Settings();
    const wrong = wrongJurisdiction(format, s, param(c, 'jurisdiction_id'));
    if (wrong) return wrong;
    const reader = readerOf(c, format, s);
    if (reader instanceof Response) return reader;
    const ticketId = await ticketIdOfToken(c.get('db'), token, reader.scope);
    if (!ticketId) return open311Error(format, 404, `token ${token} not found`);
    return render(format, 200, 'service_requests', [{ service_request_id: ticketId, token }]);
  })
  .get('/media/:name', async (c) => {
    const m = /^(\d{1,15})\.(jpg|png)$/.exec(c.req.param('name'));
    if (!m) return open311Error('json', 404, `media ${c.req.param('name')} not found`);
    const s = open311Settings();
    const reader = readerOf(c, 'json', s);
    if (reader instanceof Response) return reader;
    const stored = await mediaBytes(c.get('db'), m[1]!, TYPE_OF_EXTENSION[m[2]!]!, reader.scope);
    if (!stored) return open311Error('json', 404, `media ${c.req.param('name')} not found`);
    const bytes = new Uint8Array(stored);
    return new Response(bytes, {
      headers: {
        'content-type': TYPE_OF_EXTENSION[m[2]!]!,
        'content-length': String(bytes.length),
        'content-disposition': 'inline',
      },
    });
  })
  .get('/:name', async (c) => {
    const f = splitFormat(c.req.param('name'));
    if (!f) return open311Error('json', 404, `No such resource: ${c.req.param('name')}`);
    const [res, format] = f;
    const db = c.get('db');
    const s = open311Settings();
    if (res === 'discovery') return render(format, 200, 'discovery', await discovery(c, s));
    if (res !== 'services' && res !== 'requests') return open311Error(format, 404, `No such resource: ${res}`);
    const wrong = wrongJurisdiction(format, s, param(c, 'jurisdiction_id'));
    if (wrong) return wrong;
    if (res === 'services') {
      const rows = await serviceRows(db, s.locale);
      return render(
        format,
        200,
        'services',
        rows.map((r) => service(r, s.attributes[r.code] ?? [])),
      );
    }
    const reader = readerOf(c, format, s);
    if (reader instanceof Response) return reader;
    const filter = requestFilter(c, format, reader.scope, Date.now());
    if (filter instanceof Response) return filter;
    const rows = await requestList(db, s.locale, filter);
    return render(
      format,
      200,
      'service_requests',
      rows.map((r) => serviceRequest(r, reader.view)),
    );
  })
  .post('/:name', async (c) => {
    const f = splitFormat(c.req.param('name'));
    if (!f || f[0] !== 'requests')
      return open311Error(f?.[1] ?? 'json', 404, `No such resource: POST ${c.req.param('name')}`);
    const format = f[1];
    const db = c.get('db');
    const s = open311Settings();
    let form: Record<string, unknown>;
    try {
      form = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
    } catch {
      return open311Error(
        format,
        400,
        'body: not form data (send application/x-www-form-urlencoded or multipart/form-data)',
      );
    }
    const str = (k: string): string | undefined => {
      const raw = first(form[k]) ?? c.req.query(k);
      // multipart fields are not normalised at the edge (security.ts): NFC, no control characters
      const v = typeof raw === 'string' ? (normaliseDeep(raw) as string) : raw;
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const bad = (k: string, why: string, status = 400) => open311Error(format, status, `${k}: ${why}`);
    const wrong = wrongJurisdiction(format, s, str('jurisdiction_id'));
    if (wrong) return wrong;
    // The spec asks every POST for a key (403 when missing or wrong), signed-in users included.
    const key = str('api_key');
    if (!key) return bad('api_key', 'missing: POST requests need an api_key', 403);
    if (!(await readApiKey(db, key))) return bad('api_key', 'not a valid key', 403);
    const code = str('service_code');
    if (!code) return bad('service_code', 'required');
    if (!(await serviceExists(db, code))) return bad('service_code', `${code} not found`, 404);

    const lat = str('lat');
    const lon = str('long');
    if ((lat === undefined) !== (lon === undefined))
      return bad(lat === undefined ? 'lat' : 'long', 'lat and long are sent together');
    const address = str('address_string');
    if (lat === undefined && !address)
      return bad(
        str('address_id') ? 'address_id' : 'lat/long or address_string',
        str('address_id') ? 'not known here: send lat/long or address_string' : 'a location is required',
      );
    const num = (k: string, s0: string, lim: number): number | Response =>
      /^[-+]?\d{1,3}(\.\d{1,15})?$/.test(s0) && Math.abs(Number(s0)) <= lim
        ? Number(s0)
        : bad(k, `not a WGS-84 ${k === 'lat' ? 'latitude (-90 to 90)' : 'longitude (-180 to 180)'}`);
    const latN = lat === undefined ? null : num('lat', lat, 90);
    if (latN instanceof Response) return latN;
    const lonN = lon === undefined ? null : num('long', lon, 180);
    if (lonN instanceof Response) return lonN;
    const crs = (str('crs') ?? 'WGS84').toUpperCase().replace(/[^A-Z0-9]/g, '');
    if (!(s.acceptCrs as string[]).includes(crs)) return bad('crs', `this city accepts ${s.acceptCrs.join(', ')}`);

    const attrs = validateAttributes(code, s.attributes[code] ?? [], attributeFields(form));
    if (!attrs.ok) return bad(attrs.field, attrs.message);

    // media: an uploaded image (multipart) or the client's own media_url, not both
    const file = first(form.media);
    const mediaUrl = str('media_url');
    let media: { type: string; bytes: Uint8Array } | { url: string } | null = null;
    if (file !== undefined && typeof file !== 'string') {
      if (mediaUrl) return bad('media', 'send media or media_url, not both');
      const checked = checkMedia(new Uint8Array(await (file as File).arrayBuffer()));
      if (!checked.ok) return bad('media', checked.message);
      const used = await mediaBytesUsed(db);
      if (used + checked.bytes.length > mediaBudgetBytes())
        return bad('media', 'the media store is full; send the request without media');
      media = { type: checked.type, bytes: checked.bytes };
    } else if (mediaUrl) {
      const u = URL.canParse(mediaUrl) ? new URL(mediaUrl) : null;
      if (!u || !/^https?:$/.test(u.protocol) || mediaUrl.length > 2000)
        return bad('media_url', 'an http(s) URL of at most 2000 characters');
      media = { url: u.href };
    } else if (typeof file === 'string' && file.trim() !== '') {
      return bad('media', 'send the file as multipart/form-data, or a media_url');
    }

    const given = str('first_name');
    const family = str('last_name');
    const name =
      s.locale === 'en' ? [given, family].filter(Boolean).join(' ') : [family, given].filter(Boolean).join('');
    const parsed = intakeSchema.safeParse({
      kind: 'complaint',
      channel: 'app',
      category: code,
      description: str('description') ?? '',
      address: address ?? null,
      lon: lonN,
      lat: latN,
      crs,
      callerName: name || null,
      callerPhone: str('phone') ?? null,
      idempotencyKey: `open311:${c.req.header('idempotency-key')?.slice(0, 150) ?? randomUUID()}`,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field =
        (
          {
            lon: 'long',
            address: 'address_string',
            category: 'service_code',
            callerPhone: 'phone',
            callerName: 'first_name',
            idempotencyKey: 'Idempotency-Key',
          } as Record<string, string>
        )[String(issue?.path[0])] ?? String(issue?.path[0] ?? 'request');
      return bad(field, issue?.message ?? 'invalid');
    }
    try {
      const r = await intakeQueue(db).submit(parsed.data, defaultSettings());
      if (r.created) {
        if (Object.keys(attrs.values).length) await saveAttributes(db, r.id, code, attrs.values);
        if (media) await saveMedia(db, r.id, media);
      }
      return render(format, r.created ? 201 : 200, 'service_requests', [
        { service_request_id: String(r.id), service_notice: null, account_id: null },
      ]);
    } catch (e) {
      if (e instanceof UnknownCodeError) return bad('service_code', `${code} not found`, 404);
      if (e instanceof IntakeUnavailable) {
        // Same retry hint as the JSON API's 503, so one client back-off serves both.
        return open311Error(format, 503, 'the request could not be stored; retry shortly', {
          'Retry-After': String(RETRY_AFTER_SECONDS),
        });
      }
      throw e;
    }
  })
  .all('*', (c) => {
    const format = splitFormat(c.req.path.split('/').pop() ?? '')?.[1] ?? 'json';
    return open311Error(
      format,
      c.req.method === 'GET' || c.req.method === 'HEAD' ? 404 : 405,
      `No such endpoint: ${c.req.method} ${c.req.path}`,
    );
  });
