// Category models in the database: trained from the city's own history of confirmed categories
// (tickets past intake: dispatched, answered or closed, under the category they ended with),
// versioned in assist_models with their evaluation beside them. Each training is two: an
// evaluation model on the earlier months, scored on the later period (two whole calendar months
// in the city's zone, plus the current one) against the baselines, and the served model on all of
// it. Retrained at start when there is none, on a schedule, and on demand.
import { DEFERRABLE, whenQuiet } from '../quiet.ts';
import type { Queryable } from '../../db/client.ts';
import { activeCity, cityPolicy } from '../city.ts';
import { deserialise, serialise, suggest, type Model, type StoredModel } from './classifier.ts';
import type { Evaluation, KeywordCategory } from './evaluate.ts';
import { trainOffThread } from './trainThread.ts';
import { langOf, type Lang } from './tokenize.ts';

/** Calendar months before the latest ticket's month that form the evaluation period. */
export const EVAL_MONTHS = 2;
/** The schedule: retrain when the served model is older than this. */
export const RETRAIN_EVERY_MS = 24 * 3600_000;
/** A model needs at least this many training tickets. */
export const MIN_TRAINING = 50;

export interface ReturnsAvoided {
  /** Planted or recorded wrong dispatches (a 'recategorized' event) in the evaluation period. */
  returns: number;
  /** Of them, the suggestion's first category was the right one (its units, not the one that returned it). */
  sentRight: number;
  share: number | null;
}

export interface Corrections {
  /** Suggestions an operator answered at intake or on the ticket page. */
  answered: number;
  acceptedFirst: number;
  pickedSecondOrThird: number;
  /** Chose a category none of the three suggested. */
  corrected: number;
  /** Tickets whose category the hotline changed after dispatch (a 'recategorized' event), all time. */
  recategorized: number;
}

export interface StoredEvaluation extends Evaluation {
  trainedOn: number;
  evalFrom: string;
  evalTo: string;
  returnsAvoided: ReturnsAvoided;
  corrections: Corrections;
}

export interface ModelInfo {
  version: number;
  trainedAt: Date;
  reason: string;
  lang: Lang;
  tickets: number;
  durationMs: number;
  evaluation: StoredEvaluation | null;
}

interface HistoryRow {
  text: string;
  label: string;
  at: Date | string;
}

const cityZone = () => activeCity()?.timeZone ?? cityPolicy().timeZone;
const cityLang = (): Lang => langOf(activeCity()?.locale ?? 'zh');

/** Days of history read per query: each read is short, so pages are answered between them. */
const HISTORY_WINDOW_DAYS = 14;

/**
 * The city's confirmed history, oldest first. Read a window at a time: on the embedded engine one
 * read of 300,000 texts holds the server's only thread for seconds.
 */
