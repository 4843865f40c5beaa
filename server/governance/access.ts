// Who sees and changes what in the governance ledgers (issue 14, "Trust"):
// - planners (analyst) and admins create and edit topics, policies, tasks, reviews, ledger entries;
// - a unit updates only its own tasks: a street official the tasks owned by their street, a
//   district official those owned by their district (never a task of another unit);
// - an official sees the city-wide topics, those of their own region and of the region holding it
//   (a street official sees their district's topics), and of a topic's tasks only their own
//   region's; ledger entries and proactive tickets of their region only. Counts of a topic's tasks
//   (progress) are the topic's, shown whole.
// Every rule is a WHERE clause built here, so the SQL never returns a row the reader may not see.
import type { Principal, Scope } from '../auth/principal.ts';
import { can } from '../auth/principal.ts';

export class GovForbidden extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** May this principal create or edit topics and ledger entries? */
export const canPlan = (p: Principal) => can(p, 'plan');

/** The unit codes whose tasks the principal owns (officials), or null for planners/admins (all). */
export function ownUnits(p: Principal): string[] | null {
  if (canPlan(p)) return null;
  if (p.scope.level === 'city') return [];
  return [p.scope.code];
}

/** `alias.area_code` visible to the scope; pushes its parameters. null for the city. */
export function topicAreaClause(scope: Scope, params: unknown[], alias = 'g'): string | null {
  if (scope.level === 'city') return null;
  if (scope.level === 'street') {
    params.push([scope.code, scope.district]);
    return `(${alias}.area_code IS NULL OR ${alias}.area_code = ANY($${params.length}::text[]))`;
  }
  params.push(scope.code);
  const n = params.length;
  return `(${alias}.area_code IS NULL OR ${alias}.area_code = $${n} OR ${alias}.area_code IN (SELECT code FROM regions WHERE parent_code = $${n}))`;
}

/** `alias.owner_unit` inside the scope (a district's own tasks and its streets'). */
export function taskOwnerClause(scope: Scope, params: unknown[], alias = 'k'): string | null {
  if (scope.level === 'city') return null;
  params.push(scope.code);
  const n = params.length;
  if (scope.level === 'street') return `${alias}.owner_unit = $${n}`;
  return `(${alias}.owner_unit = $${n} OR ${alias}.owner_unit IN (SELECT code FROM regions WHERE parent_code = $${n}))`;
}

/** Ledger entries of the scope's region. */
export function ledgerScopeClause(scope: Scope, params: unknown[], alias = 'e'): string | null {
  if (scope.level === 'city') return null;
  params.push(scope.code);
  return scope.level === 'street'
    ? `${alias}.street_code = $${params.length}`
    : `${alias}.district_code = $${params.length}`;
}
