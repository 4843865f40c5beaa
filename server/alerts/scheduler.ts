// The scheduled surge scan: every ALERT_SCAN_MINUTES (default 5; 0 or "off" = none) the server
// scans the last hours (scan.ts) and keeps what reaches the alert threshold (store.ts). Started by
// main.ts only; tests call `scanAndRecord` themselves. A scan still running when the next is due
// is not doubled. The last scan's figures are kept in meta 'alerts.last_scan' (GET /api/alerts).
import { URGENT, whenQuiet } from '../quiet.ts';
import type { Queryable } from '../../db/client.ts';
import { defaultScanSettings, runScan, type ScanSettings } from './scan.ts';
import { DEFAULT_MIN_RECURRENCE_DAYS, recordClusters } from './store.ts';
import { warmScanWorkers } from './scanWorkers.ts';

export const DEFAULT_ALERT_SCAN_MINUTES = 5;

/** Minutes between scans from ALERT_SCAN_MINUTES; 0 (or "off") = no scheduled scan. */
export function alertScanMinutes(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.ALERT_SCAN_MINUTES?.trim();
  if (!raw) return DEFAULT_ALERT_SCAN_MINUTES;
  if (raw === 'off') return 0;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1440)
    throw new Error(`Configuration: ALERT_SCAN_MINUTES: must be minutes between 0 and 1440, got '${raw}'`);
  return n;
}

export interface LastScan {
  at: string;
  ms: number;
  recentTickets: number;
  clusters: number;
  alerts: number[];
  scansPerDay: number;
}

/** One scan at `now`, its alerts written; `scansPerDay` is how often the scans run (for the recurrence interval). */
export async function scanAndRecord(
  db: Queryable,
  now: Date,
  settings: ScanSettings = defaultScanSettings(1440 / DEFAULT_ALERT_SCAN_MINUTES),
  minRecurrenceDays = DEFAULT_MIN_RECURRENCE_DAYS,
): Promise<LastScan> {
  // clusters whose recurrence interval could reach the threshold: p ≤ 1/(RI·scans per day)
  const run = await runScan(db, now, settings, 1 / (minRecurrenceDays * settings.scansPerDay));
  const alerts = await recordClusters(db, run.clusters, now, minRecurrenceDays);
  const last: LastScan = {
    at: run.at,
    ms: Math.round(run.ms),
    recentTickets: run.recentTickets,
    clusters: run.clusters.length,
    alerts,
    scansPerDay: settings.scansPerDay,
  };
  await db.query(
    `INSERT INTO meta (key, value) VALUES ('alerts.last_scan', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`,
    [JSON.stringify(last)],
  );
  return last;
}

export async function lastScan(db: Queryable): Promise<LastScan | null> {
  const [r] = await db.query<{ value: LastScan }>(`SELECT value FROM meta WHERE key = 'alerts.last_scan'`);
  return r?.value ?? null;
}

/** Starts the scans (the first one shortly after start); returns a stop function. */
export function startAlertScans(db: Queryable, minutes: number, log: (msg: string) => void = console.log): () => void {
  if (!(minutes > 0)) return () => {};
  const settings = defaultScanSettings(1440 / minutes);
  warmScanWorkers();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    // after the pages in flight (server/quiet.ts); the scan's instant is when it runs
    whenQuiet(URGENT)
      .then(() => scanAndRecord(db, new Date(), settings))
      .then((s) => {
        if (s.alerts.length) log(`surge scan: ${s.alerts.length} alert(s) written in ${s.ms} ms`);
      })
      .catch((e: unknown) => log(`surge scan failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => (busy = false));
  };
  const first = setTimeout(tick, 15_000);
  first.unref?.();
  const timer = setInterval(tick, minutes * 60_000);
  timer.unref?.();
  log(`surge scan every ${minutes} min (ALERT_SCAN_MINUTES=0 switches it off)`);
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
