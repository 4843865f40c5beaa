// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) under /open311/v2/: services,
// service definitions, requests (GET with filters, POST with api_key), one request, tokens.
// Every error answers in the spec's body and in the format the path asked for.
import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app.ts';
import { readApiKey } from '../auth/apiKeys.ts';
import { RETRY_AFTER_SECONDS } from '../errors.ts';
import { UnknownCodeError } from '../filters.ts';
import { intakeQueue, IntakeUnavailable } from '../intake/groupCommit.ts';
import { intakeSchema } from '../intake/normalise.ts';
import { defaultSettings } from '../intake/settings.ts';
import { open311Error, render, splitFormat, type Format } from '../open311/format.ts';
import { service, serviceRequest, STATUS_FILTER, type RequestRow, type ServiceRow } from '../open311/mapping.ts';
import { limitBody } from './lifecycle.ts';
import { scopeClause } from '../auth/scope.ts';
import { activeCity } from '../city.ts';

const DEFAULT_DAYS = 90;
const MAX_REQUESTS = 1000;

/** A name in the city's own language (its package's locale), the other language as fallback. */
const localName = (alias: string) =>
  activeCity()?.locale === 'en' ? `COALESCE(NULLIF(${alias}.name_en, ''), ${alias}.name_zh)` : `COALESCE(NULLIF(${alias}.name_zh, ''), ${alias}.name_en)`;
const servicesSql = () => `SELECT c.code, ${localName('c')} AS name_zh, ${localName('g')} AS group_zh, c.urgency FROM categories c JOIN category_groups g ON g.code = c.group_code`;

const requestSql = () => `
  SELECT t.id::int AS id, t.status, t.category_code, ${localName('c')} AS service_name, t.description, t.address,
         ST_X(t.geom) AS lon, ST_Y(t.geom) AS lat, t.received_at, t.updated_at, t.resolve_due_at,
         (SELECT d.unit_code FROM dispatches d WHERE d.ticket_id = t.id AND d.active AND d.role = 'territorial' ORDER BY d.id DESC LIMIT 1) AS agency,
         (SELECT e.note FROM ticket_events e WHERE e.ticket_id = t.id AND e.note IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1) AS status_notes
  FROM tickets t JOIN categories c ON c.code = t.category_code`;

const fmtOf = (c: Context, name: string): [string, Format] | null => splitFormat(name);

/** Service discovery (GeoReport v2): this one endpoint, at PUBLIC_ORIGIN when set, else as the request reached it. */
function discovery(c: Context) {
  const origin = process.env.PUBLIC_ORIGIN?.split(',')[0]?.trim().replace(/\/+$/, '') || new URL(c.req.url).origin;
  const changeset = '2026-12-01T00:00:00Z';
  return {
    changeset,
    contact: 'The 12345 hotline operations office',
    key_service: 'API keys are issued by the hotline’s administrators (npm run accounts -- api-key <name>)',
    endpoints: [{ specification: 'http://wiki.open311.org/GeoReport_v2', url: `${origin}/open311/v2`, changeset, type: 'production', formats: ['application/json', 'text/xml'] }],
  };
}
const isInstant = (s: string) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s));

