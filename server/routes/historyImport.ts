// POST /api/import/history — a city's ticket history (its 311 / 12345 export, any schema) streamed
// into the importer through a mapping: the raw file (text/csv) with ?mapping=<name>, or
// multipart/form-data with a `mapping` field (a name, or the mapping's JSON) before the `file`.
// The body is never held whole: it is parsed and staged as it arrives. The answer (202, the job
// id) comes once the upload is read; judging and writing go on in the background.
// GET /api/import/history/:id — the job's progress, then its report. GET /api/import/history —
// the latest jobs. Gate: the 'import' capability (dispatchers and admins; API keys granted it).
import { Hono, type Context } from 'hono';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { ImportRefused } from '../import/importer.ts';
import { listJobs, namedMapping, readJob, startImportJob } from '../import/jobs.ts';
import { MappingError, parseMapping, type Mapping } from '../import/mapping.ts';
import { boundaryOf, MultipartError, MultipartReader } from '../import/multipart.ts';

/** Largest upload (HISTORY_IMPORT_MAX_BYTES, default 4 GiB): the body is streamed, this only bounds a runaway client. */
const maxBytes = () => Number(process.env.HISTORY_IMPORT_MAX_BYTES ?? 4 * 1024 ** 3);
/** After a refusal, up to this much of the rest of the body is read so the answer reaches the client. */
const DRAIN_BYTES = 64 * 1024 * 1024;

class TooLarge extends Error {
  constructor(max: number) {
    super(`body: over ${max} bytes`);
  }
}

/** The request body as an async iterable that never cancels the stream under it (so it can be drained). */
function bodySource(c: Context) {
  const reader = c.req.raw.body?.getReader();
  const max = maxBytes();
  let size = 0;
  let ended = !reader;
  const source: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      async next(): Promise<IteratorResult<Uint8Array>> {
        if (!reader || ended) return { done: true, value: undefined };
        const r = await reader.read();
        if (r.done) {
          ended = true;
          return { done: true, value: undefined };
        }
        size += r.value.byteLength;
        if (size > max) throw new TooLarge(max);
        return { done: false, value: r.value };
      },
      async return(): Promise<IteratorResult<Uint8Array>> {
        return { done: true, value: undefined };
      },
    }),
  };
  return {
    source,
    /** Read what is left (bounded), so the connection can carry the answer. */
    async drain() {
      if (!reader || ended) return;
      let drained = 0;
      try {
        while (drained < DRAIN_BYTES) {
          const r = await reader.read();
          if (r.done) {
            ended = true;
            return;
          }
          drained += r.value.byteLength;
        }
        await reader.cancel();
      } catch {
        // the client went away
      }
    },
  };
}

async function mappingFrom(c: Context<AppEnv>, text: string): Promise<Mapping | Response> {
  const db = c.get('db');
  const t = text.trim();
  try {
    if (t.startsWith('{')) return parseMapping(JSON.parse(t));
    const named = await namedMapping(db, t);
    return (
      named ??
      c.json(
        errorBody(
          'not_found',
          `mapping: no mapping named '${t}' (history/${t}.mapping.json in a city package)`,
          'mapping',
        ),
        404,
      )
    );
  } catch (e) {
    if (e instanceof SyntaxError)
      return c.json(errorBody('invalid_input', `mapping: not valid JSON: ${e.message}`, 'mapping'), 400);
    if (e instanceof MappingError)
      return c.json({ error: { code: 'invalid_input', message: e.message, field: 'mapping', issues: e.issues } }, 400);
    throw e;
  }
}

