// The governance loop (/api/gov/*, server/routes/governance.ts): topics (每月一题) with tasks,
// policies and reviews, the key-problem ledger, proactive work orders (未诉先办), the wall scene and
// the progress report. Bodies and rows are described by their key fields, open to more.
import { z } from 'zod';
import type { listLedger } from '../governance/ledger.ts';
import type { listProactive, ProactiveCreated } from '../governance/proactive.ts';
import type { achievements, listTopics, TaskRow, topicDetail } from '../governance/topics.ts';
import { count, day, month, type Fits } from './common.ts';
import { BAD_INPUT, CONFLICT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

const when = z.string().meta({ description: 'an instant (ISO 8601) as the database writes it' });
const span = z.object({ from: day, to: day });
const verdict = z.enum(['effective', 'worse', 'unclear', 'insufficient']);
/** The topic's measured effect: treated area against matched controls (difference in differences). */
export const topicEffectSchema = z
  .looseObject({
    beforeMonths: z.tuple([month, month]),
    afterMonths: z.tuple([month, month]).nullable(),
    partial: z.boolean(),
    targetMet: z.boolean().nullable(),
    targetMetSurely: z.boolean().nullable(),
    verdict,
    reason: z.string().nullable(),
    controls: z.array(z.string()),
    did: z.number().nullable(),
    lower: z.number().nullable(),
    upper: z.number().nullable(),
    effect: z.number().nullable(),
    effectLower: z.number().nullable(),
    effectUpper: z.number().nullable(),
    se: z.number().nullable(),
    df: z.number().nullable(),
    treatedAfter: z.number(),
    expectedAfter: z.number().nullable(),
    months: z.array(z.object({ treated: z.number(), control: z.number(), gap: z.number() })),
  })
  .meta({ id: 'GovTopicEffect' });
const topicFields = {
  id: z.number().int(),
  title: z.string(),
  categories: z.array(z.string()),
  areaCode: z.string().nullable(),
  areaNameZh: z.string().nullable(),
  areaNameEn: z.string().nullable(),
  areaLevel: z.string().nullable(),
  leadUnit: z.string(),
  coUnits: z.array(z.string()),
  source: z.string(),
  status: z.string(),
  targetChange: z.number(),
  adoptedAt: when,
  adoptedBy: z.string(),
  done: count,
  overdue: count,
  before: span,
  after: span,
  progress: z.number().nullable(),
  effect: topicEffectSchema,
};
export const topicRowSchema = z.looseObject({ ...topicFields, tasks: count }).meta({ id: 'GovTopic' });
export const taskRowSchema = z
  .looseObject({
    id: z.number().int(),
    topicId: z.number().int(),
    topicTitle: z.string(),
    title: z.string(),
    ownerUnit: z.string(),
    ownerNameZh: z.string().nullable(),
    ownerNameEn: z.string().nullable(),
    dueOn: day,
    status: z.enum(['done', 'open', 'in_progress']),
    evidence: z.string(),
    links: z.array(z.string()),
    doneAt: when.nullable(),
    overdue: z.boolean(),
  })
  .meta({ id: 'GovTask' });
const named = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() });
/** a row the services leave untyped (policies, reviews, ledger entries): its columns, open */
const row = z.looseObject({});
export const topicDetailSchema = z
  .looseObject({
    ...topicFields,
    taskCount: count,
    today: day,
    categoryNames: z.array(named),
    unitNames: z.array(named),
    tasks: z.array(taskRowSchema),
    policies: z.array(row),
    reviews: z.array(row),
  })
  .meta({ id: 'GovTopicDetail' });
export const achievementsSchema = z
  .looseObject({
    topics: z.array(
      z.looseObject({
        id: z.number().int(),
        title: z.string(),
        areaCode: z.string().nullable(),
        areaNameZh: z.string().nullable(),
        areaNameEn: z.string().nullable(),
        status: z.string(),
        before: span,
        after: span,
        targetChange: z.number(),
        tasks: count,
        done: count,
        overdue: count,
        verdict,
        reason: z.string().nullable(),
        effect: z.number().nullable(),
        effectLower: z.number().nullable(),
        effectUpper: z.number().nullable(),
        treatedAfter: z.number(),
        expectedAfter: z.number().nullable(),
        partial: z.boolean(),
        targetMet: z.boolean().nullable(),
      }),
    ),
    summary: z.object({
      topics: count,
      measured: count,
      effective: count,
      avoided: z.number(),
      tasks: count,
      done: count,
      overdue: count,
    }),
  })
  .meta({ id: 'GovAchievements' });
export const ledgerSchema = z
  .looseObject({
    items: z.array(row),
    total: count,
    counts: z.object({ open: count, resolved: count, overdue: count }),
    history: z.array(z.object({ month, open: count, opened: count, resolved: count })),
  })
  .meta({ id: 'GovLedger' });
export const proactiveSchema = z
  .looseObject({
    figures: z.looseObject({
      measured: count,
      fewer: count,
      total: count,
      open: count,
      closed: count,
      overdue: count,
      forecast: count,
      surge: count,
      cluster: count,
    }),
    items: z.array(
      z.looseObject({
        id: z.number().int(),
        status: z.string(),
        source: z.string(),
        res: z.number().int(),
        cell: z.string(),
        categoryCode: z.string(),
        categoryNameZh: z.string(),
        categoryNameEn: z.string(),
        month,
        expected: z.number().nullable(),
        unitCode: z.string(),
        streetCode: z.string(),
        streetNameZh: z.string().nullable(),
        streetNameEn: z.string().nullable(),
        receivedAt: when,
        resolveDueAt: when,
        closedAt: when.nullable(),
        overdue: z.boolean(),
        observed: count,
        createdBy: z.string(),
        outcome: z.object({
          observed: z.number().nullable(),
          expected: z.number().nullable(),
          p: z.number().nullable(),
          verdict: z.enum(['fewer', 'as_expected', 'pending', 'no_forecast']),
        }),
      }),
    ),
  })
  .meta({ id: 'GovProactive' });
