// The gate of every endpoint, written out: a route the application gains without a rule in
// server/auth/policy.ts (and a line here) fails this test, and no write is open to the public
// except signing in and redeeming a kiosk token.
import { describe, expect, it } from 'vitest';
import type { Database } from '../../../db/client.ts';
import { createApp } from '../../../server/app.ts';
import { gateOf, UNIT_ACTIONS, type Gate } from '../../../server/auth/policy.ts';

/** Each route of the app as Hono lists it → [a concrete path, the gate it must have]. */
const GATES: Record<string, [string, Gate][]> = {
  'GET /api/health': [['/api/health', 'public']],
  'GET /api/config': [['/api/config', 'public']],
  // the API's description and its reference page, public like Open311 discovery
  'GET /api/openapi.json': [['/api/openapi.json', 'public']],
  'GET /api/docs': [['/api/docs', 'public']],
  'GET /basemap/city.pmtiles': [['/basemap/city.pmtiles', 'public']],
  'GET /api/docs/init.js': [['/api/docs/init.js', 'public']],
  'GET /api/docs/scalar.js': [['/api/docs/scalar.js', 'public']],
  'POST /api/auth/login': [['/api/auth/login', 'public']],
  'POST /api/auth/kiosk': [['/api/auth/kiosk', 'public']],
  'GET /api/auth/me': [['/api/auth/me', 'public']],
  'POST /api/auth/logout': [['/api/auth/logout', 'signed_in']],
  'POST /api/auth/unlock': [['/api/auth/unlock', 'admin']],
  'GET /api/admin/users': [['/api/admin/users', 'admin']],
  'POST /api/admin/users': [['/api/admin/users', 'admin']],
  'PATCH /api/admin/users/:username': [['/api/admin/users/someone', 'admin']],
  'GET /api/admin/kiosks': [['/api/admin/kiosks', 'admin']],
  'POST /api/admin/kiosks': [['/api/admin/kiosks', 'admin']],
  'POST /api/admin/kiosks/:screen/release': [['/api/admin/kiosks/lobby/release', 'admin']],
  'DELETE /api/admin/kiosks/:screen': [['/api/admin/kiosks/lobby', 'admin']],
  'GET /api/admin/audit': [['/api/admin/audit', 'admin']],
  'GET /api/admin/api-keys': [['/api/admin/api-keys', 'admin']],
  'PATCH /api/admin/api-keys/:name': [['/api/admin/api-keys/telephony', 'admin']],
  // What a wall screen draws: reference layers, aggregates, the live feed of new tickets, scores.
  'GET /api/regions': [['/api/regions', 'wall']],
  'GET /api/zones': [['/api/zones', 'wall']],
  'GET /api/categories': [['/api/categories', 'wall']],
  'GET /api/wall/today': [['/api/wall/today', 'wall']],
  'GET /api/wall/tickets': [['/api/wall/tickets', 'wall']],
  'GET /api/wall/urgent': [['/api/wall/urgent', 'wall']],
  'GET /api/wall/hotplaces': [['/api/wall/hotplaces', 'wall']],
  'GET /api/live': [['/api/live', 'wall']],
  'GET /api/alerts': [['/api/alerts', 'wall']],
  'GET /api/ranking': [['/api/ranking', 'wall']],
  'GET /api/ranking/months': [['/api/ranking/months', 'wall']],
  'GET /api/hotspots': [['/api/hotspots', 'wall']],
  'GET /api/hotspots/emerging': [['/api/hotspots/emerging', 'wall']],
  'GET /api/topics': [['/api/topics', 'wall']],
  // Everything else a signed-in reader sees, limited to their jurisdiction by the query.
  'GET /api/tickets': [['/api/tickets', 'read']],
  'GET /api/tickets/export': [['/api/tickets/export', 'read']],
  'GET /api/tickets/points': [['/api/tickets/points', 'read']],
  'GET /api/tickets/:id{[0-9]+}': [['/api/tickets/12', 'read']],
  'GET /api/tickets/:id{[0-9]+}/caller': [['/api/tickets/12/caller', 'caller_unmasked']],
  'GET /api/queue': [['/api/queue', 'read']],
  'GET /api/returns': [['/api/returns', 'read']],
  'GET /api/summary': [['/api/summary', 'read']],
  'GET /api/summary/series': [['/api/summary/series', 'read']],
  'GET /api/summary/backlog': [['/api/summary/backlog', 'read']],
  'GET /api/search': [['/api/search', 'read']],
  'POST /api/queue/bulk': [['/api/queue/bulk', 'hotline_actions']],
  'GET /api/ranking/units/:code': [['/api/ranking/units/110105', 'read']],
  'GET /api/ranking/units/:code/drill': [['/api/ranking/units/110105/drill', 'read']],
  'GET /api/ranking/units/:code/what-if': [['/api/ranking/units/110105/what-if', 'read']],
  'GET /api/reports/daily': [['/api/reports/daily', 'read']],
  'GET /api/reports/weekly': [['/api/reports/weekly', 'read']],
  'GET /api/reports/monthly': [['/api/reports/monthly', 'read']],
  'GET /api/reports/annual': [['/api/reports/annual', 'read']],
  'GET /api/hotspots/regions': [['/api/hotspots/regions', 'read']],
  'GET /api/clusters': [['/api/clusters', 'read']],
  'GET /api/forecast': [['/api/forecast', 'read']],
  'GET /api/forecast/backtest': [['/api/forecast/backtest', 'read']],
  // Writes.
  'POST /api/tickets': [['/api/tickets', 'intake']],
  'POST /api/import/tickets': [['/api/import/tickets', 'import']],
  'POST /api/import/history': [['/api/import/history', 'import']],
  'GET /api/import/history': [['/api/import/history', 'import']],
  'GET /api/import/history/:id{[a-z0-9]{6,32}}': [['/api/import/history/0123abcd4567', 'import']],
  'POST /api/tickets/:id{[0-9]+}/locate': [['/api/tickets/12/locate', 'locate']],
  'POST /api/tickets/:id{[0-9]+}/:action': [
    ...UNIT_ACTIONS.map((a): [string, Gate] => [`/api/tickets/12/${a}`, 'unit_actions']),
    ...[
      'dispatch',
      'redispatch',
      'rule-return',
      'whistle',
      'callback',
      'close',
      'answer',
      'forward',
      'undefer',
      'remind',
      'escalate',
    ].map((a): [string, Gate] => [`/api/tickets/12/${a}`, 'hotline_actions']),
  ],
  'POST /api/forecast/intervention-effect': [['/api/forecast/intervention-effect', 'plan']],
  // The governance loop: reads for every signed-in reader (scoped in SQL), the wall's scene for
  // walls, a task update for its own unit (checked by the route), proactive orders for dispatchers
  // and planners, every other write for planners and admins.
  'GET /api/gov/topics': [['/api/gov/topics', 'read']],
  'GET /api/gov/topics/:id{[0-9]+}': [['/api/gov/topics/7', 'read']],
  'GET /api/gov/tasks': [['/api/gov/tasks', 'read']],
  'GET /api/gov/tasks/overdue': [['/api/gov/tasks/overdue', 'read']],
  'GET /api/gov/achievements': [['/api/gov/achievements', 'read']],
  'GET /api/gov/ledger': [['/api/gov/ledger', 'read']],
  'GET /api/gov/proactive': [['/api/gov/proactive', 'read']],
  'GET /api/gov/wall': [['/api/gov/wall', 'wall']],
  'GET /api/gov/report': [['/api/gov/report', 'read']],
  'POST /api/gov/topics': [['/api/gov/topics', 'plan']],
  'POST /api/gov/topics/:id{[0-9]+}/tasks': [['/api/gov/topics/7/tasks', 'plan']],
  'POST /api/gov/topics/:id{[0-9]+}/policies': [['/api/gov/topics/7/policies', 'plan']],
  'POST /api/gov/topics/:id{[0-9]+}/reviews': [['/api/gov/topics/7/reviews', 'plan']],
  'POST /api/gov/topics/:id{[0-9]+}/status': [['/api/gov/topics/7/status', 'plan']],
  'POST /api/gov/tasks/:id{[0-9]+}': [['/api/gov/tasks/7', 'read']],
  'POST /api/gov/ledger': [['/api/gov/ledger', 'plan']],
  'POST /api/gov/ledger/sync': [['/api/gov/ledger/sync', 'plan']],
  'POST /api/gov/ledger/:id{[0-9]+}': [['/api/gov/ledger/7', 'plan']],
  'POST /api/gov/proactive': [['/api/gov/proactive', 'proactive']],
  'POST /api/alerts/:id{[0-9]+}/state': [['/api/alerts/12/state', 'unit_actions']],
  // The dispatcher's assistant: suggestions and repeat offers at intake; links, retraining and knowledge-base edits are the hotline's; everyone reads.
  'POST /api/assist/suggest': [['/api/assist/suggest', 'intake']],
  'POST /api/assist/duplicates': [['/api/assist/duplicates', 'intake']],
  'POST /api/assist/feedback': [['/api/assist/feedback', 'intake']],
  'POST /api/assist/link': [['/api/assist/link', 'hotline_actions']],
  'POST /api/assist/retrain': [['/api/assist/retrain', 'hotline_actions']],
  'GET /api/assist/model': [['/api/assist/model', 'read']],
  'GET /api/assist/tickets/:id{[0-9]+}': [['/api/assist/tickets/12', 'read']],
  'GET /api/kb': [['/api/kb', 'read']],
  'GET /api/kb/:id{[0-9]+}': [['/api/kb/3', 'read']],
  'POST /api/kb': [['/api/kb', 'hotline_actions']],
  'POST /api/kb/cases': [['/api/kb/cases', 'hotline_actions']],
  'PUT /api/kb/:id{[0-9]+}': [['/api/kb/3', 'hotline_actions']],
  'DELETE /api/kb/:id{[0-9]+}': [['/api/kb/3', 'hotline_actions']],
  // Open311 GeoReport v2: discovery and the service list are public; requests, tokens and media are
  // read by a reader or, where the city publishes them, by anyone; filing needs an api_key (the route decides).
  'GET /open311/v2/:name': [
    ['/open311/v2/discovery.json', 'public'],
    ['/open311/v2/services.xml', 'public'],
    ['/open311/v2/requests.json', 'open311_read'],
  ],
  'GET /open311/v2/services/:name': [['/open311/v2/services/noise.night_construction.json', 'public']],
  'GET /open311/v2/requests/:name': [['/open311/v2/requests/12.json', 'open311_read']],
  'GET /open311/v2/tokens/:name': [['/open311/v2/tokens/abc.json', 'open311_read']],
  'GET /open311/v2/media/:name': [['/open311/v2/media/12.jpg', 'open311_read']],
  'POST /open311/v2/:name': [['/open311/v2/requests.json', 'open311_api_key']],
};

