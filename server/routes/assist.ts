// The dispatcher's assistant over HTTP (rules in server/assist/):
//   POST /api/assist/suggest     {text, lon?, lat?, crs?} → top-3 categories, driving words, units
//   POST /api/assist/duplicates  {category, text, lon, lat, crs?} → earlier tickets the call repeats
//   POST /api/assist/feedback    what the operator chose (corrections are counted)
//   POST /api/assist/link        {ticketId, repeatOf} links a new ticket to the one it repeats
//   GET  /api/assist/tickets/:id suggestion, repeats and knowledge for an existing ticket (scoped)
//   GET  /api/assist/model       the served model's version and evaluation; POST /api/assist/retrain
//   GET  /api/kb[?q,kind,category,limit], GET /api/kb/:id; POST /api/kb, PUT/DELETE /api/kb/:id,
//   POST /api/kb/cases {ticketId} (admins and dispatchers; audited)
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { SOURCE_CRS } from '../../db/schema.ts';
import { audit } from '../auth/audit.ts';
import { errorBody, validationError } from '../errors.ts';
import { defaultSettings } from '../intake/settings.ts';
import { toWgs84 } from '../intake/normalise.ts';
import { nearbyRepeats, repeatLinkRows, setRepeatOf, ticketForAssist } from '../assist/duplicates.ts';
import {
  CaseRefused,
  caseFromTicket,
  createEntry,
  deleteEntry,
  getEntry,
  kbCaseBody,
  seedKnowledgeBase,
  kbEntryBody,
  kbPatchBody,
  KB_KINDS,
  searchEntries,
  updateEntry,
  type KbEntry,
} from '../assist/kb.ts';
import { isTraining, modelInfo, retrain } from '../assist/models.ts';
import { recordFeedback, suggestForCall } from '../assist/suggest.ts';
import { limitBody } from './lifecycle.ts';
import { readJsonBody, validQuery } from '../validate.ts';

const lon = z.number().finite().min(-180).max(180);
const lat = z.number().finite().min(-90).max(90);
const text = z.string().max(4000);

export const suggestBody = z
  .object({ text, lon: lon.nullish(), lat: lat.nullish(), crs: z.enum(SOURCE_CRS).default('WGS84') })
  .strict()
  .refine((v) => (v.lon == null) === (v.lat == null), { path: ['lat'], message: 'lon and lat come together' });
export const duplicatesBody = z
  .object({ category: z.string().min(1).max(100), text, lon, lat, crs: z.enum(SOURCE_CRS).default('WGS84') })
  .strict();
export const feedbackBody = z
  .object({
    ticketId: z.number().int().positive().max(999_999_999_999_999).nullish(),
    version: z.number().int().positive().nullish(),
    suggested: z.array(z.string().min(1).max(100)).min(1).max(3),
    chosen: z.string().min(1).max(100),
    unitSuggested: z.string().min(1).max(100).nullish(),
    unitAccepted: z.boolean().nullish(),
  })
  .strict();
export const linkBody = z
  .object({
    ticketId: z.number().int().positive().max(999_999_999_999_999),
    repeatOf: z.number().int().positive().max(999_999_999_999_999),
  })
  .strict();