async function readHistory(db: Queryable): Promise<HistoryRow[]> {
  const [span] = await db.query<{ lo: Date | string | null; hi: Date | string | null }>(
    `SELECT min(received_at) AS lo, max(received_at) AS hi FROM tickets`,
  );
  const out: HistoryRow[] = [];
  if (span?.lo == null || span.hi == null) return out;
  const hi = new Date(span.hi).getTime();
  for (let from = new Date(span.lo).getTime(); from <= hi; from += HISTORY_WINDOW_DAYS * 86_400_000) {
    const rows = await db.query<HistoryRow>(
      `SELECT t.description AS text, t.category_code AS label, t.received_at AS at FROM tickets t
       WHERE t.received_at >= $1 AND t.received_at < $2
         AND t.status <> 'received' AND t.description IS NOT NULL AND length(t.description) > 0
       ORDER BY t.received_at, t.id`,
      [new Date(from).toISOString(), new Date(from + HISTORY_WINDOW_DAYS * 86_400_000).toISOString()],
    );
    for (const r of rows) out.push(r);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return out;
}

async function keywordCategories(db: Queryable, lang: Lang): Promise<KeywordCategory[]> {
  const rows = await db.query<{ code: string; name_zh: string; name_en: string | null }>(
    `SELECT code, name_zh, name_en FROM categories ORDER BY code`,
  );
  return rows.map((r) => ({ code: r.code, names: [lang === 'zh' ? r.name_zh : (r.name_en ?? r.name_zh)] }));
}

async function evalStart(db: Queryable): Promise<Date | null> {
  const [r] = await db.query<{ from: Date | string | null }>(
    `SELECT (date_trunc('month', max(received_at) AT TIME ZONE $1) - make_interval(months => $2::int)) AT TIME ZONE $1 AS "from" FROM tickets`,
    [cityZone(), EVAL_MONTHS],
  );
  return r?.from ? new Date(r.from) : null;
}

async function returnsAvoided(db: Queryable, model: Model, from: Date): Promise<ReturnsAvoided> {
  const rows = await db.query<{ text: string; to: string }>(
    `SELECT t.description AS text, e.data->>'to' AS "to" FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
     WHERE e.type = 'recategorized' AND t.received_at >= $1 AND t.description IS NOT NULL`,
    [from.toISOString()],
  );
  let right = 0;
  for (const r of rows) if (suggest(model, r.text, 1)[0]?.code === r.to) right++;
  return { returns: rows.length, sentRight: right, share: rows.length ? right / rows.length : null };
}

export async function corrections(db: Queryable): Promise<Corrections> {
  const [f] = await db.query<{ answered: number; first: number; other: number; corrected: number }>(
    `SELECT count(*)::int AS answered, count(*) FILTER (WHERE rank = 1)::int AS first,
            count(*) FILTER (WHERE rank IN (2, 3))::int AS other, count(*) FILTER (WHERE rank IS NULL)::int AS corrected
     FROM assist_feedback`,
  );
  const [r] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ticket_events WHERE type = 'recategorized'`,
  );
  return {
    answered: f.answered,
    acceptedFirst: f.first,
    pickedSecondOrThird: f.other,
    corrected: f.corrected,
    recategorized: r.n,
  };
}

export interface TrainResult {
  info: ModelInfo;
  model: Model;
}

let training: Promise<TrainResult | null> | null = null;

/** Whether a training is running in this process. */
export const isTraining = () => training !== null;

/**
 * Trains, evaluates, stores and activates a new model version. One training at a time: a second
 * call while one runs gets the running one. Null when the history is too small.
 */
export function retrain(db: Queryable, reason: 'start' | 'schedule' | 'demand'): Promise<TrainResult | null> {
  if (!training) training = doRetrain(db, reason).finally(() => (training = null));
  return training;
}

async function doRetrain(db: Queryable, reason: 'start' | 'schedule' | 'demand'): Promise<TrainResult | null> {
  const lang = cityLang();
  const history = await readHistory(db);
  if (history.length < MIN_TRAINING) return null;
  const from = await evalStart(db);
  const started = Date.now();
  const cut = from ? from.getTime() : null;
  const split = cut === null ? -1 : history.findIndex((h) => new Date(h.at).getTime() >= cut);
  // Trained and evaluated on a thread of its own (trainThread.ts): pages stay quick meanwhile.
  const trained = await trainOffThread({
    lang,
    docs: history.map((h) => ({ text: h.text, label: h.label })),
    evalStart: cut === null ? null : split < 0 ? history.length : split,
    minTraining: MIN_TRAINING,
    categories: await keywordCategories(db, lang),
  });
  const model = trained.model;
  let evaluation: StoredEvaluation | null = null;
  if (trained.evaluation && trained.evalModel && from) {
    evaluation = {
      ...trained.evaluation,
      evalFrom: from.toISOString(),
      evalTo: new Date(history[history.length - 1].at).toISOString(),
      returnsAvoided: await returnsAvoided(db, trained.evalModel, from),
      corrections: await corrections(db),
    };
  }
  const durationMs = Date.now() - started;
  const stored = serialise(model);
  const info = await saveModel(db, {
    reason,
    lang,
    tickets: history.length,
    trainFrom: new Date(history[0].at),
    trainTo: new Date(history[history.length - 1].at),
    durationMs,
    meta: stored.meta,
    weights: stored.blob,
    evaluation,
  });
  remember(db, info.version, model);
  return { info, model };
}

async function saveModel(
  db: Queryable,
  m: {
    reason: string;
    lang: Lang;
    tickets: number;
    trainFrom: Date;
    trainTo: Date;
    durationMs: number;
    meta: unknown;
    weights: Uint8Array;
    evaluation: StoredEvaluation | null;
  },
): Promise<ModelInfo> {
  // One statement: the new version becomes the only active one.
  const [row] = await db.query<{ version: number; trained_at: Date }>(
    `WITH off AS (UPDATE assist_models SET active = false WHERE active RETURNING version)
     INSERT INTO assist_models (reason, lang, tickets, train_from, train_to, duration_ms, meta, weights, evaluation, active)
     SELECT $1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::jsonb, true FROM (SELECT count(*) FROM off) o
     RETURNING version, trained_at`,
    [
      m.reason,
      m.lang,
      m.tickets,
      m.trainFrom.toISOString(),
      m.trainTo.toISOString(),
      m.durationMs,
      JSON.stringify(m.meta),
      m.weights,
      m.evaluation ? JSON.stringify(m.evaluation) : null,
    ],
  );
  return {
    version: row.version,
    trainedAt: new Date(row.trained_at),
    reason: m.reason,
    lang: m.lang,
    tickets: m.tickets,
    durationMs: m.durationMs,
    evaluation: m.evaluation,
  };
}

// --- the served model, cached per database ------------------------------------------------------

const cache = new WeakMap<Queryable, { version: number; model: Model; checkedAt: number }>();
const RECHECK_MS = 10_000;

function remember(db: Queryable, version: number, model: Model) {
  cache.set(db, { version, model, checkedAt: Date.now() });
}

/** The active model, or null before the first training. Re-reads the version at most every 10 s. */
export async function activeModel(db: Queryable): Promise<{ version: number; model: Model } | null> {
  const c = cache.get(db);
  if (c && Date.now() - c.checkedAt < RECHECK_MS) return c;
  const [v] = await db.query<{ version: number }>(`SELECT version FROM assist_models WHERE active`);
  if (!v) return null;
  if (c && c.version === v.version) {
    c.checkedAt = Date.now();
    return c;
  }
  const [row] = await db.query<{ meta: StoredModel['meta']; weights: Uint8Array }>(
    `SELECT meta, weights FROM assist_models WHERE version = $1`,
    [v.version],
  );
  const model = deserialise({ meta: row.meta, blob: row.weights });
  remember(db, v.version, model);
  return { version: v.version, model };
}

export async function modelInfo(db: Queryable): Promise<ModelInfo | null> {
  const [r] = await db.query<{
    version: number;
    trained_at: Date;
    reason: string;
    lang: Lang;
    tickets: number;
    duration_ms: number;
    evaluation: StoredEvaluation | null;
  }>(`SELECT version, trained_at, reason, lang, tickets, duration_ms, evaluation FROM assist_models WHERE active`);
  return r
    ? {
        version: r.version,
        trainedAt: new Date(r.trained_at),
        reason: r.reason,
        lang: r.lang,
        tickets: r.tickets,
        durationMs: r.duration_ms,
        evaluation: r.evaluation,
      }
    : null;
}

/**
 * Trains at start when there is no model, then keeps it fresh: retrains when the served one is
 * older than RETRAIN_EVERY_MS (checked hourly). Returns the stop function.
 */
export function startRetrainSchedule(db: Queryable, log: (s: string) => void = () => {}): () => void {
  let stopped = false;
  const tick = async () => {
    if (stopped || training) return;
    const info = await modelInfo(db);
    if (info && Date.now() - info.trainedAt.getTime() < RETRAIN_EVERY_MS) return;
    await whenQuiet(DEFERRABLE); // its reads after the pages (server/quiet.ts)
    if (stopped) return;
    const r = await retrain(db, info ? 'schedule' : 'start');
    if (r && !stopped) {
      const e = r.info.evaluation;
      log(
        `category model v${r.info.version} trained on ${r.info.tickets} tickets in ${(r.info.durationMs / 1000).toFixed(1)} s` +
          (e
            ? `; later period top-1 ${(e.model.top1 * 100).toFixed(1)}%, top-3 ${(e.model.top3 * 100).toFixed(1)}% (keywords ${(e.keyword.top1 * 100).toFixed(1)}%)`
            : ''),
      );
    }
  };
  const run = () =>
    void tick().catch(
      (err) => !stopped && console.warn(`category model training failed: ${err instanceof Error ? err.message : err}`),
    );
  run();
  const timer = setInterval(run, 3600_000);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
