// Worker threads for the surge scan's permutation replicas (node:worker_threads): the replicas are
// split over SCAN_WORKERS threads (default: 2, at most the machine's cores), so a scan takes its
// share of every core and the server's event loop stays free meanwhile. The threads start on the
// first scan (or `warmScanWorkers`) and stay, unreferenced while idle (they never keep a process
// alive). A thread that fails is dropped and the scan runs its replicas in the main thread
// instead (in 20 ms slices, prospectiveScanAsync): same result, each replica has its own seed.
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { tsWorker } from '../threads/tsWorker.ts';
import type { ReplicaTask } from '../analysis/surgeScan.ts';

/** Threads from SCAN_WORKERS (0 = none: replicas in the main thread); default min(2, cores). */
export function scanWorkerCount(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.SCAN_WORKERS?.trim();
  if (!raw) return Math.min(2, os.availableParallelism());
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 64)
    throw new Error(`Configuration: SCAN_WORKERS: must be a whole number of threads between 0 and 64, got '${raw}'`);
  return n;
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (m: Float64Array[]) => void; reject: (e: Error) => void }>;
}

const slots: (Slot | null)[] = [];
let nextId = 1;

function start(i: number): Slot {
  const worker = tsWorker(new URL('./scanWorker.ts', import.meta.url));
  const slot: Slot = { worker, pending: new Map() };
  const fail = (e: Error) => {
    if (slots[i] === slot) slots[i] = null;
    for (const p of slot.pending.values()) p.reject(e);
    slot.pending.clear();
  };
  worker.on('message', (m: { id: number; maxima?: Float64Array[]; error?: string }) => {
    const p = slot.pending.get(m.id);
    if (!p) return;
    slot.pending.delete(m.id);
    if (slot.pending.size === 0) worker.unref();
    if (m.maxima) p.resolve(m.maxima);
    else p.reject(new Error(m.error ?? 'scan worker: no result'));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`scan worker exited (${code})`)));
  worker.unref();
  slots[i] = slot;
  return slot;
}

/** Starts the threads ahead of the first scan (their module loading takes a moment). */
export function warmScanWorkers(count = scanWorkerCount()): void {
  for (let i = 0; i < count; i++) if (!slots[i]) start(i);
}

/** Runs one share of the replicas on thread `i` (started if needed). */
export function runOnWorker(i: number, task: ReplicaTask): Promise<Float64Array[]> {
  const slot = slots[i] ?? start(i);
  const id = nextId++;
  return new Promise((resolve, reject) => {
    slot.pending.set(id, { resolve, reject });
    slot.worker.ref();
    slot.worker.postMessage({ id, task });
  });
}

/** Stops the threads (tests, shutdown). */
export async function stopScanWorkers(): Promise<void> {
  const all = slots.splice(0).filter((s): s is Slot => s !== null);
  await Promise.all(all.map((s) => s.worker.terminate()));
}
