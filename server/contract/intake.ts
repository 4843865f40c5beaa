// Bulk intake and the live feed: POST /api/import/tickets (CSV), the history import jobs
// (/api/import/history), GET /api/live (server-sent events).
import { z } from 'zod';
import type { LiveEvent } from '../lifecycle/liveFeed.ts';
import { count, instant } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, NOT_FOUND, json, type Reply, type RouteContract } from './registry.ts';

export const csvReportSchema = z
  .object({
    rows: count,
    imported: count,
    duplicates: count,
    rejected: count,
    errors: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })),
  })
  .meta({
    id: 'CsvImportReport',
    example: {
      rows: 2,
      imported: 1,
      duplicates: 0,
      rejected: 1,
      errors: [{ line: 3, field: 'category', message: 'unknown category code' }],
    },
  });

const jobState = z.enum(['running', 'done', 'failed']);
const progress = z.looseObject({ jobId: z.string(), phase: z.string(), rows: count }).nullable();
export const importJobSchema = z
  .looseObject({
    id: z.string(),
    state: jobState,
    source: z.string(),
    file: z.string().nullable(),
    startedBy: z.string().nullable(),
    startedAt: instant,
    finishedAt: instant.nullable(),
    progress,
  })
  .meta({ id: 'ImportJob' });

/** One `event: ticket` of GET /api/live: a ticket's event, no personal data. */
export const liveEventSchema = z
  .object({
    id: z.number().int(),
    ticketId: z.number().int(),
    at: instant,
    type: z.string(),
    fromStatus: z.string().nullable(),
    toStatus: z.string().nullable(),
    unitCode: z.string().nullable(),
    categoryCode: z.string(),
    streetCode: z.string().nullable(),
    districtCode: z.string().nullable(),
  })
  .meta({ id: 'LiveEvent' });
// The stream is not JSON, so the contract test cannot read it: the server's own type must fit the schema.
const _liveEventFits: z.infer<typeof liveEventSchema> = {} as LiveEvent;

const tooLarge: Record<number, Reply> = {
  413: { description: 'the body is over the limit', schema: GATED_ERRORS[401]!.schema },
};
const unsupported: Record<number, Reply> = {
  415: {
    description: 'not text/csv (or multipart/form-data for the history import)',
    schema: GATED_ERRORS[401]!.schema,
  },
};

export const intakeRoutes: RouteContract[] = [
  {
    method: 'POST',
    path: '/api/import/tickets',
    tags: ['intake'],
    summary: 'Historical tickets from CSV through the same intake; a per-row error report',
    bodyType: 'text/csv',
    body: z.string().meta({
      description:
        'CSV with a header row: kind, channel, category, description, address, lon, lat, crs, received_at, …',
    }),
    responses: {
      200: json('the report', csvReportSchema),
      422: json('no row imported: the report says why', csvReportSchema),
      ...tooLarge,
      ...unsupported,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/import/history',
    tags: ['intake'],
    summary: "A city's own ticket history (CSV with a named mapping, or multipart: mapping then file); runs as a job",
    bodyType: 'text/csv',
    query: z.object({ mapping: z.string().optional(), file: z.string().optional() }),
    body: z.string(),
    responses: {
      202: json('the job started', z.looseObject({ id: z.string(), state: jobState, progress, href: z.string() })),
      422: json(
        'refused as a whole',
        z.looseObject({ error: z.looseObject({ code: z.string(), message: z.string() }), id: z.string() }),
      ),
      ...BAD_INPUT,
      ...NOT_FOUND('mapping'),
      ...tooLarge,
      ...unsupported,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/import/history',
    tags: ['intake'],
    summary: 'The latest history import jobs',
    responses: { 200: json('jobs', z.object({ jobs: z.array(importJobSchema) })), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/import/history/:id{[a-z0-9]{6,32}}',
    tags: ['intake'],
    summary: 'One history import job, its progress and report',
    params: z.object({ id: z.string().regex(/^[a-z0-9]{6,32}$/) }),
    responses: {
      200: json('the job', importJobSchema.extend({ report: z.looseObject({}).nullable() })),
      ...NOT_FOUND('import job'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/live',
    tags: ['live'],
    summary: 'Ticket events as server-sent events (resume with Last-Event-ID)',
    responses: {
      200: {
        description:
          'text/event-stream: `event: ticket` lines with the event as JSON; `event: reset` when a resume is too far back',
        contentType: 'text/event-stream',
      },
      ...BAD_INPUT,
      429: { description: 'too many streams for this session', schema: GATED_ERRORS[401]!.schema },
      ...GATED_ERRORS,
    },
  },
];
