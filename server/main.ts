// Start the dashboard: database (PGlite by default), geography, taxonomy, optional demo year, web app.
//   npm start            → embedded PGlite in .data/pglite, demo data generated on first run
//   DATABASE_URL=… npm run serve → PostgreSQL + PostGIS, no demo generation
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, defaultPgliteDir, parseReadUrls } from '../db/client.ts';
import { ensureCityPackage } from '../data/city/import.ts';
import { activateCity } from './city.ts';
import { seedKnowledgeBase } from './assist/kb.ts';
import { startRetrainSchedule } from './assist/models.ts';
import { ensureDemo } from './demo.ts';
import { demoFeedSeconds, startDemoFeed } from './demoFeed.ts';
import { alertScanMinutes, startAlertScans } from './alerts/scheduler.ts';
import { ensureRollups } from './analysis/rollups.ts';
import { warmAnalysisThread } from './analysis/computeThread.ts';
import { startClock } from './lifecycle/clock.ts';
import { rankingService } from './ranking/service.ts';
import { createApp } from './app.ts';
import { loadConfig } from './config.ts';
import { serveStaleAnswers } from './analysis/answers.ts';
import { DEFERRABLE, whenQuiet } from './quiet.ts';
import { STANDING_EVERY_MS, startStandingQuestions } from './routes/standing.ts';
import { listen } from './listen.ts';
import { ensureDemoAccounts } from './auth/demoAccounts.ts';
import { envSecrets } from './auth/secret.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';
import { DIST_DIR, ROOT, ensureWebBuilt } from './webBuild.ts';
import { ensureCityBasemap } from './basemap/build.ts';

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const log = (msg: string) => console.log(`[${elapsed()}] ${msg}`);
// SLOW_QUERY_MS=N (diagnosis): event-loop stalls longer than N ms are logged (and, on the embedded
// engine, statements slower than N ms: db/client.ts). Every request waits out a stall.
const stallMs = Number(process.env.SLOW_QUERY_MS ?? 0);
if (stallMs > 0) {
  let last = performance.now();
  setInterval(() => {
    const now = performance.now();
    if (now - last - 50 >= stallMs) log(`[event loop] blocked ${Math.round(now - last - 50)} ms`);
    last = now;
  }, 50).unref();
}

const config = loadConfig();
const withDemo = process.argv.includes('--demo');
envSecrets(); // a SESSION_SECRET too short stops the start here, not at the first sign-in

log(
  config.DATABASE_URL
    ? 'connecting to PostgreSQL + PostGIS…'
    : `opening embedded PGlite + PostGIS in ${path.relative(process.cwd(), config.PGLITE_DIR ?? defaultPgliteDir()) || '.'}…`,
);
const db = await openDatabase({
  databaseUrl: config.DATABASE_URL,
  pgliteDir: config.PGLITE_DIR,
  readUrls: parseReadUrls(config.DATABASE_READ_URL),
});
log(
  `database ready (${db.engine}), migrations applied` +
    (db.reads.replica ? `; dashboards read ${parseReadUrls(config.DATABASE_READ_URL).length} replica(s)` : ''),
);

// The database keeps its city: a start never overwrites it. Only the demo imports a package, and
// only into a database that holds no city yet.
if (withDemo) {
  const imported = await ensureCityPackage(db, path.resolve(config.DEMO_CITY));
  if (imported) {
    const c = imported.counts;
    log(
      `city package ${imported.city} imported: ${c.district} districts, ${c.street} streets, ${c.grid} grid cells, ${c.categories} categories, ${c.zones} zones`,
    );
  }
}
const city = await activateCity(db);
log(
  city
    ? `city: ${city.names.local} (${city.code}), time zone ${city.timeZone}`
    : 'no city imported yet: npm run city -- import DIR  (see README "Your city")',
);

if (withDemo) await ensureDemo(db, { tickets: config.DEMO_TICKETS, seed: config.DEMO_SEED, log });
// Repairs rollups a crashed bulk load left paused, or rebuilds them when the city's zone changed.
if (await ensureRollups(db)) log('rollups rebuilt');
// Reminders and overdue marks follow the database clock, once a minute.
const stopClock = startClock(db);

