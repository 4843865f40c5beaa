// Group commit: concurrent intake requests are collected for a few milliseconds (or until a batch
// is full) and written in ONE transaction by batch.ts, each request still getting its own ticket.
// One commit (one WAL flush), one planned look-up and one run of the statement-level rollup
// triggers per batch instead of per ticket is where the throughput comes from. While a batch is
// being written the next one gathers, so batches grow with load and a lone request waits only
// `maxWaitMs`.
// Failure rules: a demand the rules refuse fails alone (its outcome); if the batch transaction
// fails, it is rolled back whole (nothing half-done) and retried once per demand on its own, so
// one poisoned demand cannot sink the others; a demand that still fails gets IntakeUnavailable
// (HTTP 503) unless the database called its data invalid (400 via the app's error handler).
import type { Database } from '../../db/client.ts';
import { isDataException, isDatabaseUnavailable } from '../errors.ts';
import { KeyRace, writeIntakeBatch, type IntakeItem, type IntakeOutcome, type IntakeResult } from './batch.ts';
import type { IntakeInput } from './normalise.ts';
import type { LifecycleSettings } from './settings.ts';

export interface GroupCommitOptions {
  /** false: one transaction per request (the baseline the benchmark compares against). */
  enabled: boolean;
  maxBatch: number;
  maxWaitMs: number;
  /**
   * Batches written at once. One by default: consecutive batches upsert the same rollup rows, so a
   * second writer mostly waits on the first's row locks (and risks deadlocks); batches grow instead.
   */
  maxInFlight: number;
}

/** The database refused or lost the write; nothing of this demand was kept. The client may retry. */
export class IntakeUnavailable extends Error {
  constructor(cause: unknown) {
    super(`intake could not be written: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export interface GroupCommitStats {
  batches: number;
  tickets: number;
  largestBatch: number;
  /** Batches whose transaction failed and were retried demand by demand. */
  split: number;
}

interface Waiting {
  item: IntakeItem;
  resolve: (r: IntakeResult) => void;
  reject: (e: unknown) => void;
}

// Deadlocks and serialization failures between concurrent batches (rollup upserts): retry whole.
const TRANSIENT = new Set(['40P01', '40001']);
const isTransient = (e: unknown) => e instanceof KeyRace || TRANSIENT.has(String((e as { code?: unknown })?.code));

export class IntakeQueue {
  readonly stats: GroupCommitStats = { batches: 0, tickets: 0, largestBatch: 0, split: 0 };
  private pending: Waiting[] = [];
  private inFlight = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private db: Database,
    public options: GroupCommitOptions,
  ) {}

  submit(input: IntakeInput, settings: LifecycleSettings, now: Date = new Date()): Promise<IntakeResult> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item: { input, settings, now }, resolve, reject });
      this.kick();
    });
  }

  private kick() {
    if (this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    const enabled = this.options.enabled;
    if (!enabled || this.pending.length >= this.options.maxBatch) {
      this.flush();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.options.maxWaitMs);
  }

  private flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pending.length === 0 || this.inFlight >= this.options.maxInFlight) return;
    const batch = this.pending.splice(0, this.options.enabled ? this.options.maxBatch : 1);
    this.inFlight++;
    this.write(batch)
      .catch(() => {})
      .finally(() => {
        this.inFlight--;
        this.kick();
      });
    // More than one batch may be written at once; start the next as soon as it is due.
    this.kick();
  }

  private async write(batch: Waiting[]) {
    this.stats.batches++;
    this.stats.tickets += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    let outcomes: IntakeOutcome[];
    try {
      outcomes = await this.attempt(batch.map((w) => w.item));
    } catch (e) {
      if (batch.length === 1 || isDatabaseUnavailable(e)) {
        for (const w of batch) w.reject(failure(e));
        return;
      }
      this.stats.split++;
      await Promise.all(
        batch.map(async (w) => {
          try {
            settle(w, (await this.attempt([w.item]))[0]);
          } catch (err) {
            w.reject(failure(err));
          }
        }),
      );
      return;
    }
    batch.forEach((w, i) => settle(w, outcomes[i]));
  }

  private async attempt(items: IntakeItem[]): Promise<IntakeOutcome[]> {
    for (let tries = 0; ; tries++) {
      try {
        return await this.db.transaction((tx) => writeIntakeBatch(tx, items));
      } catch (e) {
        if (tries >= 2 || !isTransient(e)) throw e;
      }
    }
  }
}

function settle(w: Waiting, o: IntakeOutcome) {
  if (o.ok) w.resolve(o.result);
  else w.reject(o.error);
}

/**
 * A database error (a SQLSTATE, a lost or closed connection, whatever the driver throws) becomes a
 * 503 the client may retry; a value PostgreSQL calls invalid stays the caller's 400, and a bug in
 * our own code (the language's error classes) stays a 500.
 */
function failure(e: unknown): unknown {
  if (isDataException(e)) return e;
  if (e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError)
    return e;
  return new IntakeUnavailable(e);
}

export function defaultGroupCommit(_db: Database): GroupCommitOptions {
  const env = process.env.HOTLINE_GROUP_COMMIT;
  return { enabled: env !== '0', maxBatch: 200, maxWaitMs: 2, maxInFlight: 1 };
}

const queues = new WeakMap<Database, IntakeQueue>();

/** The one intake queue of a database (every app over it shares the batches). */
export function intakeQueue(db: Database): IntakeQueue {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = new IntakeQueue(db, defaultGroupCommit(db))));
  return q;
}
