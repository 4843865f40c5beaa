// Runs a training job (trainJob.ts) on a worker thread of its own (trainWorker.ts), so the server's
// event loop keeps answering pages while the model trains: training 300,000 tickets is minutes of
// CPU, and on the embedded engine every request shares that loop. TRAIN_THREAD=0 (or a thread that
// fails to start) trains in the server's thread instead, in slices (trainYielding): same model.
import { tsWorker } from '../threads/tsWorker.ts';
import { trainYielding } from './classifier.ts';
import { runTrainJob, type TrainJob, type TrainJobResult } from './trainJob.ts';

export function trainThreadEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.TRAIN_THREAD?.trim() !== '0';
}

function onThread(job: TrainJob): Promise<TrainJobResult> {
  return new Promise((resolve, reject) => {
    const worker = tsWorker(new URL('./trainWorker.ts', import.meta.url));
    let settled = false;
    const done = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.once('message', (m: { result?: TrainJobResult; error?: string }) =>
      done(() => (m.result ? resolve(m.result) : reject(new Error(m.error ?? 'training thread: no result')))),
    );
    worker.once('error', (e) => done(() => reject(e)));
    worker.once('exit', (code) => done(() => reject(new Error(`training thread exited (${code})`))));
    worker.postMessage(job);
  });
}

/** The job's models and evaluation, trained off the server's thread when possible. */
export async function trainOffThread(job: TrainJob): Promise<TrainJobResult> {
  if (!trainThreadEnabled()) return runTrainJob(job, trainYielding);
  try {
    return await onThread(job);
  } catch (err) {
    console.warn(
      `training thread failed, training in the server's thread: ${err instanceof Error ? err.message : err}`,
    );
    return runTrainJob(job, trainYielding);
  }
}
