// The body of the category model's training thread (trainThread.ts): one job per thread — train the
// evaluation model and score it on the later period, then train the served model — and the results
// sent back. The thread lowers its own scheduling priority first (Linux: the nice value is per
// thread), so the HTTP server's thread and the browsers on the same machine go first.
import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import { train } from './classifier.ts';
import { runTrainJob, type TrainJob } from './trainJob.ts';

try {
  os.setPriority(0, 19);
} catch {
  // not permitted or not supported: the training still runs off the server's thread
}

parentPort!.once('message', (job: TrainJob) => {
  runTrainJob(job, train).then(
    (result) => {
      const buffers = new Set<ArrayBuffer>();
      for (const m of [result.model, result.evalModel])
        if (m) for (const a of [m.idf, m.bias, m.weights]) buffers.add(a.buffer as ArrayBuffer);
      parentPort!.postMessage({ result }, [...buffers]);
    },
    (e: unknown) => parentPort!.postMessage({ error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
