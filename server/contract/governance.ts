// The governance loop (/api/gov/*, server/routes/governance.ts): topics (每月一题) with tasks,
// policies and reviews, the key-problem ledger, proactive work orders (未诉先办), the wall scene and
// the progress report. Bodies and rows are described by their key fields, open to more.
import { z } from 'zod';
import { BAD_INPUT, CONFLICT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

const id = z.object({ id: z.coerce.number().int().min(1).meta({ example: 1 }) });
const created = z.looseObject({ id: z.number().int() });
const anyBody = z.looseObject({});
const row = z.looseObject({ id: z.number().int() });
const list = (k: string) => z.looseObject({ [k]: z.array(row) });
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
  get('/api/gov/topics', 'Adopted topics (每月一题) with their progress', list('topics')),
  post('/api/gov/topics', 'Adopt a topic', created),
  get('/api/gov/topics/:id{[0-9]+}', 'One topic: tasks, policies, reviews and the measured effect', row, {
    params: id,
  }),
  post('/api/gov/topics/:id{[0-9]+}/tasks', 'Add a task to a topic', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/policies', 'Record a policy a topic produced', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/reviews', 'Record a review of a topic', created, { params: id }),
  post('/api/gov/topics/:id{[0-9]+}/status', 'Close or reopen a topic', created, { params: id }, 200),
  get('/api/gov/tasks', "The reader's own unit's tasks", list('tasks')),
  get('/api/gov/tasks/overdue', 'Tasks past their due date', list('tasks')),
  post('/api/gov/tasks/:id{[0-9]+}', 'Update a task (status, evidence, links)', row, { params: id }, 200),
  get('/api/gov/achievements', 'What the topics achieved', z.looseObject({})),
  get('/api/gov/ledger', 'The key-problem ledger', z.looseObject({})),
  post('/api/gov/ledger', 'Add a key problem to the ledger', created),
  post(
    '/api/gov/ledger/sync',
    'Sync the ledger with the recurring clusters',
    z.looseObject({ added: z.number().int(), resolved: z.number().int() }),
    {},
    200,
  ),
  post('/api/gov/ledger/:id{[0-9]+}', 'Update a ledger entry', created, { params: id }, 200),
  get('/api/gov/proactive', 'Proactive work orders (未诉先办)', z.looseObject({})),
  post(
    '/api/gov/proactive',
    'File proactive work orders from the forecast list',
    z.looseObject({ orders: z.array(z.looseObject({})) }),
  ),
  get(
    '/api/gov/wall',
    'The wall scene: topics, overdue tasks, ledger, proactive orders',
    z.looseObject({ topics: z.array(z.looseObject({})), overdueTasks: z.number().int() }),
  ),
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
