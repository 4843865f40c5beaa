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

/** A request type's own service level (taxonomy respondWithin / resolveWithin), in minutes. */
export interface ServiceLevel {
  respondMinutes?: number | null;
  resolveMinutes?: number | null;
}

export function deadlinesFor(
  receivedAt: Date,
  urgency: UrgencyClass,
  policy: Policy = DEFAULT_POLICY,
  level: ServiceLevel = {},
): Deadlines {
  const t = receivedAt.getTime();
  const resolveMinutes = level.resolveMinutes ?? policy.resolveWithinMinutes[urgency];
  // A type's long service level does not stretch the response limit, but a response limit is never later than the resolve limit.
  const respondMinutes = Math.min(level.respondMinutes ?? policy.respondWithinMinutes[urgency], resolveMinutes);
  const respond = respondMinutes * MS_PER_MINUTE;
  const resolve = resolveMinutes * MS_PER_MINUTE;
  return {
    respondDueAt: new Date(t + respond),
    resolveDueAt: new Date(t + resolve),
    // Rounded to the millisecond so the reminder instant is exact and stable across engines.
    remindAt: new Date(t + Math.round(resolve * policy.remindAtFraction)),
  };
}
