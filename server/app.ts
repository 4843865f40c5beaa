// The Hono application: thin routes over SQL and pure modules, one error body, the built web app.
import { trackRequests } from './quiet.ts';
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import { builtAssets } from './assets.ts';
import type { Database } from '../db/client.ts';
import { HTTPException } from 'hono/http-exception';
import {
  codeForStatus,
  errorBody,
  isDataException,
  isDatabaseUnavailable,
  RETRY_AFTER_SECONDS,
  unavailable,
} from './errors.ts';
import { formatOfPath, open311Error } from './open311/format.ts';
import { guardBodies, methodsFor, securityHeaders } from './security.ts';
import { coalesceReads } from './coalesce.ts';
import { UnknownCodeError } from './filters.ts';
import { health } from './routes/health.ts';
import { docs } from './routes/docs.ts';
import { regions } from './routes/regions.ts';
import { categories } from './routes/categories.ts';
import { activeCity } from './city.ts';
import { BASEMAP_PATH, basemapRoutes } from './basemap/serve.ts';
import { tickets } from './routes/tickets.ts';
import { summary } from './routes/summary.ts';
import { searchRoute } from './routes/search.ts';
import { ranking } from './routes/ranking.ts';
import { reports } from './routes/reports.ts';
import { analysis } from './routes/analysis.ts';
import { lifecycleRoutes } from './routes/lifecycle.ts';
import { live } from './routes/live.ts';
import { open311 } from './routes/open311.ts';
import { importRoutes } from './routes/intake.ts';
import { historyImport } from './routes/historyImport.ts';
import { zones } from './routes/zones.ts';
import { wall } from './routes/wall.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { admin } from './routes/admin.ts';
import { governance } from './routes/governance.ts';
import { assist, kb } from './routes/assist.ts';
import { authenticate } from './auth/middleware.ts';
import { OutOfScope } from './auth/scope.ts';
import type { AppEnv } from './env.ts';
import type { LoginLimiter } from './auth/rateLimit.ts';

export interface AppOptions {
  db: Database;
  /** Folder of the built web app (vite build output); omitted → API only. */
  staticDir?: string;
  /** Optional external base-map style; the default base is the city's own boundaries. */
  basemapStyleUrl?: string;
  /** The base-map PMTiles archive served at /basemap/city.pmtiles by range requests. */
  basemapFile?: string;
  /** Sign-in attempt counter (tests pass their own to start from zero). */
  loginLimiter?: LoginLimiter;
}

export function createApp({ db, staticDir, basemapStyleUrl, basemapFile, loginLimiter }: AppOptions) {
  const app = new Hono<AppEnv>();
  app.use('*', trackRequests());
  app.use('*', securityHeaders({ connect: basemapStyleUrl ? [new URL(basemapStyleUrl).origin] : [] }));
  app.use('*', guardBodies());
  app.use('*', async (c, next) => {
    c.set('db', db);
    c.set('reads', db.reads ?? db);
    await next();
  });
  app.use('*', authenticate());
  // After the gate: reads are shared by role and jurisdiction, never across them.
  app.use('/api/*', coalesceReads());

  const api = new Hono<AppEnv>()
    .route('/health', health)
    .route('/', docs)
    .route('/auth', authRoutes(loginLimiter))
    .route('/admin', admin)
    .route('/regions', regions)
    .route('/zones', zones)
    .route('/categories', categories)
    .route('/tickets', tickets)
    .route('/tickets', lifecycleRoutes().tickets)
    .route('/queue', lifecycleRoutes().queue)
    .route('/returns', lifecycleRoutes().returns)
    .route('/live', live)
    .route('/import', importRoutes)
    .route('/import/history', historyImport)
    .route('/summary', summary)
    .route('/wall', wall)
    .route('/alerts', alertRoutes)
    .route('/ranking', ranking)
    .route('/assist', assist)
    .route('/kb', kb)
    .route('/reports', reports)
    .route('/gov', governance)
    .route('/search', searchRoute)
    .route('/', analysis)
    .get('/config', async (c) => {
      // Generated tickets leave their ground truth in meta; the page then labels the data as demo.
      const demo = (await db.query(`SELECT 1 FROM meta WHERE key = 'demo_truth'`)).length > 0;
      // The city's names, zone, levels and bounds (server/city.ts): the page hard-codes no city.
      return c.json({
        engine: db.engine,
        basemapStyleUrl: basemapStyleUrl ?? null,
        basemapPmtiles: basemapFile ? BASEMAP_PATH : null,
        demo,
        city: activeCity(),
      });
    });
  app.route('/api', api);
  app.route('/open311/v2', open311);
  app.route('/basemap', basemapRoutes(basemapFile));
  const allowed = methodsFor(app.routes);
  app.all('/api/*', (c) => {
    const methods = allowed(c.req.path);
    if (methods.length === 0)
      return c.json(errorBody('not_found', `No such endpoint: ${c.req.method} ${c.req.path}`, 'path'), 404);
    c.header('Allow', methods.join(', '));
    return c.json(
      errorBody(
        'method_not_allowed',
        `${c.req.method} is not allowed on ${c.req.path}; allowed: ${methods.join(', ')}`,
        'method',
      ),
      405,
    );
  });

  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    const root = path.relative(process.cwd(), staticDir) || '.';
    app.use('/assets/*', builtAssets(staticDir));
    app.use('/*', serveStatic({ root }));
    // Client-side routes fall back to the app shell.
    const shell = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    app.get('*', (c) => c.html(shell));
  }

  app.notFound((c) => c.json(errorBody('not_found', `No such page: ${c.req.method} ${c.req.path}`, 'path'), 404));
  app.onError((err, c) => {
    if (c.req.path.startsWith('/open311/')) return open311Failure(c.req.path, err);
    if (err instanceof OutOfScope) return c.json(errorBody('forbidden', err.message, err.field), 403);
    if (err instanceof UnknownCodeError) return c.json(errorBody('unknown_code', err.message, err.field), 400);
    if (isDatabaseUnavailable(err)) return unavailable(c);
    if (err instanceof HTTPException && err.status < 500)
      return c.json(errorBody(codeForStatus(err.status), `body: ${err.message}`, 'body'), err.status);
    if (isDataException(err)) {
      // A value the schemas let through but PostgreSQL refuses is still the caller's bad input.
      console.warn('data exception:', (err as Error).message);
      return c.json(errorBody('invalid_input', `body: ${(err as Error).message}`, 'body'), 400);
    }
    console.error(err);
    return c.json(errorBody('internal', 'Internal error'), 500);
  });
  return app;
}

/** The app's error handling in Open311's own error body, in the format the path asked for. */
function open311Failure(path: string, err: unknown): Response {
  const format = formatOfPath(path);
  if (err instanceof OutOfScope) return open311Error(format, 403, err.message);
  if (err instanceof UnknownCodeError) return open311Error(format, 400, err.message);
  if (isDatabaseUnavailable(err))
    return open311Error(format, 503, 'the service is unavailable; retry shortly', {
      'Retry-After': String(RETRY_AFTER_SECONDS),
    });
  if (err instanceof HTTPException && err.status < 500) return open311Error(format, err.status, `body: ${err.message}`);
  if (isDataException(err)) return open311Error(format, 400, `request: ${(err as Error).message}`);
  console.error(err);
  return open311Error(format, 500, 'internal error');
}

export type AppType = ReturnType<typeof createApp>;
