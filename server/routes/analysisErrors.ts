// Error handler shared by the analysis routers (hotspots, clusters, topics, forecast): a request
// that is well-formed but impossible (AnalysisInputError) or names an unknown code is a 400 naming
// the field; anything else goes on to the application's handler.
import type { Context } from 'hono';
import { errorBody } from '../errors.ts';
import { UnknownCodeError } from '../filters.ts';
import { AnalysisInputError } from '../analysis/params.ts';

export function analysisErrors(err: Error, c: Context): Response {
  if (err instanceof AnalysisInputError) return c.json(errorBody('invalid_input', err.message, err.field), 400);
  if (err instanceof UnknownCodeError) return c.json(errorBody('unknown_code', err.message, err.field), 400);
  throw err;
}
