import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { validQuery } from '../validate.ts';
import { code, dateOrInstant, intParam, numberParam } from '../analysis/params.ts';
import { recurringClusters } from '../analysis/clusters.ts';
import { answerOnce, computedAtHeader } from '../analysis/answers.ts';
import { analysisErrors } from './analysisErrors.ts';

export const query = z.object({
  category: code.optional(),
  from: dateOrInstant.optional(),
  to: dateOrInstant.optional(),
  district: code.optional(),
  eps: numberParam(10, 2000).default(150),
  minPoints: intParam(2, 1000).default(5),
  minWeeks: intParam(1, 104).default(4),
  minLift: numberParam(0, 1000).default(3),
  maxRadius: numberParam(10, 20_000).default(1000),
  alpha: numberParam(0, 1).default(1e-6),
});

/**
 * GET /api/clusters?category&from&to&district&eps=150&minPoints=5&minWeeks=4&minLift=3&maxRadius=1000&alpha=1e-6
 * Recurring clusters (一件事 → 一类事) of one category (or group; all categories when omitted, slower),
 * default window the last 365 days with data: { clusters: [{ id, category, tickets, centroid, extent
 * (GeoJSON Polygon), radiusMetres, firstSeen, lastSeen, weeks, lift, pattern, seasonMonths,
 * timeline, streets, department, shareSolved, shareSatisfied, repeats }] }. A district or street
 * principal clusters its own region's tickets only (`district` outside it: 403).
 */
// On the primary: clustering stages its points in a temporary table, which a hot standby refuses.
export const clusters = new Hono<AppEnv>()
  .get('/', validQuery(query), async (c) => {
    const [db, q, scope] = [c.get('db'), c.req.valid('query'), c.get('principal').scope];
    const a = await answerOnce(db, ['clusters', q, scope], () => recurringClusters(db, q, scope));
    return c.json(a.value, 200, computedAtHeader(a));
  })
  .onError(analysisErrors);
