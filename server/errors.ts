// One error body for every failure: { error: { code, message, field? } }.
import type { Context } from 'hono';
import type { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

/** A 400 naming the first offending field, from a zod failure. */
export function validationError(err: ZodError): ErrorBody {
  const issue = err.issues[0];
  const field = issue?.path.map(String).join('.') || undefined;
  const message = field ? `${field}: ${issue?.message ?? 'invalid'}` : (issue?.message ?? 'invalid input');
  return errorBody('invalid_input', message, field);
}

/** Errors that mean the database cannot be reached right now (the client should retry). */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string } | undefined;
  const code = err?.code ?? '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006'].includes(code)) return true;
  return /Connection terminated|connection refused|terminating connection|Client has encountered a connection error/i.test(err?.message ?? '');
}

export function unavailable(c: Context) {
  c.header('Retry-After', '5');
  return c.json(errorBody('database_unavailable', 'The database is unavailable; retry shortly.'), 503);
}
