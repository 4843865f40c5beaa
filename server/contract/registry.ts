// The route contract's shape: one entry per `METHOD path` of the app (paths exactly as Hono lists
// them in app.routes), with its request (params, query, body) and every response it gives,
// errors included. Area files (server/contract/<area>.ts) export their entries; index.ts joins
// them; openapi.ts turns them into OpenAPI 3.1; tests/server/contract.test.ts calls every route
// and validates the real answers.
import { z } from 'zod';
import { errorSchema } from './common.ts';

export interface Reply {
  description: string;
  /** JSON body schema; absent for a body that is not JSON (CSV, XLSX, binary points, an event stream) or empty */
  schema?: z.ZodType;
  /** default application/json */
  contentType?: string;
  example?: unknown;
}

export interface RouteContract {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** the path as app.routes lists it, e.g. /api/tickets/:id{[0-9]+} */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** reachable without a session (the auth middleware's public list) */
  public?: boolean;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** default application/json */
  bodyType?: string;
  responses: Record<number, Reply>;
}

const err = (description: string, example?: unknown): Reply => ({ description, schema: errorSchema, example });

/** The error answers every gated route may give; routes add their own 400/404/409. */
export const GATED_ERRORS: Record<number, Reply> = {
  401: err('not signed in (no or expired session)', {
    error: { code: 'unauthenticated', message: 'Sign in first', field: 'session' },
  }),
  403: err('the role may not do this, or the region is outside the jurisdiction', {
    error: { code: 'forbidden', message: 'role: analyst may not …', field: 'role' },
  }),
  503: err('the database is unavailable; retry after Retry-After seconds', {
    error: { code: 'database_unavailable', message: 'The database is unavailable; retry shortly.' },
  }),
};
export const BAD_INPUT: Record<number, Reply> = {
  400: err('bad input: the message names the field', {
    error: { code: 'invalid_input', message: 'from: must be a date between 1900 and 2999', field: 'from' },
  }),
};
export const NOT_FOUND = (what: string): Record<number, Reply> => ({
  404: err(`no such ${what} (or outside the jurisdiction)`, {
    error: { code: 'not_found', message: `No such ${what}`, field: 'id' },
  }),
});
export const CONFLICT = (what: string): Record<number, Reply> => ({ 409: err(what) });

export const json = (description: string, schema: z.ZodType, example?: unknown): Reply => ({
  description,
  schema,
  example,
});

/** Path parameters of the shapes Hono's paths use. */
export const ticketIdParams = z.object({
  id: z.coerce.number().int().min(1).meta({ description: 'ticket id', example: 1 }),
});
export const key = (r: Pick<RouteContract, 'method' | 'path'>) => `${r.method} ${r.path}`;
