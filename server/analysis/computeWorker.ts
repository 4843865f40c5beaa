// The body of the analysis thread (computeThread.ts): runs one named task of computeTasks.ts per
// message and sends its result back.
import { parentPort } from 'node:worker_threads';
import { computeTasks, type ComputeTask } from './computeTasks.ts';

parentPort!.on('message', (m: { id: number; task: ComputeTask; args: unknown[] }) => {
  try {
    const result = (computeTasks[m.task] as (...a: unknown[]) => unknown)(...m.args);
    parentPort!.postMessage({ id: m.id, result });
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
