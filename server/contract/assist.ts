// The dispatcher's assistant and the knowledge base (server/routes/assist.ts, rules in
// server/assist/): category suggestions with the units that would receive the call, earlier tickets
// a call repeats, feedback, links, the served model and its retraining; knowledge entries (duties,
// policies, classic cases) to read, write and turn closed tickets into.
import { z } from 'zod';
import { KB_KINDS, kbCaseBody, kbEntryBody, kbPatchBody } from '../assist/kb.ts';
import { duplicatesBody, feedbackBody, kbQuery, linkBody, retrainBody, suggestBody } from '../routes/assist.ts';
import { count, instant } from './common.ts';
import { BAD_INPUT, CONFLICT, GATED_ERRORS, NOT_FOUND, json, ticketIdParams, type RouteContract } from './registry.ts';

export const callSuggestionSchema = z
  .object({
    /** the model version that answered; null: no model yet (nothing suggested) */
    version: z.number().int().nullable(),
    suggestions: z.array(
      z.object({
        code: z.string(),
        nameZh: z.string().nullable(),
        nameEn: z.string().nullable(),
        p: z.number(),
        /** the words that drove it */
        words: z.array(z.string()),
        /** who would receive it here (the dispatch rule); empty without a located point */
        units: z.array(
          z.object({
            unitCode: z.string(),
            unitKind: z.string(),
            role: z.enum(['territorial', 'line']),
            zoneCode: z.string().optional(),
            nameZh: z.string().nullable(),
            nameEn: z.string().nullable(),
          }),
        ),
      }),
    ),
    location: z.object({ districtCode: z.string().nullable(), streetCode: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'CallSuggestion' });

export const repeatCandidateSchema = z.object({
  ticketId: z.number().int(),
  /** the first ticket of its chain: what a new repeat links to */
  root: z.number().int(),
  receivedAt: instant,
  status: z.string(),
  description: z.string(),
  distanceMetres: z.number(),
  similarity: z.number(),
});

export const kbEntrySchema = z
  .object({
    id: z.number().int(),
    kind: z.enum(KB_KINDS),
    title: z.string(),
    body: z.string(),
    category: z.string().nullable(),
    unit: z.string().nullable(),
    /** a case's source ticket; absent for readers below the city level */
    ticketId: z.number().int().nullable().optional(),
    createdBy: z.string(),
    updatedBy: z.string(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'KbEntry' });

export const modelInfoSchema = z
  .object({
    version: z.number().int(),
    trainedAt: instant,
    reason: z.string(),
    lang: z.string(),
    tickets: count,
    durationMs: z.number(),
    /** accuracy against the baselines on the latest months, returns avoided, operators' corrections; null when the history was too short */
    evaluation: z.looseObject({ tickets: count, trainedOn: count, evalFrom: instant, evalTo: instant }).nullable(),
  })
  .meta({ id: 'AssistModel' });

const kbIdParams = z.object({
  id: z.coerce.number().int().min(1).meta({ description: 'knowledge entry id', example: 1 }),
});
const tags = ['assistant'];
const kbTags = ['knowledge'];

export const assistRoutes: RouteContract[] = [
  {
    method: 'POST',
    path: '/api/assist/suggest',
    tags,
    summary: "A call's top 3 categories, the words behind them and the units that would receive it",
    body: suggestBody,
    responses: { 200: json('the suggestion', callSuggestionSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/assist/duplicates',
    tags,
    summary: 'Earlier tickets of the category near the point, with words like the call (repeats to link)',
    body: duplicatesBody,
    responses: {
      200: json(
        'the candidates, best first',
        z.object({ windowDays: count, candidates: z.array(repeatCandidateSchema) }),
      ),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/assist/feedback',
    tags,
    summary: 'What the operator chose of a suggestion (corrections are counted)',
    body: feedbackBody,
    responses: {
      201: json(
        "recorded: the chosen category's rank among those suggested (null: none of them)",
        z.object({ rank: z.number().int().min(1).max(3).nullable() }),
      ),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/assist/link',
    tags,
    summary: "Link a ticket to an earlier one of the same category it repeats (to its chain's first)",
    body: linkBody,
    responses: {
      200: json('linked', z.object({ ticketId: z.number().int(), repeatOf: z.number().int() })),
      ...BAD_INPUT,
      ...NOT_FOUND('ticket'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/assist/tickets/:id{[0-9]+}',
    tags,
    summary: 'For an existing ticket: the suggestion, earlier tickets it may repeat and the knowledge of its category',
    params: ticketIdParams,
    responses: {
      200: json(
        'the assistance',
        z.object({
          ticketId: z.number().int(),
          categoryCode: z.string(),
          suggestion: callSuggestionSchema,
          repeats: z.array(repeatCandidateSchema),
          knowledge: z.array(kbEntrySchema),
        }),
      ),
      ...NOT_FOUND('ticket'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/assist/model',
    tags,
    summary: 'The served category model: version, training and evaluation',
    responses: {
      200: json('the model (null: none yet)', z.object({ training: z.boolean(), model: modelInfoSchema.nullable() })),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/assist/retrain',
    tags,
    summary: 'Retrain the category model now, in the background (audited)',
    body: retrainBody,
    responses: {
      202: json(
        'training started (or already running)',
        z.object({ training: z.literal(true), alreadyRunning: z.boolean() }),
      ),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/kb',
    tags: kbTags,
    summary: 'Knowledge entries matching the words (best first), or the latest; of a kind or category',
    query: kbQuery,
    responses: {
      200: json('the entries', z.object({ entries: z.array(kbEntrySchema.extend({ rank: z.number() })) })),
      ...BAD_INPUT,
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/kb/:id{[0-9]+}',
    tags: kbTags,
    summary: 'One knowledge entry',
    params: kbIdParams,
    responses: { 200: json('the entry', kbEntrySchema), ...NOT_FOUND('knowledge entry'), ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/kb',
    tags: kbTags,
    summary: 'Write a duty or policy entry (audited)',
    body: kbEntryBody,
    responses: { 201: json('written', kbEntrySchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/kb/cases',
    tags: kbTags,
    summary: 'Turn a closed ticket into a classic case, anonymised (audited)',
    body: kbCaseBody,
    responses: {
      201: json('the case', kbEntrySchema),
      ...BAD_INPUT,
      ...NOT_FOUND('ticket'),
      ...CONFLICT('the ticket is not closed, or is already a case'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'PUT',
    path: '/api/kb/:id{[0-9]+}',
    tags: kbTags,
    summary: "Change an entry's title, body, category or unit (audited)",
    params: kbIdParams,
    body: kbPatchBody,
    responses: {
      200: json('the entry as changed', kbEntrySchema),
      ...BAD_INPUT,
      ...NOT_FOUND('knowledge entry'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'DELETE',
    path: '/api/kb/:id{[0-9]+}',
    tags: kbTags,
    summary: 'Delete an entry (audited)',
    params: kbIdParams,
    responses: {
      200: json('deleted', z.object({ deleted: z.number().int() })),
      ...NOT_FOUND('knowledge entry'),
      ...GATED_ERRORS,
    },
  },
];
