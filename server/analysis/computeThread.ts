// The analysis thread: the heavy pure parts of the studio's analyses (computeTasks.ts: the forecast
// and its backtest, emerging hot spots) run on one worker thread instead of the server's event
// loop. On the embedded engine the event loop is also the database's, so seconds of arithmetic
// there held every other request (a backtest's half a minute held the whole dashboard). The
// thread starts on first use and stays, unreferenced while idle. ANALYSIS_THREAD=0, or a thread
// that fails, runs the task in the server's thread instead: same result.
import { Worker } from 'node:worker_threads';
import { computeTasks, type ComputeTask, type ComputeTasks } from './computeTasks.ts';

export function analysisThreadEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.ANALYSIS_THREAD?.trim() !== '0';
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

let worker: Worker | null = null;
const pending = new Map<number, Pending>();
let nextId = 1;

function start(): Worker {
  const w = new Worker(new URL('./computeWorker.mjs', import.meta.url));
  const fail = (e: Error) => {
    if (worker === w) worker = null;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  w.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) w.unref();
    if (m.error !== undefined) p.reject(new TaskError(m.error));
    else p.resolve(m.result);
  });
  w.on('error', fail);
  w.on('exit', (code) => fail(new Error(`analysis thread exited (${code})`)));
  w.unref();
  return w;
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
    const w = (worker ??= start());
    const id = nextId++;
    return await new Promise<ReturnType<ComputeTasks[K]>>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.ref();
      w.postMessage({ id, task, args });
    });
  } catch (err) {
    if (err instanceof TaskError) throw new Error(err.message, { cause: err });
    console.warn(`analysis thread failed, computing in the server's thread: ${err instanceof Error ? err.message : err}`);
    return here();
  }
}

/** Starts the thread ahead of the first analysis (its module loading takes a moment, on its own thread). */
export function warmAnalysisThread(): void {
  if (analysisThreadEnabled()) worker ??= start();
}

/** Stops the thread (tests, shutdown). */
export async function stopAnalysisThread(): Promise<void> {
  const w = worker;
  worker = null;
  if (w) await w.terminate();
}
