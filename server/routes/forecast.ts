import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validJson, validQuery } from '../validate.ts';
import { code, h3Res, intParam, monthParam, numberParam } from '../analysis/params.ts';
import { isDate } from '../analysis/calendar.ts';
import { DEFAULT_AVOIDABLE_SHARE, forecast, forecastBacktest, measureIntervention } from '../analysis/forecast.ts';
import { answerOnce, computedAtHeader } from '../analysis/answers.ts';
import { analysisErrors } from './analysisErrors.ts';

export const forecastQuery = z.object({
  month: monthParam.optional(),
  res: h3Res.default(8),
  horizon: intParam(1, 3).default(1),
  category: code.optional(),
  district: code.optional(),
  limit: intParam(1, 1000).default(50),
  avoidableShare: numberParam(0, 1).default(DEFAULT_AVOIDABLE_SHARE),
});

export const backtestQuery = z.object({
  res: h3Res.default(8),
  k: intParam(1, 1000).default(50),
  unit: z.enum(['cell', 'cellCategory']).default('cell'),
  from: monthParam.optional(),
  to: monthParam.optional(),
  category: code.optional(),
  district: code.optional(),
});

// Strict like the other write bodies: a misspelt key (e.g. `windowdays`) must not fall back to a default silently.
export const interventionBody = z.strictObject({
  cells: z
    .array(z.string().regex(/^[0-9a-f]{15}$/, 'must be an H3 cell index (15 hex digits)'))
    .min(1)
    .max(500),
  category: code.optional(),
  date: z.string().refine(isDate, { message: 'must be a date YYYY-MM-DD' }),
  windowDays: z.number().int().min(7).max(366).default(90),
  perTreated: z.number().int().min(1).max(20).default(5),
});

/**
 * GET /api/forecast?month=YYYY-MM&res=8&horizon=1..3&category&district&limit=50&avoidableShare=0.5
 *   Expected tickets per H3 cell and category for `month` (default: the month after the data) and
 *   the following horizon−1 months, from the history before it: { categories, cells, workList }.
 * GET /api/forecast/backtest?res=8&k=50&unit=cell|cellCategory&from&to&category&district
 *   precision@k per month for the forecast and two baselines (last month; same month last year).
 * POST /api/forecast/intervention-effect { cells: [h3], category?, date, windowDays?, perTreated? }
 *   Before/after at the treated cells against matched untreated cells (difference in differences).
 * A district or street principal's forecast, backtest and intervention study run over its own
 * region's tickets (`district` or a treated cell outside it: 403).
 */
export const forecastRoutes = new Hono<AppEnv>()
  .get('/', validQuery(forecastQuery), async (c) => {
    const [db, q, scope] = [c.get('reads'), c.req.valid('query'), c.get('principal').scope];
    const a = await answerOnce(db, ['forecast', q, scope], () => forecast(db, q, scope));
    return c.json(a.value, 200, computedAtHeader(a));
  })
  .get('/backtest', validQuery(backtestQuery), async (c) => {
    const [db, q, scope] = [c.get('reads'), c.req.valid('query'), c.get('principal').scope];
    const a = await answerOnce(db, ['backtest', q, scope], () => forecastBacktest(db, q, scope));
    return c.json(a.value, 200, computedAtHeader(a));
  })
  .post('/intervention-effect', validJson(interventionBody), async (c) =>
    c.json(await measureIntervention(c.get('db'), c.req.valid('json'), c.get('principal').scope)),
  )
  .onError(analysisErrors);
