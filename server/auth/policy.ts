// Every endpoint's gate in one table: what a request must be allowed to do to reach it. Unknown
// writes are refused (deny by default); tests/server/auth/policy.test.ts fails when a route of the
// app has no entry here.
import type { Capability } from './roles.ts';
import { UNIT_ACTIONS } from '../../db/vocabulary.ts';

/**
 * 'open311_read': requests, tokens and media of Open311 — the route lets in a signed-in reader (their
 * jurisdiction) or, where the city publishes reads, anyone; 'open311_api_key': filing a request,
 * which the route allows only with a valid api_key (the spec's 403 otherwise).
 */
export type Gate = Capability | 'public' | 'signed_in' | 'open311_read' | 'open311_api_key';

export { UNIT_ACTIONS };

const RULES: [method: 'GET' | 'POST' | 'PUT' | 'DELETE' | '*', path: RegExp, gate: Gate][] = [
  ['GET', /^\/api\/health$/, 'public'],
  ['GET', /^\/api\/config$/, 'public'],
  // The API's description (OpenAPI 3.1) and its interactive reference, public like Open311 discovery.
  ['GET', /^\/api\/(openapi\.json|docs|docs\/(scalar|init)\.js)$/, 'public'],
  // The base map: the city's published outlines, public like the page that draws them.
  ['GET', /^\/basemap\/city\.pmtiles$/, 'public'],
  ['POST', /^\/api\/auth\/(login|kiosk)$/, 'public'],
  ['POST', /^\/api\/auth\/unlock$/, 'admin'],
  ['GET', /^\/api\/auth\/me$/, 'public'],
  ['POST', /^\/api\/auth\/logout$/, 'signed_in'],
  ['*', /^\/api\/admin(\/|$)/, 'admin'],
  // What a wall display shows: aggregates, the live feed of new tickets, hot spots, scores.
  [
    'GET',
    /^\/api\/(wall\/[a-z]+|live|hotspots(\/emerging)?|ranking|ranking\/months|regions|categories|zones|topics|alerts)$/,
    'wall',
  ],
  ['GET', /^\/api\/gov\/wall$/, 'wall'],
  ['GET', /^\/api\/tickets\/\d+\/caller$/, 'caller_unmasked'],
  ['GET', /^\/api\/import\/history(\/[a-z0-9]+)?$/, 'import'],
  ['GET', /^\/api\//, 'read'],
  ['POST', /^\/api\/tickets$/, 'intake'],
  ['POST', /^\/api\/import\/tickets$/, 'import'],
  ['POST', /^\/api\/import\/history$/, 'import'],
  ['POST', /^\/api\/tickets\/\d+\/locate$/, 'locate'],
  ['POST', new RegExp(`^/api/tickets/\\d+/(${UNIT_ACTIONS.join('|')})$`), 'unit_actions'],
  ['POST', /^\/api\/tickets\/\d+\/[a-z-]+$/, 'hotline_actions'],
  // the queue's bulk remind, escalate and re-dispatch: hotline actions on each ticket
  ['POST', /^\/api\/queue\/bulk$/, 'hotline_actions'],
  ['POST', /^\/api\/forecast\/intervention-effect$/, 'plan'],
  // Governance (server/routes/governance.ts): a unit updates its own task (the own-unit rule is the
  // route's), dispatchers and planners create proactive orders, planners and admins the rest.
  ['POST', /^\/api\/gov\/tasks\/\d+$/, 'read'],
  ['POST', /^\/api\/gov\/proactive$/, 'proactive'],
  ['POST', /^\/api\/gov\//, 'plan'],
  // Surge alerts: whoever works tickets (dispatchers, officials in their region) acknowledges and closes them.
  ['POST', /^\/api\/alerts\/\d+\/state$/, 'unit_actions'],
  // The dispatcher's assistant: suggestions at intake; links, retraining and knowledge-base edits are the hotline's.
  ['POST', /^\/api\/assist\/(suggest|duplicates|feedback)$/, 'intake'],
  ['POST', /^\/api\/assist\/(link|retrain)$/, 'hotline_actions'],
  ['POST', /^\/api\/kb(\/cases)?$/, 'hotline_actions'],
  ['PUT', /^\/api\/kb\/\d+$/, 'hotline_actions'],
  ['DELETE', /^\/api\/kb\/\d+$/, 'hotline_actions'],
  // Open311 GeoReport v2: discovery and services are public; requests are read by readers or, where
  // the city publishes them, by anyone (server/open311/settings.ts); filing needs an api_key.
  ['GET', /^\/open311\/v2\/(discovery|services)(\/[^/]+|\.[a-z]+)?$/, 'public'],
  ['GET', /^\/open311\/v2\//, 'open311_read'],
  ['POST', /^\/open311\/v2\//, 'open311_api_key'],
];

/** The gate of a request; null = no rule (refused for writes, not an API path for reads). */
export function gateOf(method: string, path: string): Gate | null {
  const m = method === 'HEAD' ? 'GET' : method;
  for (const [rm, re, gate] of RULES) if ((rm === '*' || rm === m) && re.test(path)) return gate;
  return null;
}
