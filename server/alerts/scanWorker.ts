// The body of a surge-scan worker thread: computes a share of the permutation replicas
// (analysis/surgeScan.ts runReplicaTask) and sends their maxima back. Started by scanWorkers.ts.
import { parentPort } from 'node:worker_threads';
import { runReplicaTask, type ReplicaTask } from '../analysis/surgeScan.ts';

parentPort!.on('message', (m: { id: number; task: ReplicaTask }) => {
  try {
    const maxima = runReplicaTask(m.task);
    parentPort!.postMessage(
      { id: m.id, maxima },
      maxima.map((x) => x.buffer as ArrayBuffer),
    );
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) });
  }
});
