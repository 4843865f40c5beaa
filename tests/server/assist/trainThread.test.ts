// The category model trains on a thread of its own (server/assist/trainThread.ts) so the server's
// event loop keeps answering pages: the thread must give exactly the model and evaluation the
// server's own thread gives (training is deterministic), and the server's thread must stay free.
import { describe, expect, it, vi } from 'vitest';
import { readDescriptions, sampleCalls } from '../../../data/demo/descriptions.ts';
import { serialise, trainYielding } from '../../../server/assist/classifier.ts';
import { runTrainJob, type TrainJob } from '../../../server/assist/trainJob.ts';
import { trainOffThread } from '../../../server/assist/trainThread.ts';
import { watchEventLoop } from '../../helpers/eventLoop.ts';

function job(): TrainJob {
  const vocab = readDescriptions('data/cities/nyc')!;
  const weights = new Map(
    Object.keys(vocab.categories)
      .filter((c) => c !== 'other.unmapped')
      .map((c, i) => [c, 1 + (i % 5)]),
  );
  return {
    lang: 'other',
    docs: sampleCalls(vocab, weights, 3000, 5),
    evalStart: 2400,
    minTraining: 50,
    categories: [...weights.keys()].map((code) => ({ code, names: [code.split('.')[1].replace(/_/g, ' ')] })),
  };
}

describe('training off the server thread', () => {
  it('gives the same models and evaluation as training in the server thread, and leaves the event loop free', async () => {
    const j = job();
    const here = await runTrainJob(j, trainYielding);
    // the event loop's longest stall while the thread trains
    const loop = watchEventLoop();
    const warn = vi.spyOn(console, 'warn');
    const there = await trainOffThread(j);
    const worst = loop.stop();
    // no fallback to the server's thread
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(Buffer.from(serialise(there.model).blob).equals(Buffer.from(serialise(here.model).blob))).toBe(true);
    expect(serialise(there.model).meta).toEqual(serialise(here.model).meta);
    expect(Buffer.from(serialise(there.evalModel!).blob).equals(Buffer.from(serialise(here.evalModel!).blob))).toBe(
      true,
    );
    expect(there.evaluation).toEqual(here.evaluation);
    expect(there.evaluation!.tickets).toBe(600);
    expect(there.evaluation!.trainedOn).toBe(2400);
    expect(worst).toBeLessThan(1000);
  });
});
