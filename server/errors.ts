// One error body for every failure: { error: { code, message, field? } }.
import type { Context } from 'hono';
import type { ZodError } from 'zod';

export interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: field ? { code, message, field } : { code, message } };
}

const COORDINATE: Record<string, string> = {
  lon: 'must be a finite longitude in degrees, between -180 and 180',
  long: 'must be a finite longitude in degrees, between -180 and 180',
  longitude: 'must be a finite longitude in degrees, between -180 and 180',
  lat: 'must be a finite latitude in degrees, between -90 and 90',
  latitude: 'must be a finite latitude in degrees, between -90 and 90',
};

/** A 400 naming the first offending field, from a zod failure. */
export function validationError(err: ZodError): ErrorBody {
  const issue = err.issues[0] as (ZodError['issues'][number] & { keys?: string[] }) | undefined;
  // An unknown key is named itself, not the object holding it.
  const path = [
    ...(issue?.path ?? []),
    ...(issue?.code === 'unrecognized_keys' && issue.keys?.[0] ? [issue.keys[0]] : []),
  ];
  const field = path.map(String).join('.') || undefined;
  const last = String(path.at(-1) ?? '');
  // Schemas across the rooms bound coordinates the same way; the caller gets one clear sentence.
  const coordinate =
    COORDINATE[last] && ['too_small', 'too_big', 'invalid_type'].includes(issue?.code ?? '')
      ? COORDINATE[last]
      : undefined;
  const detail = coordinate ?? issue?.message ?? 'invalid';
  const message = field ? `${field}: ${detail}` : (issue?.message ?? 'invalid input');
  return errorBody('invalid_input', message, field ?? 'body');
}

/** Errors that mean the database cannot be reached right now (the client should retry). */
export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string; errors?: unknown[]; cause?: unknown } | undefined;
  if (!err) return false;
  const code = err.code ?? '';
  if (
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTCONN',
      'EHOSTUNREACH',
      '57P01',
      '57P02',
      '57P03',
      '53300',
      '08000',
      '08001',
      '08003',
      '08004',
      '08006',
    ].includes(code)
  )
    return true;
  if (Array.isArray(err.errors) && err.errors.some(isDatabaseUnavailable)) return true;
  if (err.cause && err.cause !== e && isDatabaseUnavailable(err.cause)) return true;
  return /Connection terminated|connection refused|terminating connection|Client has encountered a connection error|timeout exceeded when trying to connect|the database system is (starting up|shutting down|in recovery mode)|Client was closed and is not queryable|Connection is closed/i.test(
    err.message ?? '',
  );
}

/** SQLSTATE class 22 (data exception): a value the validators let through that PostgreSQL refuses. */
export function isDataException(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

export const RETRY_AFTER_SECONDS = 2;

export function unavailable(c: Context) {
  c.header('Retry-After', String(RETRY_AFTER_SECONDS));
  return c.json(errorBody('database_unavailable', 'The database is unavailable; retry shortly.'), 503);
}

const STATUS_CODES: Record<number, string> = {
  400: 'invalid_input',
  404: 'not_found',
  405: 'method_not_allowed',
  413: 'too_large',
  415: 'unsupported_media_type',
};
export const codeForStatus = (status: number) => STATUS_CODES[status] ?? (status >= 500 ? 'internal' : 'bad_request');
