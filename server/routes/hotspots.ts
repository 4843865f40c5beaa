import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { code, dateOrInstant, flag, h3Res, intParam, numberParam } from '../analysis/params.ts';
import { emergingH3, h3Hotspots, regionHotspots } from '../analysis/hotspots.ts';
import { answerOnce, computedAtHeader } from '../analysis/answers.ts';
import { analysisErrors } from './analysisErrors.ts';

const window = { from: dateOrInstant.optional(), to: dateOrInstant.optional() };
/** excess (default): observed against expected counts; count: where the tickets are. */
const measure = z.enum(['excess', 'count']).default('excess');
/** Permutations of the count measure's conditional permutation test. */
const permutations = intParam(99, 9999).default(999);

export const h3Query = z.object({
  res: h3Res.default(8),
  k: intParam(1, 3).default(1),
  ...window,
  category: code.optional(),
  district: code.optional(),
  fdr: flag(true),
  measure,
  permutations,
  baseline: z.enum(['none', 'local']).default('none'),
  all: flag(false),
});

export const regionQuery = z.object({
  level: z.enum(['grid', 'street', 'district']),
  ...window,
  category: code.optional(),
  district: code.optional(),
  fdr: flag(true),
  measure,
  permutations,
});

export const emergingQuery = z.object({
  res: h3Res.default(8),
  k: intParam(1, 3).default(1),
  step: z.enum(['week', 'month']).default('month'),
  steps: intParam(3, 104).optional(),
  to: dateOrInstant.optional(),
  category: code.optional(),
  district: code.optional(),
  fdr: flag(true),
  measure,
  baseline: z.enum(['none', 'local']).default('none'),
  trendAlpha: numberParam(0.001, 0.2).default(0.05),
  series: z.enum(['none', 'counts', 'full']).default('counts'),
  all: flag(false),
});

/**
 * GET /api/hotspots?res=7|8|9&k=1..3&from&to&category&district&fdr=true&measure=excess|count&permutations=999&all=false
 *   Hot and cold spots per H3 cell over a window of city days (default: the last 30 days with data):
 *   { res, k, from, to, measure, expected, studyCells, tickets, cutoffs, bins, cells: [{ cell, count, z, p, bin,
 *   expected?, excess?, ratio?, ratioLow?, ratioHigh?, shrunk?, nbCount?, nbExpected? }] }.
 *   measure=excess (default): each neighbourhood's tickets against expected counts (its history at the
 *   city's current level, negative binomial, FDR); count: Gi* on counts, p by conditional permutation.
 *   Cells without tickets and without a significant bin are left out unless all=true.
 * GET /api/hotspots/regions?level=grid|street|district&from&to&category&district&fdr&measure&permutations
 *   The same per region, neighbours by shared border: { regions: [{ code, name, count, z, p, bin, neighbours, … }] }.
 * GET /api/hotspots/emerging?res&k&step=week|month&steps&to&category&district&fdr&measure&trendAlpha&series=none|counts|full&all
 *   Emerging hot spot pattern (17 classes) per cell, with its trend and series; measure=excess
 *   (default) decides on counts against the surroundings with FDR across places, count is EHSA on Gi* z.
 * A district or street principal's maps cover its own region only (`district` outside it: 403).
 */
export const hotspots = new Hono<AppEnv>()
  .get('/', validQuery(h3Query), async (c) =>
    c.json(await h3Hotspots(c.get('reads'), c.req.valid('query'), c.get('principal').scope)),
  )
  .get('/regions', validQuery(regionQuery), async (c) =>
    c.json(await regionHotspots(c.get('reads'), c.req.valid('query'), c.get('principal').scope)),
  )
  .get('/emerging', validQuery(emergingQuery), async (c) => {
    const v = c.req.valid('query');
    const q = { ...v, steps: v.steps ?? (v.step === 'week' ? 52 : 12) };
    const [db, scope] = [c.get('reads'), c.get('principal').scope];
    const a = await answerOnce(db, ['emerging', q, scope], () => emergingH3(db, q, scope));
    return c.json(a.value, 200, computedAtHeader(a));
  })
  .onError(analysisErrors);
