import { Worker } from 'node:worker_threads';

/** A worker thread running the TypeScript module at `entry` (a URL, e.g. new URL('./x.ts', import.meta.url)). */
export function tsWorker(entry: URL): Worker {
  return new Worker(new URL('./tsWorker.mjs', import.meta.url), { workerData: { entry: entry.href } });
}
