import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { code, intParam, monthParam, numberParam } from '../analysis/params.ts';
import { topicCandidates } from '../analysis/topics.ts';
import { errorBody } from '../errors.ts';
import { analysisErrors } from './analysisErrors.ts';

const weight = numberParam(0, 100).optional();
export const query = z.object({
  month: monthParam.optional(),
  district: code.optional(),
  limit: intParam(1, 100).default(10),
  minTickets: intParam(0, 1_000_000).default(20),
  wVolume: weight,
  wGrowth: weight,
  wSpread: weight,
  wUnresolved: weight,
  wDissatisfied: weight,
  wRecurrence: weight,
});

/**
 * GET /api/topics?month=YYYY-MM&district&limit=10&minTickets=20&wVolume&wGrowth&wSpread&wUnresolved&wDissatisfied&wRecurrence
 * "One topic per month" (每月一题) candidates for the 3 months ending `month` (default: the last
 * complete month), city-wide or in a district: { candidates: [{ rank, category, score, components,
 * tickets, resolutionRate, satisfactionRate, coveredLastYear, trend, topStreets, topCells, map }] }.
 * Weights are relative (normalised to sum 1); the defaults are in server/analysis/topicScore.ts.
 * A district or street principal's candidates come from its own region (`district` outside it: 403).
 */
export const topics = new Hono<AppEnv>()
  .get('/', validQuery(query), async (c) => {
    const q = c.req.valid('query');
    const weights = Object.fromEntries(
      (
        [
          ['volume', q.wVolume],
          ['growth', q.wGrowth],
          ['spread', q.wSpread],
          ['unresolved', q.wUnresolved],
          ['dissatisfied', q.wDissatisfied],
          ['recurrence', q.wRecurrence],
        ] as const
      ).filter(([, v]) => v !== undefined),
    );
    if (Object.values(weights).length === 6 && Object.values(weights).every((v) => v === 0)) {
      return c.json(errorBody('invalid_input', 'wVolume: at least one weight must be positive', 'wVolume'), 400);
    }
    return c.json(
      await topicCandidates(
        c.get('reads'),
        { month: q.month, district: q.district, limit: q.limit, minTickets: q.minTickets, weights },
        c.get('principal').scope,
      ),
    );
  })
  .onError(analysisErrors);