const PUBLIC_WRITES = new Set(['POST /api/auth/login', 'POST /api/auth/kiosk']);
const WRITE = ['POST', 'PUT', 'PATCH', 'DELETE'];

function routesOfApp(): string[] {
  const app = createApp({ db: {} as Database });
  return [...new Set(app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`))];
}

describe('the gate table', () => {
  const routes = routesOfApp();

  it('has a written-out gate for every route of the application, and no stale lines', () => {
    expect(routes.filter((r) => !(r in GATES))).toEqual([]);
    expect(Object.keys(GATES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  it('gives each route the gate listed here', () => {
    const got = Object.fromEntries(
      Object.entries(GATES).map(([route, cases]) => [route, cases.map(([p]) => [p, gateOf(route.split(' ')[0]!, p)])]),
    );
    expect(got).toEqual(GATES);
  });

  it('opens no write to the public but signing in and redeeming a kiosk token', () => {
    for (const route of routes.filter((r) => WRITE.includes(r.split(' ')[0]!))) {
      for (const [p] of GATES[route] ?? []) {
        const gate = gateOf(route.split(' ')[0]!, p);
        expect(gate, `${route} (${p})`).not.toBeNull();
        if (!PUBLIC_WRITES.has(route)) expect(gate, `${route} (${p})`).not.toBe('public');
      }
    }
    // Writes the table does not know are refused, not let through.
    expect(gateOf('POST', '/api/anything-new')).toBeNull();
    expect(gateOf('DELETE', '/api/tickets/12')).toBeNull();
    expect(gateOf('PUT', '/api/summary')).toBeNull();
  });

  it('answers HEAD as GET', () => {
    expect(gateOf('HEAD', '/api/tickets')).toBe('read');
    expect(gateOf('HEAD', '/api/health')).toBe('public');
  });
});
