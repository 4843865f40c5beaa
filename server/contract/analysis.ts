// The planners' analyses: hot spots, emerging patterns, recurring clusters, topics, forecast
// (server/routes/{hotspots,clusters,topics,forecast}.ts). Each answer echoes its parameters and
// carries its rows; rows are described by the fields a reader relies on, open to more.
import { z } from 'zod';
import { query as clustersQuery } from '../routes/clusters.ts';
import { backtestQuery, forecastQuery, interventionBody } from '../routes/forecast.ts';
import { emergingQuery, h3Query, regionQuery } from '../routes/hotspots.ts';
import { query as topicsQuery } from '../routes/topics.ts';
import type { forecast, forecastBacktest } from '../analysis/forecast.ts';
import type { emergingH3, h3Hotspots, regionHotspots } from '../analysis/hotspots.ts';
import type { topicCandidates } from '../analysis/topics.ts';
import { count, day, instant, month, polygon, type Fits } from './common.ts';

/** The window as asked: a day (YYYY-MM-DD) or an instant. */
const bound = day;
import { BAD_INPUT, GATED_ERRORS, json, type RouteContract } from './registry.ts';

const h3 = z
  .string()
  .regex(/^[0-9a-f]{15}$/)
  .meta({ example: '8831aa5551fffff' });
const bins = z.record(z.string(), count).meta({ description: 'cells per Gi* confidence bin, -3 … 3' });
const giStar = {
  z: z.number(),
  p: z.number(),
  bin: z.number().int().min(-3).max(3),
  /** with measure=excess */
  expected: z.number().optional(),
  excess: z.number().optional(),
};
const echo = {
  from: bound,
  to: bound,
  category: z.string().nullable(),
  district: z.string().nullable(),
  fdr: z.boolean(),
  measure: z.enum(['excess', 'count']),
};
const categoryRef = z.looseObject({ code: z.string(), nameZh: z.string(), nameEn: z.string() });

const cellFields = {
  cell: h3,
  count,
  ...giStar,
  /** observed ÷ expected and its interval (null where nothing was expected) */
  ratio: z.number().nullable().optional(),
  ratioLow: z.number().nullable().optional(),
  ratioHigh: z.number().nullable().optional(),
};
export const hotspotSchema = z
  .looseObject({
    res: z.number().int(),
    k: z.number().int(),
    ...echo,
    street: z.string().optional(),
    studyCells: count,
    tickets: count,
    degenerate: z.string().nullable(),
    bins,
    cells: z.array(z.looseObject(cellFields)),
  })
  .meta({ id: 'Hotspots' });
export const regionHotspotSchema = z
  .looseObject({
    level: z.enum(['district', 'street', 'grid']),
    ...echo,
    tickets: count,
    degenerate: z.string().nullable(),
    bins,
    regions: z.array(
      z.looseObject({
        code: z.string(),
        name: z.string(),
        nameEn: z.string(),
        parentCode: z.string().nullable(),
        count,
        ...giStar,
      }),
    ),
  })
  .meta({ id: 'RegionHotspots' });
const pattern = z.looseObject({ id: z.string(), zh: z.string(), en: z.string(), colour: z.string() });
const trendTest = z.looseObject({ z: z.number(), p: z.number() });
export const emergingSchema = z
  .looseObject({
    res: z.number().int(),
    step: z.enum(['week', 'month']),
    steps: z.number().int(),
    ...echo,
    stepStarts: z.array(z.string()),
    patterns: z.array(pattern.extend({ cells: count })),
    cells: z.array(
      z.looseObject({
        cell: h3,
        pattern: z.string(),
        zh: z.string(),
        en: z.string(),
        trend: trendTest,
        countTrend: trendTest.extend({ direction: z.string() }),
        total: count,
        /** with series=counts: per step */
        counts: z.array(count).optional(),
        bins: z.array(z.number().int()).optional(),
      }),
    ),
  })
  .meta({ id: 'Emerging' });
const share = z.number().nullable();
const bilingual = z.object({ zh: z.string(), en: z.string() });
const monthCount = z.tuple([z.string(), count]);
export const clustersSchema = z
  .looseObject({
    from: bound,
    to: bound,
    found: count,
    recurring: count,
    clusters: z.array(
      z.looseObject({
        id: z.string(),
        category: categoryRef,
        tickets: count,
        centroid: z.tuple([z.number(), z.number()]),
        cell: h3,
        extent: polygon,
        radiusMetres: z.number(),
        firstSeen: instant,
        lastSeen: instant,
        weeks: count,
        lift: z.number().nullable(),
        p: z.number().nullable(),
        pattern: z.enum(['seasonal', 'steady', 'growing']),
        patternLabel: bilingual,
        timeline: z.object({ months: z.array(monthCount), weeks: z.array(monthCount) }),
        streets: z.array(z.object({ code: z.string(), name: z.string(), nameEn: z.string(), tickets: count })),
        department: z.string().nullable(),
        departmentName: bilingual.nullable(),
        calledBack: count,
        shareSolved: share,
        shareSatisfied: share,
        repeats: z.looseObject({
          repeatOf: z.array(
            z.object({ id: z.number().int(), repeatOf: z.number().int().nullable(), repeatOfInside: z.boolean() }),
          ),
          sameAddress: z.array(z.array(z.number().int())),
          sameCaller: z.array(z.array(z.number().int())),
        }),
      }),
    ),
  })
  .meta({ id: 'Clusters' });