export const kbQuery = z.object({
  q: z.string().max(200).optional(),
  kind: z.enum(KB_KINDS).optional(),
  category: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
/** POST /api/assist/retrain takes no fields. */
export const retrainBody = z.object({}).strict();

async function body<T extends z.ZodType>(
  c: Context<AppEnv>,
  schema: T,
): Promise<{ ok: true; value: z.output<T> } | { ok: false; res: Response }> {
  const b = await readJsonBody(c);
  if (!b.ok) return b;
  const parsed = schema.safeParse(b.value);
  if (!parsed.success) return { ok: false, res: c.json(validationError(parsed.error), 400) };
  return { ok: true, value: parsed.data };
}

const MAX_ID_DIGITS = 15;
const idOf = (c: Context) => {
  const raw = c.req.param('id') ?? '';
  return raw.length <= MAX_ID_DIGITS ? Number(raw) : null;
};

/** The knowledge base fills itself from the catalogue and the city package on its first read. */
const seeded = new WeakSet<object>();
async function ensureSeeded(c: Context<AppEnv>) {
  const db = c.get('db');
  if (seeded.has(db)) return;
  await seedKnowledgeBase(db);
  seeded.add(db);
}

/** A case's source ticket is for city-wide roles; an official reads the anonymised case without it. */
const forReader = (c: Context<AppEnv>, e: KbEntry): KbEntry => {
  if (c.get('principal').scope.level === 'city') return e;
  const { ticketId: _hidden, ...rest } = e;
  return rest;
};

export const assist = new Hono<AppEnv>()
  .post('/suggest', limitBody(), async (c) => {
    const b = await body(c, suggestBody);
    if (!b.ok) return b.res;
    c.header('Cache-Control', 'no-store');
    return c.json(await suggestForCall(c.get('db'), b.value));
  })
  .post('/duplicates', limitBody(), async (c) => {
    const b = await body(c, duplicatesBody);
    if (!b.ok) return b.res;
    const [x, y] = toWgs84(b.value.lon, b.value.lat, b.value.crs);
    const windowDays = defaultSettings().repeatWindowDays;
    const found = await nearbyRepeats(
      c.get('db'),
      { category: b.value.category, lon: x, lat: y, text: b.value.text, at: new Date(), windowDays },
      c.get('principal').scope,
    );
    c.header('Cache-Control', 'no-store');
    return c.json({ windowDays, candidates: found.map((f) => ({ ...f, ticketId: f.id, id: undefined })) });
  })
  .post('/feedback', limitBody(), async (c) => {
    const b = await body(c, feedbackBody);
    if (!b.ok) return b.res;
    const v = b.value;
    const r = await recordFeedback(c.get('db'), {
      ticketId: v.ticketId ?? null,
      version: v.version ?? null,
      suggested: v.suggested,
      chosen: v.chosen,
      unitSuggested: v.unitSuggested ?? null,
      unitAccepted: v.unitAccepted ?? null,
      username: c.get('principal').username,
    });
    return c.json(r, 201);
  })
  .post('/link', limitBody(), async (c) => {
    const b = await body(c, linkBody);
    if (!b.ok) return b.res;
    const { ticketId, repeatOf } = b.value;
    if (ticketId === repeatOf)
      return c.json(errorBody('invalid_input', 'repeatOf: a ticket does not repeat itself', 'repeatOf'), 400);
    const db = c.get('db');
    const rows = await repeatLinkRows(db, ticketId, repeatOf);
    const me = rows.find((r) => r.id === ticketId);
    const earlier = rows.find((r) => r.id === repeatOf);
    if (!me) return c.json(errorBody('not_found', `No ticket ${ticketId}`, 'ticketId'), 404);
    if (!earlier) return c.json(errorBody('not_found', `No ticket ${repeatOf}`, 'repeatOf'), 404);
    if (earlier.category_code !== me.category_code)
      return c.json(
        errorBody(
          'invalid_input',
          `repeatOf: ticket ${repeatOf} is ${earlier.category_code}, not ${me.category_code}`,
          'repeatOf',
        ),
        400,
      );
    if (new Date(earlier.received_at).getTime() > new Date(me.received_at).getTime())
      return c.json(errorBody('invalid_input', `repeatOf: ticket ${repeatOf} came in later`, 'repeatOf'), 400);
    const root = earlier.repeat_of ?? earlier.id;
    await setRepeatOf(db, ticketId, root);
    return c.json({ ticketId, repeatOf: root });
  })
  .get('/tickets/:id{[0-9]+}', async (c) => {
    const id = idOf(c);
    const db = c.get('db');
    const t = id === null ? null : await ticketForAssist(db, id, c.get('principal').scope);
    if (!t) return c.json(errorBody('not_found', `No ticket ${(c.req.param('id') ?? '').slice(0, 40)}`, 'id'), 404);
    const text = t.description ?? '';
    const suggestion = await suggestForCall(db, { text, lon: t.lon, lat: t.lat });
    const repeats =
      t.lon != null && t.lat != null
        ? (
            await nearbyRepeats(
              db,
              {
                category: t.category_code,
                lon: t.lon,
                lat: t.lat,
                text,
                at: new Date(t.received_at),
                windowDays: defaultSettings().repeatWindowDays,
              },
              c.get('principal').scope,
              6,
            )
          ).filter((r) => r.id !== t.id)
        : [];
    await ensureSeeded(c);
    const kb = await searchEntries(db, { category: t.category_code, limit: 5 });
    c.header('Cache-Control', 'no-store');
    return c.json({
      ticketId: t.id,
      categoryCode: t.category_code,
      suggestion,
      repeats: repeats.map(({ id: rid, ...r }) => ({ ...r, ticketId: rid })),
      knowledge: kb.map((e) => forReader(c, e)),
    });
  })
  .get('/model', async (c) => {
    const info = await modelInfo(c.get('db'));
    c.header('Cache-Control', 'no-store');
    return c.json({ training: isTraining(), model: info });
  })
  .post('/retrain', limitBody(), async (c) => {
    const b = await body(c, retrainBody);
    if (!b.ok) return b.res;
    const db = c.get('db');
    const p = c.get('principal');
    const running = isTraining();
    void retrain(db, 'demand').catch((err) =>
      console.warn(`category model training failed: ${err instanceof Error ? err.message : err}`),
    );
    if (!running) await audit(db, p, 'assist.retrain', null, {});
    return c.json({ training: true, alreadyRunning: running }, 202);
  });

export const kb = new Hono<AppEnv>()
  .get('/', validQuery(kbQuery), async (c) => {
    const q = c.req.valid('query');
    await ensureSeeded(c);
    const hits = await searchEntries(c.get('db'), {
      q: q.q?.trim() || undefined,
      kind: q.kind,
      category: q.category,
      limit: q.limit,
    });
    return c.json({ entries: hits.map((h) => forReader(c, h) as typeof h) });
  })
  .get('/:id{[0-9]+}', async (c) => {
    const id = idOf(c);
    const e = id === null ? null : await getEntry(c.get('db'), id);
    return e
      ? c.json(forReader(c, e))
      : c.json(errorBody('not_found', `No knowledge entry ${(c.req.param('id') ?? '').slice(0, 40)}`, 'id'), 404);
  })
  .post('/', limitBody(), async (c) => {
    const b = await body(c, kbEntryBody);
    if (!b.ok) return b.res;
    const p = c.get('principal');
    const e = await c.get('db').transaction(async (tx) => {
      const made = await createEntry(tx, b.value, p.username);
      await audit(tx, p, 'kb.create', null, { id: made.id, kind: made.kind, title: made.title });
      return made;
    });
    return c.json(e, 201);
  })
  .post('/cases', limitBody(), async (c) => {
    const b = await body(c, kbCaseBody);
    if (!b.ok) return b.res;
    const p = c.get('principal');
    try {
      const e = await c.get('db').transaction(async (tx) => {
        const made = await caseFromTicket(tx, b.value, p.username);
        await audit(tx, p, 'kb.case', made.ticketId ?? null, { id: made.id, title: made.title });
        return made;
      });
      return c.json(e, 201);
    } catch (err) {
      if (err instanceof CaseRefused)
        return c.json(
          errorBody(err.message.includes('no ticket') ? 'not_found' : 'refused', err.message, err.field),
          err.message.includes('no ticket') ? 404 : 409,
        );
      throw err;
    }
  })
  .put('/:id{[0-9]+}', limitBody(), async (c) => {
    const id = idOf(c);
    const b = await body(c, kbPatchBody);
    if (!b.ok) return b.res;
    const p = c.get('principal');
    const e =
      id === null
        ? null
        : await c.get('db').transaction(async (tx) => {
            const done = await updateEntry(tx, id, b.value, p.username);
            if (done) await audit(tx, p, 'kb.update', done.ticketId ?? null, { id, fields: Object.keys(b.value) });
            return done;
          });
    return e ? c.json(e) : c.json(errorBody('not_found', `No knowledge entry ${id}`, 'id'), 404);
  })
  .delete('/:id{[0-9]+}', async (c) => {
    const id = idOf(c);
    const p = c.get('principal');
    const e =
      id === null
        ? null
        : await c.get('db').transaction(async (tx) => {
            const gone = await deleteEntry(tx, id);
            if (gone)
              await audit(tx, p, 'kb.delete', gone.ticketId ?? null, { id, kind: gone.kind, title: gone.title });
            return gone;
          });
    return e ? c.json({ deleted: id }) : c.json(errorBody('not_found', `No knowledge entry ${id}`, 'id'), 404);
  });