export const historyImport = new Hono<AppEnv>()
  .post('/', async (c) => {
    const db = c.get('db');
    const type = (c.req.header('content-type') ?? '').toLowerCase();
    const declared = Number(c.req.header('content-length') ?? NaN);
    if (declared > maxBytes()) return c.json(errorBody('too_large', `body: over ${maxBytes()} bytes`, 'body'), 413);
    const body = bodySource(c);
    const refuse = async (res: Response) => {
      await body.drain();
      return res;
    };
    let mapping: Mapping | null = null;
    const q = c.req.query('mapping');
    if (q) {
      const m = await mappingFrom(c, q);
      if (m instanceof Response) return refuse(m);
      mapping = m;
    }
    let input: AsyncIterable<Uint8Array>;
    let file: string | null = c.req.query('file') ?? null;
    if (/^text\/(csv|plain)\b/.test(type) || type.startsWith('application/octet-stream')) {
      input = body.source;
    } else if (type.startsWith('multipart/form-data')) {
      const boundary = boundaryOf(c.req.header('content-type') ?? '');
      if (!boundary)
        return refuse(
          c.json(
            errorBody('invalid_input', 'content-type: multipart/form-data without a boundary', 'content-type'),
            400,
          ),
        );
      const mr = new MultipartReader(body.source, boundary);
      let found: AsyncIterable<Uint8Array> | null = null;
      try {
        for (let part = await mr.nextPart(); part; part = await mr.nextPart()) {
          if (part.name === 'mapping' && part.filename === null) {
            const m = await mappingFrom(c, await mr.text(1024 * 1024));
            if (m instanceof Response) return refuse(m);
            mapping = m;
          } else if (part.name === 'file' || part.filename !== null) {
            file = part.filename || file;
            found = mr.body();
            break;
          } else for await (const _ of mr.body());
        }
      } catch (e) {
        if (e instanceof MultipartError)
          return refuse(c.json(errorBody('invalid_input', `body: ${e.message}`, 'body'), 400));
        if (e instanceof TooLarge) return refuse(c.json(errorBody('too_large', e.message, 'body'), 413));
        throw e;
      }
      if (!found) return refuse(c.json(errorBody('invalid_input', 'file: the form has no file part', 'file'), 400));
      input = found;
    } else {
      return refuse(
        c.json(
          errorBody(
            'unsupported_media_type',
            'Send the export as text/csv (with ?mapping=NAME) or multipart/form-data (mapping field, then file)',
            'content-type',
          ),
          415,
        ),
      );
    }
    if (!mapping)
      return refuse(
        c.json(
          errorBody('invalid_input', 'mapping: give ?mapping=NAME, or a mapping field before the file', 'mapping'),
          400,
        ),
      );

    const principal = c.get('principal');
    const length = Number(c.req.header('content-length'));
    const job = startImportJob(db, input, mapping, {
      file,
      startedBy: principal?.username ?? null,
      // Parsed in a worker thread when large (importer 'auto'); a chunked upload says nothing of its size.
      sizeBytes: Number.isFinite(length) && length > 0 ? length : undefined,
      // The embedded engine runs in this thread: the importer's defaults there (1,000 rows a COPY,
      // write chunks sized to about 100 ms of CPU each) keep every request answered.
    });
    const failed = await job.consumed;
    await body.drain();
    if (failed) {
      if (failed instanceof ImportRefused)
        return c.json({ ...errorBody('refused', failed.message, failed.field), id: job.id }, 422);
      if (failed instanceof TooLarge) return c.json(errorBody('too_large', failed.message, 'body'), 413);
      if (failed instanceof MultipartError)
        return c.json(errorBody('invalid_input', `body: ${failed.message}`, 'body'), 400);
      throw failed;
    }
    const view = await readJob(db, job.id);
    return c.json(
      {
        id: job.id,
        state: view?.state ?? 'running',
        progress: view?.progress ?? null,
        href: `/api/import/history/${job.id}`,
      },
      202,
    );
  })
  .get('/', async (c) => c.json({ jobs: await listJobs(c.get('db')) }))
  .get('/:id{[a-z0-9]{6,32}}', async (c) => {
    const job = await readJob(c.get('db'), c.req.param('id'));
    if (!job) return c.json(errorBody('not_found', `No import job ${c.req.param('id')}`, 'id'), 404);
    return c.json(job);
  });
