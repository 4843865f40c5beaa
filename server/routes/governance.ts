// The governance loop's HTTP surface (/api/gov/…): topic ledger, tasks, key-problem ledger,
// proactive work orders, the wall's scene and the monthly progress report. Thin: rules and SQL live
// in server/governance/. Gates (server/auth/policy.ts): reads 'read' (the wall scene 'wall'),
// task updates 'read' with the own-unit rule checked here, proactive orders 'proactive', every
// other write 'plan' (planners and admins).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { errorBody } from '../errors.ts';
import { UnknownCodeError } from '../filters.ts';
import { plausibleYear, text, validJson, validQuery, YEAR_MESSAGE } from '../validate.ts';
import { DATE_PATTERN, MONTH_PATTERN, isCalendarDate } from '../ranking/periods.ts';
import { code, intParam } from '../analysis/params.ts';
import { GOV_TASK_STATUSES } from '../../db/schema.ts';
import { GovForbidden, ownUnits } from '../governance/access.ts';
import {
  achievements,
  addPolicy,
  addReview,
  addTask,
  createTopic,
  listTopics,
  myTasks,
  overdueTasks,
  setTopicStatus,
  topicDetail,
  updateTask,
} from '../governance/topics.ts';
import { createLedgerEntry, listLedger, syncLedger, updateLedgerEntry } from '../governance/ledger.ts';
import { PROACTIVE_SOURCES, ProactiveRefused, createProactive, listProactive } from '../governance/proactive.ts';
import { governanceSheets } from '../governance/report.ts';
import { workbookBuffer } from '../reports/xlsx.ts';
import { contentDisposition, LANGS } from '../reports/labels.ts';
import { monthIndex } from '../analysis/calendar.ts';

const date = z
  .string()
  .regex(DATE_PATTERN, 'must be YYYY-MM-DD')
  .refine(isCalendarDate, 'no such calendar day')
  .refine(plausibleYear, YEAR_MESSAGE);
const month = z.string().regex(MONTH_PATTERN, 'must be YYYY-MM with a month 01–12').refine(plausibleYear, YEAR_MESSAGE);
const title = text(200).pipe(z.string().min(1, 'must not be empty'));
const link = text(500).pipe(z.string().regex(/^(https?:\/\/|\/)/, 'must be an http(s) link or a path'));
const window = z
  .strictObject({ from: month, to: month })
  .refine((w) => monthIndex(w.from) <= monthIndex(w.to), { message: 'from must not be after to', path: ['to'] });
const newTask = z.strictObject({ title, ownerUnit: code, dueOn: date });
const newPolicy = z.strictObject({ title, issuedOn: date, link: link.nullable().optional() });
const newReview = z.strictObject({ reviewOn: date, note: text(2000).optional() });

const topicBody = z
  .strictObject({
    title,
    categories: z.array(code).min(1).max(20),
    area: code.nullable().default(null),
    leadUnit: code,
    coUnits: z.array(code).max(20).default([]),
    source: z.enum(['candidate', 'defined']).default('defined'),
    before: window,
    after: window,
    target: z.number().min(-1).max(1),
    tasks: z.array(newTask).max(100).optional(),
    policies: z.array(newPolicy).max(100).optional(),
    reviews: z.array(newReview).max(50).optional(),
  })
  .refine((b) => monthIndex(b.before.to) < monthIndex(b.after.from), {
    message: 'the after window must start after the before window ends',
    path: ['after', 'from'],
  });

const taskPatch = z
  .strictObject({
    status: z.enum(GOV_TASK_STATUSES).optional(),
    evidence: text(4000).optional(),
    links: z.array(link).max(20).optional(),
  })
  .refine((p) => p.status !== undefined || p.evidence !== undefined || p.links !== undefined, {
    message: 'name status, evidence or links to change',
    path: ['status'],
  });
const statusBody = z.strictObject({ status: z.enum(['active', 'closed']) });

const ledgerBody = z.strictObject({
  source: z.enum(['cluster', 'manual']),
  title,
  street: code,
  category: code.nullable().optional(),
  clusterKey: text(120).pipe(z.string().min(1)).nullable().optional(),
  ownerUnit: code.nullable().optional(),
  plan: text(4000).optional(),
  targetOn: date.nullable().optional(),
});
const ledgerPatch = z
  .strictObject({
    ownerUnit: code.nullable().optional(),
    plan: text(4000).optional(),
    targetOn: date.nullable().optional(),
    status: z.enum(['open', 'resolved']).optional(),
  })
  .refine((p) => Object.keys(p).length > 0, {
    message: 'name ownerUnit, plan, targetOn or status to change',
    path: ['status'],
  });

