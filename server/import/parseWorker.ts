// History import, step 1 in a worker thread: the file's pieces come in as messages, batches of
// stage lines go out (parse.ts). The importer's thread keeps only COPY, the tallies and the report,
// so on a 2-core machine parsing runs beside the database's work and the server's event loop.
//
// Protocol (parseInWorker in this file runs the thread side, startParseWorker the other):
//   in:  { piece } … { end: true }     out: { ready } first, then { ack } as each piece is taken and
//   { batch } as each batch is full, then { done } or { error: { message, field } } (field set: the
//   header was refused).
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Mapping } from './mapping.ts';
import { HeaderRefused, parseBatches, type ParseOptions, type ParsedBatch } from './parse.ts';

interface WorkerInput {
  mapping: Mapping;
  opts: ParseOptions;
}

type ToWorker = { piece: Uint8Array | string } | { end: true };
type FromWorker =
  | { ready: true }
  | { ack: true }
  | { batch: ParsedBatch }
  | { done: true }
  | { error: { message: string; field: string | null } };

/** Pieces sent to the worker and not yet parsed, at most. */
const IN_FLIGHT = 4;
/** Batches parsed and not yet taken by the importer, at most (each holds about batchRows rows). */
const QUEUED = 2;

// The thread's side: load tsx (the worker starts without the parent's loader), then parse.
const BOOT = `
const { workerData, parentPort } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsx);
  register();
  await import(workerData.entry);
})().catch((e) => parentPort.postMessage({ error: { message: String((e && e.stack) || e), field: null } }));
`;

if (!isMainThread && parentPort && (workerData as { parseWorker?: boolean })?.parseWorker) {
  const port = parentPort;
  const { mapping, opts } = workerData as WorkerInput;
  // Pieces as they arrive, handed to the parser as an async iterable.
  const pieces: (Uint8Array | string)[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  port.on('message', (m: ToWorker) => {
    if ('piece' in m) pieces.push(m.piece);
    else ended = true;
    wake?.();
    wake = null;
  });
  async function* input(): AsyncGenerator<Uint8Array | string> {
    for (;;) {
      const p = pieces.shift();
      if (p !== undefined) {
        port.postMessage({ ack: true } satisfies FromWorker);
        yield p;
        continue;
      }
      if (ended) return;
      await new Promise<void>((r) => (wake = r));
    }
  }
  (async () => {
    try {
      port.postMessage({ ready: true } satisfies FromWorker);
      for await (const batch of parseBatches(input(), mapping, opts)) port.postMessage({ batch } satisfies FromWorker);
      port.postMessage({ done: true } satisfies FromWorker);
    } catch (e) {
      port.postMessage({
        error: { message: (e as Error).message, field: e instanceof HeaderRefused ? e.field : null },
      } satisfies FromWorker);
    }
  })();
}

/**
 * Parses `input` in a worker thread; yields the same batches as parseBatches, in order. Throws
 * HeaderRefused as parseBatches does. Memory: at most IN_FLIGHT pieces and QUEUED batches.
 */
export async function* parseInWorker(
  input: AsyncIterable<Uint8Array | string>,
  mapping: Mapping,
  opts: ParseOptions,
): AsyncGenerator<ParsedBatch> {
  const require = createRequire(import.meta.url);
  const worker = new Worker(BOOT, {
    eval: true,
    execArgv: [],
    workerData: {
      parseWorker: true,
      tsx: pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href,
      entry: pathToFileURL(new URL(import.meta.url).pathname).href,
      mapping,
      opts,
    } satisfies WorkerInput & Record<string, unknown>,
  });
  const queue: FromWorker[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };
  let inFlight = 0;
  // Batches parsed and not yet done with by the importer.
  let batches = 0;
  let stopFeeding = false;
  let feedWake: (() => void) | null = null;
  const feedPoke = () => {
    feedWake?.();
    feedWake = null;
  };
  worker.on('message', (m: FromWorker) => {
    if ('ack' in m) {
      inFlight--;
      feedPoke();
      return;
    }
    if ('batch' in m) batches++;
    queue.push(m);
    poke();
  });
  worker.on('error', (e) => {
    failure = e;
    poke();
  });
  worker.on('exit', () => {
    exited = true;
    poke();
  });
  const next = async (): Promise<FromWorker> => {
    for (;;) {
      const m = queue.shift();
      if (m) return m;
      if (failure) throw failure;
      if (exited) throw new Error('the parse worker stopped');
      await new Promise<void>((r) => (wake = r));
    }
  };
  // The worker could not start (its modules did not load): parse in this thread instead. Nothing
  // of the input has been read yet.
  let started: boolean;
  try {
    const first = await next();
    started = !('error' in first);
  } catch {
    started = false;
  }
  if (!started) {
    await worker.terminate();
    yield* parseBatches(input, mapping, opts);
    return;
  }
  const feeding = (async () => {
    for await (const piece of input) {
      while ((inFlight >= IN_FLIGHT || batches >= QUEUED) && !stopFeeding)
        await new Promise<void>((r) => (feedWake = r));
      if (stopFeeding) return;
      if (typeof piece === 'string') worker.postMessage({ piece } satisfies ToWorker);
      else {
        // A copy: the piece may be a view of a pooled buffer, which must not be detached.
        const copy = new Uint8Array(piece);
        worker.postMessage({ piece: copy } satisfies ToWorker, [copy.buffer]);
      }
      inFlight++;
    }
    if (!stopFeeding) worker.postMessage({ end: true } satisfies ToWorker);
  })();
  // Reading the input fails (an upload cut off): stop the worker, report that error.
  feeding.catch((e) => {
    failure ??= e as Error;
    poke();
  });
  try {
    for (;;) {
      const m = await next();
      if ('error' in m) {
        if (m.error.field) throw new HeaderRefused(m.error.message, m.error.field);
        throw new Error(m.error.message);
      }
      if ('done' in m) break;
      if (!('batch' in m)) continue;
      yield m.batch;
      batches--;
      feedPoke();
    }
    await feeding;
    if (failure) throw failure;
  } finally {
    stopFeeding = true;
    feedPoke();
    await worker.terminate();
  }
}
