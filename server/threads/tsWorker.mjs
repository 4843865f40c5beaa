// Bootstrap of every worker thread written in TypeScript (tsWorker.ts): a worker does not inherit
// the main thread's TypeScript loader, so it registers tsx's before loading its module
// (workerData.entry, a file URL).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