const proactiveOrder = z.strictObject({
  source: z.enum(PROACTIVE_SOURCES),
  cell: z.string().regex(/^[0-9a-f]{15}$/, 'must be an H3 cell index (15 hex digits)'),
  category: code,
  month,
  expected: z.number().min(0).max(1e7).nullable().optional(),
  unitCode: code.optional(),
  dueOn: date,
  note: text(2000).optional(),
});
const proactiveBody = z.strictObject({ orders: z.array(proactiveOrder).min(1).max(200) });

const idParam = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, 'must be a positive integer')
    .transform(Number),
});
const listQuery = z.object({ limit: intParam(1, 1000).default(200), status: z.enum(['open', 'resolved']).optional() });
const reportQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json'), lang: z.enum(LANGS).default('zh') });

function refused(err: Error, c: Context): Response {
  if (err instanceof GovForbidden) return c.json(errorBody('forbidden', err.message, err.field), 403);
  if (err instanceof ProactiveRefused) return c.json(errorBody('invalid_input', err.message, err.field), 400);
  if (err instanceof UnknownCodeError) return c.json(errorBody('unknown_code', err.message, err.field), 400);
  throw err;
}

const notFound = (c: Context, what: string) => c.json(errorBody('not_found', `No such ${what}`, 'id'), 404);
const idOf = (c: Context) => {
  const p = idParam.safeParse({ id: c.req.param('id') });
  return p.success ? p.data.id : null;
};

