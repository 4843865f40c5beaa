// The three rates, the monthly ranking and the reports: /api/ranking/*, /api/reports/*.
// Nested rows are described by the fields a reader relies on and stay open to more (looseObject).
import { z } from 'zod';
import { rankingPolicySchema } from '../ranking/policy.ts';
import type { DrillResult, MonthsResult, RankingResult, UnitProfile, WhatIfResponse } from '../ranking/service.ts';
import { DRILL_PARTS, DRILL_RATES, RANKING_TABLES } from '../ranking/sql.ts';
import type { AnnualReport, DailyReport, MonthlyBulletin, WeeklyReport } from '../reports/build.ts';
import { drillQuery, profileQuery, rankingQuery, whatIfQuery } from '../routes/ranking.ts';
import { count, instant, month, type Fits } from './common.ts';
import { BAD_INPUT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

export const rateSchema = z
  .object({
    numerator: z.number().min(0).meta({ description: 'weighted for satisfaction (basic counts part)' }),
    denominator: count,
    percent: z.number().nullable(),
  })
  .meta({ id: 'Rate' });
export const unitCountsSchema = z
  .looseObject({
    volume: count,
    dispatched: count,
    respondedInTime: count,
    calledBack: count,
    solved: count,
    satisfied: count,
    basic: count,
    dissatisfied: count,
    unjustifiedReturns: count,
    /** called back without a verdict */
    unrated: count,
  })
  .meta({ id: 'UnitCounts' });
export const unitClassSchema = z.enum(['advanced', 'progressing', 'rectification', 'governance']);
const rankingTable = z.enum(RANKING_TABLES);
export const unitInfoSchema = z
  .looseObject({
    code: z.string(),
    table: rankingTable,
    nameZh: z.string(),
    nameEn: z.string(),
    parentCode: z.string().nullable(),
    parentNameZh: z.string().nullable(),
    parentNameEn: z.string().nullable(),
    population: z.number().nullable(),
  })
  .meta({ id: 'RankingUnit' });
const monthStatus = z.enum(['open', 'closed']);
const period = z.object({ from: instant, to: instant });
const unranked = z.enum(['noScore', 'smallSample']).nullable();
const rates = { response: rateSchema, resolution: rateSchema, satisfaction: rateSchema, counts: unitCountsSchema };

export const rankingRowSchema = z
  .looseObject({
    code: z.string(),
    nameZh: z.string().nullable(),
    nameEn: z.string().nullable(),
    parentCode: z.string().nullable(),
    parentNameZh: z.string().nullable(),
    parentNameEn: z.string().nullable(),
    rank: z.number().int().nullable(),
    /** why there is no rank */
    unranked,
    previousRank: z.number().int().nullable(),
    rankChange: z.number().int().nullable(),
    score: z.number().nullable(),
    composite: z.number().nullable(),
    ...rates,
    penalty: z.number(),
    volume: count,
    population: z.number().nullable(),
    volumePer10k: z.number().nullable(),
    classes: z.array(unitClassSchema),
    eligible: z.boolean(),
    redZone: z.boolean(),
    rectificationStreak: count,
    /** the score shrunk toward the table's mean (display only) */
    shrunk: z.object({ score: z.number(), weight: z.number(), flagged: z.boolean() }).nullable().optional(),
  })
  .meta({ id: 'RankingRow' });
export const moverSchema = z
  .looseObject({
    code: z.string(),
    nameZh: z.string().nullable(),
    nameEn: z.string().nullable(),
    rank: z.number().int().nullable(),
    previousRank: z.number().int().nullable(),
    rankChange: z.number().int(),
    eligible: z.boolean(),
  })
  .meta({ id: 'RankingMover' });
const perClass = <T extends z.ZodType>(v: T) =>
  z.object({ advanced: v, progressing: v, rectification: v, governance: v });
export const rankingSchema = z
  .looseObject({
    table: rankingTable,
    month,
    status: monthStatus,
    timeZone: z.string(),
    period,
    hasData: z.boolean(),
    policy: rankingPolicySchema,
    governanceBasis: z.enum(['per10k', 'volume']),
    units: count,
    ranked: count,
    classes: perClass(z.array(z.string())),
    classPlaces: perClass(count),
    redZone: z.array(z.string()),
    movers: z.object({ up: z.array(moverSchema), down: z.array(moverSchema) }),
    shrinkage: z.object({ mean: z.number().nullable(), priorCallbacks: z.number().nullable() }),
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
export const profilePointSchema = z
  .looseObject({
    month,
    status: monthStatus,
    rank: z.number().int().nullable(),
    unranked,
    previousRank: z.number().int().nullable(),
    rankChange: z.number().int().nullable(),
    score: z.number().nullable(),
    ...rates,
    volume: count,
    volumePer10k: z.number().nullable(),
    classes: z.array(unitClassSchema),
    redZone: z.boolean(),
    rectificationStreak: count,
    /** the table's size that month ("12th of 339") */
    unitsInTable: count,
    rankedInTable: count,
  })
  .meta({ id: 'ProfilePoint' });
export const unitProfileSchema = z
  .looseObject({
    unit: unitInfoSchema,
    timeZone: z.string(),
    months: z.array(month),
    series: z.array(profilePointSchema),
  })
  .meta({ id: 'UnitProfile' });
export const drillTicketSchema = z
  .looseObject({
    id: z.number().int(),
    kind: z.string(),
    categoryCode: z.string(),
    categoryNameZh: z.string().nullable(),
    categoryNameEn: z.string().nullable(),
    urgency: z.string(),
    status: z.string(),
    receivedAt: instant,
    streetCode: z.string().nullable(),
    districtCode: z.string().nullable(),
    dispatchedAt: instant.nullable(),
    acceptedAt: instant.nullable(),
    respondDueAt: instant.nullable(),
    respondedInTime: z.boolean().nullable(),
    callbackAt: instant.nullable(),
    solved: z.boolean().nullable(),
    satisfaction: z.string().nullable(),
    /** what the ticket adds to the figure */
    contribution: z.number(),
  })
  .meta({ id: 'DrillTicket' });
export const drillSchema = z
  .looseObject({
    unit: unitInfoSchema,
    month,
    rate: z.enum(DRILL_RATES),
    part: z.enum(DRILL_PARTS),
    period,
    value: z.number(),
    total: count,
    limit: count,
    offset: count,
    tickets: z.array(drillTicketSchema),
  })
  .meta({ id: 'Drill' });
const fix = z.enum(['respondInTime', 'solve', 'satisfy', 'basicToSatisfied', 'removeUnjustifiedReturns']);
export const whatIfScenarioSchema = z.looseObject({
  fix,
  k: z.number().int(),
  all: z.boolean(),
  score: z.number().nullable(),
  pointsGained: z.number().nullable(),
  rank: z.number().int().nullable(),
  placesGained: z.number().int().nullable(),
});
export const whatIfLeverSchema = z.looseObject({
  fix,
  pool: count,
  pointsPerTicket: z.number().nullable(),
  tickets: z.array(drillTicketSchema),
});
export const whatIfSchema = z
  .looseObject({
    unit: unitInfoSchema,
    month,
    score: z.number().nullable(),
    rank: z.number().int().nullable(),
    ranked: count,
    pointsToNextPlace: z.number().nullable(),
    scenarios: z.array(whatIfScenarioSchema),
    levers: z.array(whatIfLeverSchema),
  })
  .meta({ id: 'WhatIf' });

export const figuresSchema = z.looseObject({ ...rates, score: z.number().nullable() }).meta({ id: 'Figures' });
const basis = z.enum(['seasonal', 'recent']);
const reportBase = {
  jurisdiction: z.union([
    z.object({ level: z.literal('city') }),
    z.object({ level: z.enum(['district', 'street']), code: z.string() }),
  ]),
  label: z.string(),
  timeZone: z.string(),
  period,
  status: monthStatus,
  generatedAt: instant,
  city: figuresSchema,
  previous: figuresSchema,
  baseline: z.object({ from: instant, to: instant, label: z.string() }),
  expectedBasis: z.object({
    basis,
    lastYear: z.object({ from: instant, to: instant }).nullable(),
    growth: z.number().nullable(),
  }),
  categories: z.array(
    z.looseObject({
      code: z.string(),
      nameZh: z.string(),
      nameEn: z.string(),
      groupCode: z.string().nullable(),
      current: count,
      expected: z.number(),
      change: z.number().nullable(),
    }),
  ),
  warnings: z.array(
    z.looseObject({
      categoryCode: z.string(),
      categoryNameZh: z.string(),
      categoryNameEn: z.string(),
      districtCode: z.string().nullable(),
      districtNameZh: z.string().nullable(),
      districtNameEn: z.string().nullable(),
      current: count,
      baseline: z.number(),
      lastYear: z.number().nullable().optional(),
      expected: z.number(),
      basis,
      ratio: z.number(),
      p: z.number(),
      level: z.enum(['new', 'rising']),
    }),
  ),
};
const asOf = {
  asOf: instant,
  comparison: z.enum(['full-period', 'same-time-to-date']),
  backlog: z.looseObject({ asOf: instant, open: count, overdue: count, urgent: count }),
};
const intake = z.looseObject({
  total: count,
  byKind: z.record(z.string(), count),
  byChannel: z.record(z.string(), count),
});
const annualRow = rankingRowSchema.extend({
  classMonths: z.object({
    advanced: count,
    progressing: count,
    rectification: count,
    governance: count,
    redZone: count,
  }),
});
export const reportSchemas = {
  daily: z
    .looseObject({
      kind: z.literal('daily'),
      date: z.string(),
      ...reportBase,
      ...asOf,
      intake,
      overdueOpen: count,
      districts: z.array(rankingRowSchema),
    })
    .meta({ id: 'DailyReport' }),
  weekly: z
    .looseObject({
      kind: z.literal('weekly'),
      week: z.string(),
      ...reportBase,
      ...asOf,
      days: z.array(figuresSchema.extend({ date: z.string() })),
      intake,
      overdueOpen: count,
      districts: z.array(rankingRowSchema),
      streets: z.object({ ranked: count, best: z.array(rankingRowSchema), worst: z.array(rankingRowSchema) }),
    })
    .meta({ id: 'WeeklyReport' }),
  monthly: z
    .looseObject({
      kind: z.literal('monthly'),
      month,
      ...reportBase,
      streets: rankingSchema,
      districts: rankingSchema,
      departments: rankingSchema,
      utilities: rankingSchema,
    })
    .meta({ id: 'MonthlyBulletin' }),
  annual: z
    .looseObject({
      kind: z.literal('annual'),
      year: z.number().int(),
      ...reportBase,
      months: z.array(figuresSchema.extend({ month })),
      streets: z.array(annualRow),
      districts: z.array(annualRow),
      departments: z.array(annualRow),
      utilities: z.array(annualRow),
    })
    .meta({ id: 'AnnualReport' }),
};

// What the services return fits the schemas (the contract test's small demo leaves some lists empty).
export type _RankingFits = [
  Fits<RankingResult, z.infer<typeof rankingSchema>>,
  Fits<MonthsResult, z.infer<typeof monthsSchema>>,
  Fits<UnitProfile, z.infer<typeof unitProfileSchema>>,
  Fits<DrillResult, z.infer<typeof drillSchema>>,
  Fits<WhatIfResponse, z.infer<typeof whatIfSchema>>,
  Fits<DailyReport, z.infer<typeof reportSchemas.daily>>,
  Fits<WeeklyReport, z.infer<typeof reportSchemas.weekly>>,
  Fits<MonthlyBulletin, z.infer<typeof reportSchemas.monthly>>,
  Fits<AnnualReport, z.infer<typeof reportSchemas.annual>>,
];

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
