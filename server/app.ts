// The Hono application: thin routes over SQL and pure modules, one error body, the built web app.
import fs from 'node:fs';
import path from 'node:path';
import { Hono } from 'hono';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Database } from '../db/client.ts';
import { errorBody, isDatabaseUnavailable, unavailable } from './errors.ts';
import { UnknownCodeError } from './filters.ts';
import { health } from './routes/health.ts';
import { regions } from './routes/regions.ts';
import { categories } from './routes/categories.ts';
import { tickets } from './routes/tickets.ts';
import { summary } from './routes/summary.ts';
import { ranking } from './routes/ranking.ts';
import { reports } from './routes/reports.ts';
import { analysis } from './routes/analysis.ts';
import { lifecycleRoutes } from './routes/lifecycle.ts';
import { live } from './routes/live.ts';
import { open311 } from './routes/open311.ts';
import { importRoutes } from './routes/intake.ts';

export interface AppEnv {
  Variables: { db: Database };
}

export interface AppOptions {
  db: Database;
  /** Folder of the built web app (vite build output); omitted → API only. */
  staticDir?: string;
  /** Optional external base-map style; the default base is the city's own boundaries. */
  basemapStyleUrl?: string;
}

export function createApp({ db, staticDir, basemapStyleUrl }: AppOptions) {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    c.set('db', db);
    await next();
  });

  const api = new Hono<AppEnv>()
    .route('/health', health)
    .route('/regions', regions)
    .route('/categories', categories)
    .route('/tickets', tickets)
    .route('/tickets', lifecycleRoutes().tickets)
    .route('/queue', lifecycleRoutes().queue)
    .route('/returns', lifecycleRoutes().returns)
    .route('/live', live)
    .route('/import', importRoutes)
    .route('/summary', summary)
    .route('/ranking', ranking)
    .route('/reports', reports)
    .route('/', analysis)
    .get('/config', async (c) => {
      // Generated tickets leave their ground truth in meta; the page then labels the data as demo.
      const demo = (await db.query(`SELECT 1 FROM meta WHERE key = 'demo_truth'`)).length > 0;
      return c.json({ engine: db.engine, basemapStyleUrl: basemapStyleUrl ?? null, demo });
    });
  app.route('/api', api);
  app.route('/open311/v2', open311);
  app.all('/api/*', (c) => c.json(errorBody('not_found', `No such endpoint: ${c.req.method} ${c.req.path}`), 404));

  if (staticDir && fs.existsSync(path.join(staticDir, 'index.html'))) {
    const root = path.relative(process.cwd(), staticDir) || '.';
    app.use('/*', serveStatic({ root }));
    // Client-side routes fall back to the app shell.
    const shell = fs.readFileSync(path.join(staticDir, 'index.html'), 'utf8');
    app.get('*', (c) => c.html(shell));
  }

  app.onError((err, c) => {
    if (err instanceof UnknownCodeError) return c.json(errorBody('unknown_code', err.message, err.field), 400);
    if (isDatabaseUnavailable(err)) return unavailable(c);
    console.error(err);
    return c.json(errorBody('internal', 'Internal error'), 500);
  });
  return app;
}

export type AppType = ReturnType<typeof createApp>;