export const governance = new Hono<AppEnv>()
  /** GET /api/gov/topics — topics in sight, with progress and measured effect. */
  .get('/topics', async (c) => c.json({ topics: await listTopics(c.get('db'), c.get('principal').scope) }))
  /** POST /api/gov/topics — adopt a topic (planners, admins); windows and target are frozen from now on. */
  .post('/topics', validJson(topicBody), async (c) => {
    const id = await createTopic(c.get('db'), c.req.valid('json'), c.get('principal'));
    return c.json({ id }, 201);
  })
  /** GET /api/gov/topics/:id — progress, tasks (the reader's own region's), policies, reviews, effect with interval. */
  .get('/topics/:id{[0-9]+}', async (c) => {
    const id = idOf(c);
    const t = id === null ? null : await topicDetail(c.get('db'), id, c.get('principal').scope);
    return t ? c.json(t) : notFound(c, 'topic');
  })
  .post('/topics/:id{[0-9]+}/tasks', validJson(newTask), async (c) => {
    const id = idOf(c);
    const made = id === null ? null : await addTask(c.get('db'), id, c.req.valid('json'), c.get('principal'));
    return made === null ? notFound(c, 'topic') : c.json({ id: made }, 201);
  })
  .post('/topics/:id{[0-9]+}/policies', validJson(newPolicy), async (c) => {
    const id = idOf(c);
    const made = id === null ? null : await addPolicy(c.get('db'), id, c.req.valid('json'), c.get('principal'));
    return made === null ? notFound(c, 'topic') : c.json({ id: made }, 201);
  })
  .post('/topics/:id{[0-9]+}/reviews', validJson(newReview), async (c) => {
    const id = idOf(c);
    const made = id === null ? null : await addReview(c.get('db'), id, c.req.valid('json'), c.get('principal'));
    return made === null ? notFound(c, 'topic') : c.json({ id: made }, 201);
  })
  .post('/topics/:id{[0-9]+}/status', validJson(statusBody), async (c) => {
    const id = idOf(c);
    const ok = id !== null && (await setTopicStatus(c.get('db'), id, c.req.valid('json').status, c.get('principal')));
    return ok ? c.json({ id, status: c.req.valid('json').status }) : notFound(c, 'topic');
  })
  /** GET /api/gov/tasks — the reader's own unit's tasks (planners: every open task); overdue flagged. */
  .get('/tasks', async (c) => c.json({ tasks: await myTasks(c.get('db'), c.get('principal')) }))
  /** GET /api/gov/tasks/overdue — overdue tasks in sight (the queue's flag). */
  .get('/tasks/overdue', async (c) => c.json({ tasks: await overdueTasks(c.get('db'), c.get('principal').scope) }))
  /** POST /api/gov/tasks/:id { status?, evidence?, links? } — a unit updates its own task. */
  .post('/tasks/:id{[0-9]+}', validJson(taskPatch), async (c) => {
    const p = c.get('principal');
    const own = ownUnits(p);
    if (own !== null && own.length === 0)
      return c.json(
        errorBody('forbidden', "role: only the task's own unit, planners and admins update a task", 'role'),
        403,
      );
    const id = idOf(c);
    const row = id === null ? null : await updateTask(c.get('db'), id, c.req.valid('json'), p);
    return row ? c.json(row) : notFound(c, 'task');
  })
  /** GET /api/gov/achievements — "what the topics achieved": every topic in sight with its effect. */
  .get('/achievements', async (c) => c.json(await achievements(c.get('db'), c.get('principal').scope)))
  /** GET /api/gov/ledger?status&limit — key-problem ledger entries in sight, with its size per month. */
  .get('/ledger', validQuery(listQuery), async (c) =>
    c.json(await listLedger(c.get('db'), c.get('principal').scope, c.req.valid('query'))),
  )
  .post('/ledger', validJson(ledgerBody), async (c) =>
    c.json({ id: await createLedgerEntry(c.get('db'), c.req.valid('json'), c.get('principal')) }, 201),
  )
  /** POST /api/gov/ledger/sync — roll deferred tickets up into entries (idempotent). */
  .post('/ledger/sync', validJson(z.strictObject({})), async (c) =>
    c.json(await syncLedger(c.get('db'), c.get('principal'))),
  )
  .post('/ledger/:id{[0-9]+}', validJson(ledgerPatch), async (c) => {
    const id = idOf(c);
    const ok = id !== null && (await updateLedgerEntry(c.get('db'), id, c.req.valid('json'), c.get('principal')));
    return ok ? c.json({ id }) : notFound(c, 'ledger entry');
  })
  /** GET /api/gov/proactive?limit — proactive orders in sight with outcomes, and the 主动治理 figures. */
  .get('/proactive', validQuery(listQuery), async (c) =>
    c.json(await listProactive(c.get('db'), c.get('principal').scope, c.req.valid('query').limit)),
  )
  /** POST /api/gov/proactive { orders: [...] } — one or many proactive tickets, all or nothing. */
  .post('/proactive', validJson(proactiveBody), async (c) => {
    const made = await createProactive(c.get('db'), c.req.valid('json').orders, c.get('principal'));
    return c.json({ orders: made }, made.some((m) => m.created) ? 201 : 200);
  })
  /** GET /api/gov/wall — the wall's governance scene: active topics' progress, overdue tasks, ledger size. */
  .get('/wall', async (c) => {
    const db = c.get('db');
    const scope = c.get('principal').scope;
    const [topics, ledger, overdue, proactive] = await Promise.all([
      listTopics(db, scope),
      listLedger(db, scope, { limit: 1 }),
      overdueTasks(db, scope),
      listProactive(db, scope, 1),
    ]);
    return c.json({
      topics: topics
        .filter((t) => t.status === 'active')
        .slice(0, 6)
        .map((t) => ({
          id: t.id,
          title: t.title,
          areaNameZh: t.areaNameZh,
          areaNameEn: t.areaNameEn,
          tasks: t.tasks,
          done: t.done,
          overdue: t.overdue,
          verdict: t.effect.verdict,
          effect: t.effect.effect,
        })),
      overdueTasks: overdue.length,
      ledger: {
        open: ledger.counts?.open ?? 0,
        history: ledger.history.slice(-7).map((h) => ({ month: h.month, open: h.open })),
      },
      proactive: { total: proactive.figures.total, open: proactive.figures.open, closed: proactive.figures.closed },
    });
  })
  /** GET /api/gov/report?format=json|xlsx&lang=zh|en — the monthly progress report of the loop. */
  .get('/report', validQuery(reportQuery), async (c) => {
    const q = c.req.valid('query');
    const sheets = await governanceSheets(c.get('db'), c.get('principal'), q.lang);
    if (q.format === 'json') return c.json({ sheets });
    const stamp = new Date().toISOString().slice(0, 10);
    const body = await workbookBuffer(sheets, {
      title: q.lang === 'zh' ? '治理闭环月度进展' : 'Governance progress',
      subject: stamp,
    });
    c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    c.header(
      'Content-Disposition',
      contentDisposition(
        'attachment',
        `${q.lang === 'zh' ? '治理闭环月度进展' : 'governance-progress'}-${stamp}.xlsx`,
        `governance-progress-${stamp}.xlsx`,
      ),
    );
    return c.body(new Uint8Array(body));
  })
  .onError(refused);