/** the value and its percentile rank among the candidates (0–1) */
const component = z.object({ value: z.number().nullable(), rank: z.number() });
export const topicsSchema = z
  .looseObject({
    month,
    window: z.object({ from: bound, to: bound }),
    district: z.string().nullable(),
    street: z.string().optional(),
    weights: z.record(z.string(), z.number()),
    yearOnYear: z.boolean(),
    candidatesConsidered: count,
    candidates: z.array(
      z.looseObject({
        rank: z.number().int(),
        category: categoryRef,
        department: z.object({ code: z.string(), zh: z.string(), en: z.string() }).nullable(),
        score: z.number(),
        components: z.object({
          volume: component,
          growth: component,
          spread: component,
          unresolved: component,
          dissatisfied: component,
          recurrence: component,
        }),
        tickets: z.looseObject({
          month: count,
          window: count,
          lastYearWindow: count.nullable(),
          previousWindow: count,
        }),
        resolutionRate: share,
        satisfactionRate: share,
        repeats: count,
        coveredLastYear: count,
        recurringPlaces: count,
        recurringPlaceTickets: count,
        /** [month, tickets] for the last months; null before the data begins */
        trend: z.array(z.tuple([month, count.nullable()])),
        topStreets: z.array(
          z.object({ code: z.string(), name: z.string(), nameEn: z.string(), tickets: count, share: z.number() }),
        ),
        topCells: z.array(z.object({ cell: h3, tickets: count })),
        map: z.string(),
      }),
    ),
  })
  .meta({ id: 'Topics' });
export const forecastSchema = z
  .looseObject({
    month,
    months: z.array(month),
    res: z.number().int(),
    model: z.string(),
    categories: z.array(
      z.looseObject({ code: z.string(), nameZh: z.string(), nameEn: z.string(), expected: z.number() }),
    ),
    cells: z.array(z.looseObject({ cell: h3, expected: z.number(), actual: count.optional() })),
    workList: z.array(
      z.looseObject({
        rank: z.number().int(),
        cell: h3,
        centroid: z.tuple([z.number(), z.number()]),
        street: z.object({ code: z.string(), name: z.string(), districtCode: z.string().nullable() }).nullable(),
        category: categoryRef,
        department: z.string().nullable(),
        departmentName: bilingual.nullable(),
        expected: z.number(),
        lastMonth: count,
        sameMonthLastYear: count.nullable(),
        avoidable: z.number(),
      }),
    ),
  })
  .meta({ id: 'Forecast' });
const errors = {
  forecast: z.number().nullable(),
  lastMonth: z.number().nullable(),
  sameMonthLastYear: z.number().nullable(),
  priorMean: z.number().nullable(),
  seasonalNaive: z.number().nullable(),
};
const versus = z.object({
  months: count,
  difference: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  p: z.number().nullable(),
});
export const backtestSchema = z
  .looseObject({
    res: z.number().int(),
    k: z.number().int(),
    /** per month: each method's error (null where it has no forecast) */
    months: z.array(z.looseObject({ month, ...errors })),
    mean: z.object({ months: count, ...errors }),
    meanWhereSeasonal: z.object({ months: count, ...errors }),
    comparison: z.object({
      lastMonth: versus,
      sameMonthLastYear: versus,
      priorMean: versus,
      seasonalNaive: versus,
    }),
    beatsAllBaselines: z.boolean(),
  })
  .meta({ id: 'Backtest' });
type Out<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
// What the analyses return fits their schemas (checked by the compiler: the contract test's small city
// leaves some lists short or empty). The clusters are left out: their extent is typed loosely there.
export type _AnalysesFit = [
  Fits<Out<typeof h3Hotspots>, z.infer<typeof hotspotSchema>>,
  Fits<Out<typeof regionHotspots>, z.infer<typeof regionHotspotSchema>>,
  Fits<Out<typeof emergingH3>, z.infer<typeof emergingSchema>>,
  Fits<Out<typeof topicCandidates>, z.infer<typeof topicsSchema>>,
  Fits<Out<typeof forecast>, z.infer<typeof forecastSchema>>,
  Fits<Out<typeof forecastBacktest>, z.infer<typeof backtestSchema>>,
];

export const interventionSchema = z.looseObject({}).meta({
  id: 'InterventionEffect',
  description: 'before/after at the treated cells against matched untreated cells (difference in differences)',
});

export const analysisRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/hotspots',
    tags: ['analysis'],
    summary: 'Hot spots: Getis-Ord Gi* over H3 cells, excess over the expected count',
    query: h3Query,
    responses: { 200: json('cells', hotspotSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/hotspots/regions',
    tags: ['analysis'],
    summary: 'Hot spots over districts or streets',
    query: regionQuery,
    responses: { 200: json('regions', regionHotspotSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/hotspots/emerging',
    tags: ['analysis'],
    summary: 'Emerging hot spots: space-time patterns per cell',
    query: emergingQuery,
    responses: { 200: json('patterns', emergingSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/clusters',
    tags: ['analysis'],
    summary: 'Recurring clusters: the same problem at the same place, week after week',
    query: clustersQuery,
    responses: { 200: json('clusters', clustersSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/topics',
    tags: ['analysis'],
    summary: 'Topic candidates for the month (每月一题), scored',
    query: topicsQuery,
    responses: { 200: json('candidates', topicsSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/forecast',
    tags: ['analysis'],
    summary: 'Expected tickets per cell and category, and a work list',
    query: forecastQuery,
    responses: { 200: json('forecast', forecastSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/forecast/backtest',
    tags: ['analysis'],
    summary: 'The forecast against naive baselines on past months',
    query: backtestQuery,
    responses: { 200: json('backtest', backtestSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/forecast/intervention-effect',
    tags: ['analysis'],
    summary: 'Did an intervention at these cells change the count?',
    body: interventionBody,
    responses: { 200: json('the estimate', interventionSchema), ...BAD_INPUT, ...GATED_ERRORS },
  },
];
