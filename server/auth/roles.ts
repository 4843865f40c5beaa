// Who may do what. One table of capabilities per role; routes ask `can(principal, capability)` and
// the app-wide policy (policy.ts) maps every endpoint to one capability.
import type { Role } from '../../db/schema.ts';

export type Capability =
  /** Dashboards, ticket lists without personal data, analyses, rankings (scoped for officials). */
  | 'read'
  /** New tickets (API, Open311). */
  | 'intake'
  /** Locating an unplaced ticket by hand. */
  | 'locate'
  /** CSV import of historical tickets, and a past receipt time on a new ticket. */
  | 'import'
  /** The hotline's own actions: dispatch, redispatch, rule on returns, whistle, callback, close. */
  | 'hotline_actions'
  /** A unit's actions on tickets dispatched in its jurisdiction: accept, progress, return, defer, reply. */
  | 'unit_actions'
  /** Caller name and phone in clear (each read is audited). */
  | 'caller_unmasked'
  /** Planner settings: topic weights, intervention studies. */
  | 'plan'
  /** Proactive work orders (未诉先办) from the forecast list, a surge alert or a cluster. */
  | 'proactive'
  /** The wall display's own read-only endpoints. */
  | 'wall'
  /** Accounts, kiosk tokens, the audit log. */
  | 'admin';

/** Every capability (the API contract's list of them too); the check below fails to compile when one is missing. */
export const ALL_CAPABILITIES = [
  'read',
  'intake',
  'locate',
  'import',
  'hotline_actions',
  'unit_actions',
  'caller_unmasked',
  'plan',
  'proactive',
  'wall',
  'admin',
] as const satisfies readonly Capability[];
const _everyOneListed: [Exclude<Capability, (typeof ALL_CAPABILITIES)[number]>] extends [never] ? true : never = true;

const CAPABILITIES: Record<Role, readonly Capability[]> = {
  // an admin may do everything
  admin: ALL_CAPABILITIES,
  dispatcher: [
    'read',
    'intake',
    'locate',
    'import',
    'hotline_actions',
    'unit_actions',
    'caller_unmasked',
    'proactive',
    'wall',
  ],
  analyst: ['read', 'plan', 'proactive', 'wall'],
  district_official: ['read', 'unit_actions', 'wall'],
  street_official: ['read', 'unit_actions', 'wall'],
  wall: ['wall'],
  // An API key files tickets; an admin may grant it more by name (apiKeys.ts GRANTABLE).
  integration: ['intake'],
};

export function capabilitiesOf(role: Role): readonly Capability[] {
  return CAPABILITIES[role];
}

export function roleCan(role: Role, cap: Capability): boolean {
  return CAPABILITIES[role].includes(cap);
}

/** Roles bound to one region; the others see the whole city. */
export const SCOPED_ROLES = ['district_official', 'street_official'] as const satisfies readonly Role[];
export const REGION_LEVEL_OF_ROLE = { district_official: 'district', street_official: 'street' } as const;
