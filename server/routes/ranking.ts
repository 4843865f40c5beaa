import { Hono } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../env.ts';
import { plausibleYear, validQuery, YEAR_MESSAGE } from '../validate.ts';
import { errorBody } from '../errors.ts';
import { MONTH_PATTERN } from '../ranking/periods.ts';
import { DRILL_PARTS, DRILL_RATES, RANKING_TABLES } from '../ranking/sql.ts';
import { rankingService } from '../ranking/service.ts';
import { OutOfScope, regionInScope } from '../auth/scope.ts';

const month = z.string().regex(MONTH_PATTERN, 'must be YYYY-MM with a month 01–12').refine(plausibleYear, YEAR_MESSAGE);
const unitCode = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be a unit code');

export const rankingQuery = z.object({ month: month.optional(), table: z.enum(RANKING_TABLES).default('street') });
export const profileQuery = z.object({
  months: z.coerce.number().int().min(1).max(36).default(13),
  to: month.optional(),
});
export const drillQuery = z.object({
  month: month.optional(),
  rate: z.enum(DRILL_RATES),
  part: z.enum(DRILL_PARTS).default('denominator'),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
export const whatIfQuery = z.object({
  month: month.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
});

type Ctx = {
  req: { param: (k: 'code') => string };
  get: <K extends 'reads' | 'principal'>(k: K) => AppEnv['Variables'][K];
};

/** The unit named in the path, or an error response: 400 for a malformed code, 404 for an unknown one. */
async function unitOf(c: Ctx) {
  const parsed = unitCode.safeParse(c.req.param('code'));
  if (!parsed.success)
    return { error: { status: 400 as const, body: errorBody('invalid_input', 'code: must be a unit code', 'code') } };
  const unit = await rankingService(c.get('reads')).findUnit(parsed.data);
  if (!unit)
    return {
      error: { status: 404 as const, body: errorBody('not_found', `code: unknown unit '${parsed.data}'`, 'code') },
    };
  return { unit };
}

/**
 * The monthly ranking (三率排名). Month buckets are the city's calendar months; which instant
 * puts a fact in a month is documented in server/ranking/sql.ts.
 */
export const ranking = new Hono<AppEnv>()
  /** GET /api/ranking?month=YYYY-MM&table=street|district|department|utility — one month's full table. */
  .get('/', validQuery(rankingQuery), async (c) => {
    const q = c.req.valid('query');
    const svc = rankingService(c.get('reads'));
    return c.json(await svc.ranking(q.table, q.month ?? (await svc.defaultMonth())));
  })
  /** GET /api/ranking/months — the months that have tickets, oldest first, with open/closed status. */
  .get('/months', async (c) => c.json(await rankingService(c.get('reads')).months()))
  /** GET /api/ranking/units/:code?months=13&to=YYYY-MM — rates, score and rank month by month. */
  .get('/units/:code', validQuery(profileQuery), async (c) => {
    const found = await unitOf(c);
    if ('error' in found) return c.json(found.error!.body, found.error!.status);
    const q = c.req.valid('query');
    const svc = rankingService(c.get('reads'));
    const last = q.to ?? (await svc.months()).last ?? (await svc.defaultMonth());
    return c.json(await svc.profile(found.unit, last, q.months));
  })
  /**
   * GET /api/ranking/units/:code/drill?month=&rate=&part= — the exact tickets behind one figure.
   * A district or street principal drills only into units inside its region (403 naming `code`
   * otherwise: a department's tickets lie all over the city), and sees only tickets inside it.
   */
  .get('/units/:code/drill', validQuery(drillQuery), async (c) => {
    const found = await unitOf(c);
    if ('error' in found) return c.json(found.error!.body, found.error!.status);
    const scope = c.get('principal').scope;
    if (scope.level !== 'city' && !(await unitInScope(c, found.unit.code)))
      throw new OutOfScope('code', `code: ${found.unit.code} is outside your jurisdiction (${scope.code})`);
    const q = c.req.valid('query');
    const svc = rankingService(c.get('reads'));
    return c.json(
      await svc.drill(found.unit, q.month ?? (await svc.defaultMonth()), q.rate, q.part, q.limit, q.offset, scope),
    );
  })
  /**
   * GET /api/ranking/units/:code/what-if?month= — what each kind of fix would have gained, and the
   * tickets to fix. Any unit's scenarios (scores are public to officials); the tickets only for a
   * unit inside the principal's region, and only those inside it.
   */
  .get('/units/:code/what-if', validQuery(whatIfQuery), async (c) => {
    const found = await unitOf(c);
    if ('error' in found) return c.json(found.error!.body, found.error!.status);
    const q = c.req.valid('query');
    const svc = rankingService(c.get('reads'));
    const jurisdiction = (await unitInScope(c, found.unit.code)) ? c.get('principal').scope : null;
    return c.json(await svc.whatIf(found.unit, q.month ?? (await svc.defaultMonth()), q.limit, jurisdiction));
  });

/** Whether the unit is the principal's region or inside it (always, for the city). */
function unitInScope(c: Ctx, code: string): Promise<boolean> {
  return regionInScope(c.get('reads'), c.get('principal').scope, code);
}