// Accounts exist before the server answers, so the printed demo sign-ins work at once.
const demoAccounts = withDemo ? await ensureDemoAccounts(db) : [];
if (!withDemo && (await db.query('SELECT 1 FROM users LIMIT 1')).length === 0)
  log('no accounts yet: create the first admin with  npm run accounts -- add <username> --role admin');
await purgeExpiredSessions(db);

await ensureWebBuilt(log);
// The base map: the archive BASEMAP_PMTILES names, or one cut from the city's own boundaries.
let basemapFile = config.BASEMAP_PMTILES ? path.resolve(config.BASEMAP_PMTILES) : undefined;
if (!basemapFile && city) {
  const t0 = Date.now();
  const made = await ensureCityBasemap(db, path.join(ROOT, '.data', 'basemap'), city.code).catch(
    (err) => (console.warn(`base map not built: ${err instanceof Error ? err.message : err}`), null),
  );
  if (made?.built)
    log(
      `base map built from the city's boundaries in ${Date.now() - t0} ms: ${path.relative(process.cwd(), made.file)}`,
    );
  basemapFile = made?.file;
}
if (basemapFile && !fs.existsSync(basemapFile))
  log(`BASEMAP_PMTILES: no file at ${basemapFile}; the map draws without a base map`);
const app = createApp({ db, staticDir: DIST_DIR, basemapStyleUrl: config.BASEMAP_STYLE_URL, basemapFile });
const server = await listen(app, config.PORT, config.HOST);
log(`dashboard ready: ${server.url}/  (engine ${db.engine})`);
warmAnalysisThread();
for (const line of demoAccounts) log(line);

// The dispatcher's assistant: the knowledge base starts from the catalogue and the package's
// policies; the category model is trained in the background when there is none, then daily.
if (city) {
  const seeded = await seedKnowledgeBase(db).catch(
    (err) => (console.warn(`knowledge base not seeded: ${err instanceof Error ? err.message : err}`), 0),
  );
  if (seeded) log(`knowledge base: ${seeded} entries from the catalogue and the city package`);
}
const stopAssist = city ? startRetrainSchedule(db, log) : () => {};

// Keeps the demo's "today" alive on the wall (server/demoFeed.ts).
const stopDemoFeed = withDemo ? startDemoFeed(db, demoFeedSeconds(), log) : () => {};
// Surge alerts: a prospective space-time scan every few minutes (server/alerts/).
const stopAlertScans = startAlertScans(db, alertScanMinutes(), log);
// The studio's and the wall's default analyses, answered ahead and kept current (server/routes/standing.ts);
// between two rounds a visit may be answered from the previous round while the next is computed.
serveStaleAnswers(config.ANALYSIS_STALE_SECONDS * 1000, () => whenQuiet(DEFERRABLE));
const stopStanding = startStandingQuestions(db, STANDING_EVERY_MS, log);
// A settled month's ranking counts are stored on their first read, which at 10 M tickets costs about
// 90 s; on PostgreSQL the server pays that in the background, at start and every 6 hours (so the
// month that just closed is ready before anyone asks). Not on PGlite: it has one connection, and
// every page would wait behind the pass over tickets.
let warming: ReturnType<typeof setInterval> | undefined;
if (db.engine === 'postgres') {
  const warm = () =>
    rankingService(db)
      .warm(14)
      .then(() => log('ranking counts of settled months stored'))
      .catch((err) => {
        if (!stopping) console.warn(`ranking warm-up failed: ${err instanceof Error ? err.message : err}`);
      });
  void warm();
  warming = setInterval(warm, 6 * 3600_000);
  warming.unref();
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    stopClock();
    stopDemoFeed();
    stopAlertScans();
    stopStanding();
    stopAssist();
    clearInterval(warming);
    await server.close();
    await db.close(); // PGlite flushes its data folder on close
    process.exit(0);
  });
}
