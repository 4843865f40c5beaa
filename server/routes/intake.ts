// POST /api/import/tickets (text/csv): historical tickets through the same intake, a per-row
// error report by line number, the good rows imported.
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { importCsv } from '../intake/csvImport.ts';
import { defaultSettings } from '../intake/settings.ts';
import { limitBody } from './lifecycle.ts';

const MAX_CSV_BYTES = 64 * 1024 * 1024;

export const importRoutes = new Hono<AppEnv>().post('/tickets', limitBody(MAX_CSV_BYTES), async (c) => {
  const type = c.req.header('content-type') ?? '';
  if (!/^text\/csv\b/i.test(type))
    return c.json(errorBody('unsupported_media_type', 'Send the file as text/csv', 'content-type'), 415);
  const report = await importCsv(c.get('db'), await c.req.text(), defaultSettings());
  return c.json(report, report.imported + report.duplicates === 0 && report.rejected > 0 ? 422 : 200);
});
