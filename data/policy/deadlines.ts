// Deadlines of one ticket under a policy. Pure arithmetic on instants: the limits are elapsed
// time, so the city's time zone does not enter here (China has no DST, and a 24 h limit is 24 h
// even where a zone would shift).
import type { UrgencyClass } from '../../db/schema.ts';
import { DEFAULT_POLICY, type Policy } from './schema.ts';

export interface Deadlines {
  /** Accept and contact the citizen by this instant (响应时限). */
  respondDueAt: Date;
  /** Reply that the matter is dealt with by this instant (办结时限); overdue after it. */
  resolveDueAt: Date;
  /** Automatic reminder (催办) at `remindAtFraction` of the resolve limit. */
  remindAt: Date;
}

const MS_PER_MINUTE = 60_000;

export function deadlinesFor(receivedAt: Date, urgency: UrgencyClass, policy: Policy = DEFAULT_POLICY): Deadlines {
  const t = receivedAt.getTime();
  const respond = policy.respondWithinMinutes[urgency] * MS_PER_MINUTE;
  const resolve = policy.resolveWithinMinutes[urgency] * MS_PER_MINUTE;
  return {
    respondDueAt: new Date(t + respond),
    resolveDueAt: new Date(t + resolve),
    // Rounded to the millisecond so the reminder instant is exact and stable across engines.
    remindAt: new Date(t + Math.round(resolve * policy.remindAtFraction)),
  };
}
