// The planners' analyses: hot spots, emerging patterns, recurring clusters, topics, forecast
// (server/routes/{hotspots,clusters,topics,forecast}.ts). Each answer echoes its parameters and
// carries its rows; rows are described by the fields a reader relies on, open to more.
import { z } from 'zod';
import { query as clustersQuery } from '../routes/clusters.ts';
import { backtestQuery, forecastQuery, interventionBody } from '../routes/forecast.ts';
import { emergingQuery, h3Query, regionQuery } from '../routes/hotspots.ts';
import { query as topicsQuery } from '../routes/topics.ts';
import { count, day, instant, month, polygon } from './common.ts';

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
  expected: z.number(),
  excess: z.number(),
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

export const hotspotSchema = z
  .looseObject({
    res: z.number().int(),
    k: z.number().int(),
    ...echo,
    studyCells: count,
    tickets: count,
    bins,
    cells: z.array(z.looseObject({ cell: h3, count, ...giStar })),
  })
  .meta({ id: 'Hotspots' });
export const regionHotspotSchema = z
  .looseObject({
    level: z.enum(['district', 'street']),
    ...echo,
    tickets: count,
    bins,
    regions: z.array(z.looseObject({ code: z.string(), name: z.string(), nameEn: z.string(), count, ...giStar })),
  })
  .meta({ id: 'RegionHotspots' });
export const emergingSchema = z
  .looseObject({
    res: z.number().int(),
    step: z.enum(['week', 'month']),
    steps: z.number().int(),
    ...echo,
    stepStarts: z.array(z.string()),
    patterns: z.array(
      z.looseObject({ id: z.string(), zh: z.string(), en: z.string(), colour: z.string(), cells: count }),
    ),
    cells: z.array(z.looseObject({ cell: h3, pattern: z.string(), total: count })),
  })
  .meta({ id: 'Emerging' });
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
        pattern: z.string(),
      }),
    ),
  })
  .meta({ id: 'Clusters' });
export const topicsSchema = z
  .looseObject({
    month,
    window: z.object({ from: bound, to: bound }),
    weights: z.record(z.string(), z.number()),
    candidatesConsidered: count,
    candidates: z.array(
      z.looseObject({
        rank: z.number().int(),
        category: categoryRef,
        score: z.number(),
        tickets: z.looseObject({ month: count }),
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
    categories: z.array(z.looseObject({ code: z.string(), expected: z.number() })),
    cells: z.array(z.looseObject({ cell: h3, expected: z.number() })),
    workList: z.array(z.looseObject({ rank: z.number().int(), cell: h3, category: categoryRef, expected: z.number() })),
  })
  .meta({ id: 'Forecast' });
export const backtestSchema = z
  .looseObject({
    res: z.number().int(),
    k: z.number().int(),
    months: z.array(z.looseObject({ month, forecast: z.number().nullable() })),
    beatsAllBaselines: z.boolean(),
  })
  .meta({ id: 'Backtest' });
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