export const proactiveCreatedSchema = z.object({ id: z.number().int(), created: z.boolean(), unitCode: z.string() });
export const govWallSchema = z
  .object({
    topics: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        areaNameZh: z.string().nullable(),
        areaNameEn: z.string().nullable(),
        tasks: count,
        done: count,
        overdue: count,
        verdict,
        effect: z.number().nullable(),
      }),
    ),
    overdueTasks: count,
    ledger: z.object({ open: count, history: z.array(z.object({ month, open: count })) }),
    proactive: z.object({ total: count, open: count, closed: count }),
  })
  .meta({ id: 'GovWall' });

type Out<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
// What the services return fits the schemas (the contract test's small demo may leave lists empty).
export type _GovernanceFits = [
  Fits<Out<typeof listTopics>[number], z.infer<typeof topicRowSchema>>,
  Fits<NonNullable<Out<typeof topicDetail>>, z.infer<typeof topicDetailSchema>>,
  Fits<TaskRow, z.infer<typeof taskRowSchema>>,
  Fits<Out<typeof achievements>, z.infer<typeof achievementsSchema>>,
  Fits<Out<typeof listLedger>, z.infer<typeof ledgerSchema>>,
  Fits<Out<typeof listProactive>, z.infer<typeof proactiveSchema>>,
  Fits<ProactiveCreated, z.infer<typeof proactiveCreatedSchema>>,
];

const id = z.object({ id: z.coerce.number().int().min(1).meta({ example: 1 }) });
const created = z.looseObject({ id: z.number().int() });
const anyBody = z.looseObject({});
const get = (path: string, summary: string, schema: z.ZodType, extra: Partial<RouteContract> = {}): RouteContract => ({
  method: 'GET',
  path,
  tags: ['governance'],
  summary,
  responses: {
    200: json('the answer', schema),
    ...BAD_INPUT,
    ...(extra.params ? NOT_FOUND('topic') : {}),
    ...GATED_ERRORS,
  },
  ...extra,
});
const post = (
  path: string,
  summary: string,
  schema: z.ZodType,
  extra: Partial<RouteContract> = {},
  status = 201,
): RouteContract => ({
  method: 'POST',
  path,
  tags: ['governance'],
  summary,
  body: anyBody,
  responses: {
    [status]: json('done', schema),
    ...BAD_INPUT,
    ...NOT_FOUND('topic, task or ledger entry'),
    ...CONFLICT('the state does not allow it'),
    ...GATED_ERRORS,
  },
  ...extra,
});

export const governanceRoutes: RouteContract[] = [
  get(
    '/api/gov/topics',
    'Adopted topics (每月一题) with their progress',
    z.object({ topics: z.array(topicRowSchema) }),
  ),
  post('/api/gov/topics', 'Adopt a topic', created),
  get('/api/gov/topics/:id{[0-9]+}', 'One topic: tasks, policies, reviews and the measured effect', topicDetailSchema, {
    params: id,
  }),
  post('/api/gov/topics/:id{[0-9]+}/tasks', 'Add a task to a topic', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/policies', 'Record a policy a topic produced', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/reviews', 'Record a review of a topic', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/status', 'Close or reopen a topic', created, { params: id }, 200),
  get('/api/gov/tasks', "The reader's own unit's tasks", z.object({ tasks: z.array(taskRowSchema) })),
  get('/api/gov/tasks/overdue', 'Tasks past their due date', z.object({ tasks: z.array(taskRowSchema) })),
  post('/api/gov/tasks/:id{[0-9]+}', 'Update a task (status, evidence, links)', taskRowSchema, { params: id }, 200),
  get('/api/gov/achievements', 'What the topics achieved', achievementsSchema),
  get('/api/gov/ledger', 'The key-problem ledger', ledgerSchema),
  post('/api/gov/ledger', 'Add a key problem to the ledger', created),
  post(
    '/api/gov/ledger/sync',
    'Sync the ledger with the recurring clusters',
    z.looseObject({ added: z.number().int(), resolved: z.number().int() }),
    {},
    200,
  ),
  post('/api/gov/ledger/:id{[0-9]+}', 'Update a ledger entry', created, { params: id }, 200),
  get('/api/gov/proactive', 'Proactive work orders (未诉先办)', proactiveSchema),
  post(
    '/api/gov/proactive',
    'File proactive work orders from the forecast list',
    z.object({ orders: z.array(proactiveCreatedSchema) }),
  ),
  get('/api/gov/wall', 'The wall scene: topics, overdue tasks, ledger, proactive orders', govWallSchema),
  {
    method: 'GET',
    path: '/api/gov/report',
    tags: ['governance'],
    summary: 'The progress report (XLSX)',
    query: z.object({ format: z.enum(['xlsx']).optional(), lang: z.enum(['zh', 'en']).optional() }),
    responses: {
      200: {
        description: 'the workbook',
        contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
];
