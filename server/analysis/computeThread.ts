// The analysis threads: the heavy pure parts of the studio's analyses (computeTasks.ts: the forecast
// and its backtest, emerging hot spots) run on worker threads instead of the server's event
// loop. On the embedded engine the event loop is also the database's, so seconds of arithmetic
// there held every other request (a backtest's half a minute held the whole dashboard). A thread
// starts on first use and stays, unreferenced while idle. ANALYSIS_THREAD=0, or a thread
// that fails, runs the task in the server's thread instead: same result.
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../threads/tsWorker.ts';
import { computeTasks, type ComputeTask, type ComputeTasks } from './computeTasks.ts';

export function analysisThreadEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ANALYSIS_THREAD?.trim() !== '0';
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * Two lanes, a thread each: the backtest (tens of seconds at city scale) never queues a forecast
 * or an emerging map behind it.
 */
type Lane = 'long' | 'short';
const laneOf = (task: ComputeTask): Lane => (task === 'backtest' ? 'long' : 'short');

interface Slot {
  worker: Worker;
  /** ids of the tasks sent to this thread and not answered yet */
  mine: Set<number>;
}
const workers = new Map<Lane, Slot>();
const pending = new Map<number, Pending>();
let nextId = 1;

function start(lane: Lane): Slot {
  const w = tsWorker(new URL('./computeWorker.ts', import.meta.url));
  const mine = new Set<number>();
  const slot: Slot = { worker: w, mine };
  const fail = (e: Error) => {
    if (workers.get(lane) === slot) workers.delete(lane);
    for (const id of mine) pending.get(id)?.reject(e);
    for (const id of mine) pending.delete(id);
    mine.clear();
  };
  w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    mine.delete(m.id);
    if (mine.size === 0) w.unref();
    if (m.error !== undefined) p.reject(new TaskError(m.error));
    else p.resolve(m.result);
  });
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`analysis thread exited (${code})`)));
  w.unref();
  workers.set(lane, slot);
  return slot;
}

/** An error the task itself threw (not the thread failing): not retried in the server's thread. */
class TaskError extends Error {}

/** Runs `task` on the analysis thread; its result as if called here. */
export async function offThread<K extends ComputeTask>(
  task: K,
  ...args: Parameters<ComputeTasks[K]>
): Promise<ReturnType<ComputeTasks[K]>> {
  const here = () => (computeTasks[task] as (...a: unknown[]) => ReturnType<ComputeTasks[K]>)(...args);
  if (!analysisThreadEnabled()) return here();
  try {
    const lane = laneOf(task);
    const { worker: w, mine } = workers.get(lane) ?? start(lane);
    const id = nextId++;
    return await new Promise<ReturnType<ComputeTasks[K]>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      mine.add(id);
      w.ref();
      w.postMessage({ id, task, args });
    });
  } catch (err) {
    if (err instanceof TaskError) throw new Error(err.message, { cause: err });
    console.warn(
      `analysis thread failed, computing in the server's thread: ${err instanceof Error ? err.message : err}`,
    );
    return here();
  }
}

/** Starts the thread ahead of the first analysis (its module loading takes a moment, on its own thread). */
export function warmAnalysisThread(): void {
  if (analysisThreadEnabled()) for (const lane of ['short', 'long'] as const) if (!workers.has(lane)) start(lane);
}

/** Stops the thread (tests, shutdown). */
export async function stopAnalysisThread(): Promise<void> {
  const all = [...workers.values()];
  workers.clear();
  await Promise.all(all.map((s) => s.worker.terminate()));
}
