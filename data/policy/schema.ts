// The time-limit and assessment policy (考核政策) as validated data. Every field has the default
// from the domain brief, so `parsePolicy({})` is the default policy and a city overrides only
// what differs (e.g. Xining's 1/3/7/11-day limits).
import { z } from 'zod';

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const minutes = z.number().int().positive();
const share = z.number().min(0).max(1);

/** Whether the runtime knows `zone` as an IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** One limit per urgency class, in elapsed minutes counted from receipt (natural time, not working hours). */
const perUrgency = (d: { emergency: number; basic: number; ordinary: number; complex: number }) =>
  z
    .object({
      emergency: minutes.default(d.emergency),
      basic: minutes.default(d.basic),
      ordinary: minutes.default(d.ordinary),
      complex: minutes.default(d.complex),
    })
    .prefault({});

export const policySchema = z
  .object({
    /** Months, weeks and days (and so monthly rankings) are bucketed in this zone. */
    timeZone: z.string().refine(isTimeZone, 'unknown IANA time zone').default('Asia/Shanghai'),
    /** Respond = the unit accepts the ticket and contacts the citizen (响应). */
    respondWithinMinutes: perUrgency({
      emergency: 30 * MINUTE,
      basic: 2 * HOUR,
      ordinary: 2 * HOUR,
      complex: 2 * HOUR,
    }),
    /** Resolve = the unit replies that the matter is dealt with (办结). */
    resolveWithinMinutes: perUrgency({ emergency: 2 * HOUR, basic: 24 * HOUR, ordinary: 7 * DAY, complex: 15 * DAY }),
    /** Automatic reminder (催办) at this fraction of the resolve limit. */
    remindAtFraction: z.number().gt(0).lt(1).default(0.8),
    /** Composite score weights of the three rates (三率); must sum to 1. */
    rateWeights: z
      .object({
        response: share.default(0.1),
        resolution: share.default(0.45),
        satisfaction: share.default(0.45),
      })
      .prefault({})
      .refine((w) => Math.abs(w.response + w.resolution + w.satisfaction - 1) < 1e-9, 'rate weights must sum to 1'),
    /**
     * Weight of each callback verdict in the satisfaction rate. "Basically satisfied" (基本满意)
     * counts 0.8: it is a pass, but a street whose answers are mostly "basic" should rank below
     * one whose citizens are fully satisfied. 0.8 is our default; cities publish 0.6–1.0.
     */
    satisfactionWeights: z
      .object({
        satisfied: share.default(1),
        basic: share.default(0.8),
        dissatisfied: share.default(0),
      })
      .prefault({}),
    ranking: z
      .object({
        /** Red zone (红区): in the bottom class this many months running. */
        redZoneMonths: z.number().int().positive().default(3),
        /** Unjustified returns (退单) in one month that put a unit on the poor list (Xining: 2). */
        poorListUnjustifiedReturns: z.number().int().positive().default(2),
        /**
         * Callbacks (回访) a unit needs in a month to be ranked at all: below it the unit is listed
         * after the ranked ones, marked, without a rank. A street with one or two happy calls
         * would otherwise tie at 100 and top the table. 5 is our choice (one verdict then moves a
         * rate by at most 20 points); the score classes ask for more (server/ranking/policy.ts).
         */
        minCallbacksToRank: z.number().int().min(0).default(5),
      })
      .prefault({}),
  })
  .superRefine((p, ctx) => {
    for (const u of ['emergency', 'basic', 'ordinary', 'complex'] as const) {
      if (p.respondWithinMinutes[u] > p.resolveWithinMinutes[u])
        ctx.addIssue({
          code: 'custom',
          path: ['respondWithinMinutes', u],
          message: `respond limit exceeds resolve limit for '${u}'`,
        });
    }
  });

export type Policy = z.infer<typeof policySchema>;
/** What a city writes: any subset of the policy; missing fields take the defaults. */
export type PolicyInput = z.input<typeof policySchema>;

export function parsePolicy(input: unknown = {}): Policy {
  return policySchema.parse(input);
}

export const DEFAULT_POLICY: Policy = parsePolicy({});
