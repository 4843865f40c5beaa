// The three rates, the monthly ranking and the reports: /api/ranking/*, /api/reports/*.
// Nested rows are described by the fields a reader relies on and stay open to more (looseObject).
import { z } from 'zod';
import { RANKING_TABLES } from '../ranking/sql.ts';
import { drillQuery, profileQuery, rankingQuery, whatIfQuery } from '../routes/ranking.ts';
import { count, instant, month } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

export const rateSchema = z.object({
  numerator: z.number().min(0).meta({ description: 'weighted for satisfaction (basic counts part)' }),
  denominator: count,
  percent: z.number().nullable(),
});
export const unitCountsSchema = z.looseObject({
  volume: count,
  dispatched: count,
  respondedInTime: count,
  calledBack: count,
  solved: count,
  satisfied: count,
  basic: count,
  dissatisfied: count,
  unjustifiedReturns: count,
});
const unitInfo = z.looseObject({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  parentCode: z.string().nullable(),
  table: z.enum(RANKING_TABLES),
});
const monthStatus = z.enum(['open', 'closed']);
const period = z.object({ from: instant, to: instant });

export const rankingRowSchema = z.looseObject({
  code: z.string(),
  nameZh: z.string(),
  nameEn: z.string(),
  rank: z.number().int().nullable(),
  score: z.number().nullable(),
  response: rateSchema,
  resolution: rateSchema,
  satisfaction: rateSchema,
  counts: unitCountsSchema,
});
export const rankingSchema = z
  .looseObject({
    table: z.enum(RANKING_TABLES),
    month,
    status: monthStatus,
    timeZone: z.string(),
    period,
    hasData: z.boolean(),
    policy: z.looseObject({
      weights: z.looseObject({ response: z.number(), resolution: z.number(), satisfaction: z.number() }),
    }),
    units: count,
    ranked: count,
    classes: z.record(z.string(), z.array(z.string())),
    movers: z.object({
      up: z.array(z.looseObject({ code: z.string() })),
      down: z.array(z.looseObject({ code: z.string() })),
    }),
    rows: z.array(rankingRowSchema),
  })
  .meta({ id: 'Ranking' });
export const monthsSchema = z
  .object({
    timeZone: z.string(),
    first: month.nullable(),
    last: month.nullable(),
    latestClosed: month.nullable(),
    months: z.array(z.object({ month, status: monthStatus })),
  })
  .meta({ id: 'RankingMonths' });
export const unitProfileSchema = z
  .looseObject({
    unit: unitInfo,
    timeZone: z.string(),
    months: z.array(month),
    series: z.array(
      z.looseObject({
        month,
        status: monthStatus,
        rank: z.number().int().nullable(),
        score: z.number().nullable(),
        response: rateSchema,
        resolution: rateSchema,
        satisfaction: rateSchema,
        counts: unitCountsSchema,
      }),
    ),
  })
  .meta({ id: 'UnitProfile' });
export const drillSchema = z
  .looseObject({ unit: unitInfo, month, total: count, tickets: z.array(z.looseObject({ id: z.number().int() })) })
  .meta({ id: 'Drill' });
export const whatIfSchema = z
  .looseObject({
    unit: unitInfo,
    month,
    score: z.number().nullable(),
    rank: z.number().int().nullable(),
    ranked: count,
    scenarios: z.array(z.looseObject({})),
    levers: z.array(z.looseObject({})),
  })
  .meta({ id: 'WhatIf' });

const figures = z.looseObject({
  counts: unitCountsSchema,
  response: rateSchema,
  resolution: rateSchema,
  satisfaction: rateSchema,
  score: z.number().nullable(),
});
const reportBase = {
  jurisdiction: z.looseObject({ level: z.string() }),
  label: z.string(),
  timeZone: z.string(),
  period,
  status: monthStatus,
  generatedAt: instant,
  city: figures,
  previous: figures.nullable(),
  categories: z.array(z.looseObject({})),
  warnings: z.array(z.looseObject({})),
};
export const reportSchemas = {
  daily: z.looseObject({ kind: z.literal('daily'), date: z.string(), ...reportBase }).meta({ id: 'DailyReport' }),
  weekly: z.looseObject({ kind: z.literal('weekly'), week: z.string(), ...reportBase }).meta({ id: 'WeeklyReport' }),
  monthly: z
    .looseObject({ kind: z.literal('monthly'), month, ...reportBase, streets: rankingSchema, districts: rankingSchema })
    .meta({ id: 'MonthlyBulletin' }),
  annual: z
    .looseObject({
      kind: z.literal('annual'),
      year: z.number().int(),
      ...reportBase,
      months: z.array(z.looseObject({})),
    })
    .meta({ id: 'AnnualReport' }),
};

const code = z.object({ code: z.string().meta({ example: '110105004' }) });
const lang = z.enum(['zh', 'en']).default('zh');
const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const report = (
  kind: keyof typeof reportSchemas,
  param: string,
  formats: readonly string[],
  summary: string,
): RouteContract => ({
  method: 'GET',
  path: `/api/reports/${kind}`,
  tags: ['reports'],
  summary,
  query: z.object({
    [param]: z.string().optional(),
    format: z.enum(formats as [string, ...string[]]).default('json'),
    lang,
  }),
  responses: {
    200: json(
      `the report as JSON (format=xlsx: ${xlsx}${formats.includes('html') ? '; format=html: a printable page' : ''})`,
      reportSchemas[kind],
    ),
    ...BAD_INPUT,
    ...GATED_ERRORS,
  },
});

export const rankingRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/ranking',
    tags: ['ranking'],
    summary: "A month's ranking of one table (street, district, department, utility)",
    query: rankingQuery,
    responses: { 200: json('the ranking', rankingSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/ranking/months',
    tags: ['ranking'],
    summary: 'The months that have rankings, open or closed',
    responses: { 200: json('months', monthsSchema), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/ranking/units/:code',
    tags: ['ranking'],
    summary: "A unit's monthly scores",
    params: code,
    query: profileQuery,
    responses: { 200: json('the profile', unitProfileSchema), ...BAD_INPUT, ...NOT_FOUND('unit'), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/ranking/units/:code/drill',
    tags: ['ranking'],
    summary: "The tickets behind one part of a unit's rate",
    params: code,
    query: drillQuery,
    responses: { 200: json('tickets', drillSchema), ...BAD_INPUT, ...NOT_FOUND('unit'), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/ranking/units/:code/what-if',
    tags: ['ranking'],
    summary: "What would change the unit's score: scenarios and levers",
    params: code,
    query: whatIfQuery,
    responses: { 200: json('scenarios', whatIfSchema), ...BAD_INPUT, ...NOT_FOUND('unit'), ...GATED_ERRORS },
  },
  report('daily', 'date', ['json', 'xlsx'], 'The daily report (YYYY-MM-DD)'),
  report('weekly', 'week', ['json', 'xlsx'], 'The weekly report (ISO week YYYY-Www)'),
  report(
    'monthly',
    'month',
    ['json', 'xlsx', 'html'],
    'The monthly bulletin (YYYY-MM): ranking, classes, movers, red zone',
  ),
  report('annual', 'year', ['json', 'xlsx'], 'The annual report (YYYY)'),
];