export const open311 = new Hono<AppEnv>()
  .get('/:name', async (c) => {
    const f = fmtOf(c, c.req.param('name'));
    if (!f) return open311Error('json', 404, `No such resource: ${c.req.param('name')}`);
    const [res, format] = f;
    const db = c.get('db');
    if (res === 'services') {
      const rows = await db.query<ServiceRow>(`${servicesSql()} ORDER BY c.code`);
      return render(format, 200, 'services', 'service', rows.map(service));
    }
    if (res === 'discovery') return render(format, 200, 'discovery', 'discovery', discovery(c));
    if (res !== 'requests') return open311Error(format, 404, `No such resource: ${res}`);
    const q = c.req.query();
    const params: unknown[] = [];
    const where: string[] = [];
    // the reader's jurisdiction holds even with service_request_id (which drops every other filter)
    const own = scopeClause(c.get('principal').scope, params);
    if (own) where.push(own);
    if (q.service_request_id) {
      // The spec: with service_request_id, all other filters are ignored.
      const ids = q.service_request_id.split(',').map((s) => s.trim());
      if (!ids.every((s) => /^\d{1,15}$/.test(s))) return open311Error(format, 400, 'service_request_id: not a request id');
      params.push(ids.map(Number));
      where.push(`t.id = ANY($${params.length}::bigint[])`);
    } else {
      if (q.service_code) {
        params.push(q.service_code.split(',').map((s) => s.trim()));
        where.push(`t.category_code = ANY($${params.length}::text[])`);
      }
      for (const k of ['start_date', 'end_date'] as const) if (q[k] !== undefined && !isInstant(q[k])) return open311Error(format, 400, `${k}: not a W3C date-time`);
      const end = q.end_date ? new Date(q.end_date) : null;
      const start = q.start_date ? new Date(q.start_date) : new Date((end?.getTime() ?? Date.now()) - DEFAULT_DAYS * 86_400_000);
      params.push(start.toISOString());
      where.push(`t.received_at >= $${params.length}`);
      if (end) {
        params.push(end.toISOString());
        where.push(`t.received_at <= $${params.length}`);
      }
      if (q.status) {
        const wanted = q.status.split(',').map((s) => s.trim());
        if (!wanted.every((s) => s === 'open' || s === 'closed')) return open311Error(format, 400, 'status: must be open or closed');
        params.push(wanted.flatMap((s) => STATUS_FILTER[s as 'open' | 'closed']));
        where.push(`t.status = ANY($${params.length}::text[])`);
      }
    }
    const rows = await db.query<RequestRow>(`${requestSql()} WHERE ${where.join(' AND ')} ORDER BY t.received_at DESC, t.id DESC LIMIT ${MAX_REQUESTS}`, params);
    return render(format, 200, 'service_requests', 'request', rows.map(serviceRequest));
  })
  .get('/services/:name', async (c) => {
    const f = fmtOf(c, c.req.param('name'));
    if (!f) return open311Error('json', 404, 'Service definitions are services/{code}.json or .xml');
    const [code, format] = f;
    const rows = await c.get('db').query<ServiceRow>(`${servicesSql()} WHERE c.code = $1`, [code]);
    if (!rows[0]) return open311Error(format, 404, `service_code ${code} not found`);
    // No extra attributes are asked of the citizen: metadata is false and the list is empty.
    return render(format, 200, 'service_definition', 'service_definition', { service_code: code, attributes: [] });
  })
  .get('/requests/:name', async (c) => {
    const f = fmtOf(c, c.req.param('name'));
    if (!f) return open311Error('json', 404, 'Requests are requests/{id}.json or .xml');
    const [id, format] = f;
    if (!/^\d{1,15}$/.test(id)) return open311Error(format, 404, `service_request_id ${id} not found`);
    const params: unknown[] = [Number(id)];
    const own = scopeClause(c.get('principal').scope, params);
    // outside the reader's jurisdiction reads as missing
    const rows = await c.get('db').query<RequestRow>(`${requestSql()} WHERE t.id = $1${own ? ` AND ${own}` : ''}`, params);
    if (!rows[0]) return open311Error(format, 404, `service_request_id ${id} not found`);
    return render(format, 200, 'service_requests', 'request', rows.map(serviceRequest));
  })
  .get('/tokens/:name', async (c) => {
    const f = fmtOf(c, c.req.param('name'));
    if (!f) return open311Error('json', 404, 'Tokens are tokens/{token}.json or .xml');
    const [token, format] = f;
    const params: unknown[] = [`open311:${token}`];
    const own = scopeClause(c.get('principal').scope, params);
    const rows = await c.get('db').query<{ id: number }>(`SELECT t.id::int AS id FROM tickets t WHERE t.idempotency_key = $1${own ? ` AND ${own}` : ''}`, params);
    if (!rows[0]) return open311Error(format, 404, `token ${token} not found`);
    return render(format, 200, 'service_requests', 'request', [{ service_request_id: String(rows[0].id), token }]);
  })
  .post('/:name', limitBody(), async (c) => {
    const f = fmtOf(c, c.req.param('name'));
    if (!f || f[0] !== 'requests') return open311Error(f?.[1] ?? 'json', 404, `No such resource: ${c.req.param('name')}`);
    const format = f[1];
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody();
    } catch {
      return open311Error(format, 400, 'body: not form data');
    }
    const str = (k: string) => {
      const v = form[k] ?? c.req.query(k);
      return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
    };
    const key = str('api_key');
    // The spec asks every POST for a key, signed-in dispatchers included (stored keys or OPEN311_API_KEYS).
    if (!key || !(await readApiKey(c.get('db'), key))) return open311Error(format, 403, 'api_key: missing or invalid');
    const code = str('service_code');
    if (!code) return open311Error(format, 400, 'service_code: required');
    const lat = str('lat');
    const lon = str('long');
    const num = (s: string | undefined) => (s === undefined ? null : /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : NaN);
    const token = c.req.header('idempotency-key')?.slice(0, 150) ?? randomUUID();
    const name = [str('last_name'), str('first_name')].filter(Boolean).join('');
    const parsed = intakeSchema.safeParse({
      kind: 'complaint',
      channel: 'app',
      category: code,
      description: str('description') ?? '',
      address: str('address_string') ?? null,
      lon: num(lon),
      lat: num(lat),
      crs: 'WGS84',
      callerName: name || null,
      callerPhone: str('phone') ?? null,
      idempotencyKey: `open311:${token}`,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = ({ lon: 'long', address: 'lat/long or address_string', category: 'service_code', callerPhone: 'phone', callerName: 'first_name' } as Record<string, string>)[String(issue?.path[0])] ?? String(issue?.path[0] ?? 'request');
      return open311Error(format, 400, `${field}: ${issue?.message ?? 'invalid'}`);
    }
    try {
      const r = await intakeQueue(c.get('db')).submit(parsed.data, defaultSettings());
      return render(format, r.created ? 201 : 200, 'service_requests', 'request', [{ service_request_id: String(r.id), token, service_notice: null, account_id: null }]);
    } catch (e) {
      if (e instanceof UnknownCodeError) return open311Error(format, 400, `service_code: ${code} not found`);
      if (e instanceof IntakeUnavailable) {
        // Same retry hint as the JSON API's 503, so one client back-off serves both.
        const res = open311Error(format, 503, 'the request could not be stored; retry shortly');
        res.headers.set('Retry-After', String(RETRY_AFTER_SECONDS));
        return res;
      }
      throw e;
    }
  })
  .all('*', (c) => open311Error('json', 404, `No such endpoint: ${c.req.method} ${c.req.path}`));
