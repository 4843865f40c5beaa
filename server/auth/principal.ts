// The signed-in party a request acts for, and the region it is limited to.
import type { Role } from '../../db/schema.ts';
import { roleCan, type Capability } from './roles.ts';

/** City-wide, or one district / street (街乡镇). `district` is the street's district. */
export type Scope =
  { level: 'city' } | { level: 'district'; code: string } | { level: 'street'; code: string; district: string };

export interface Principal {
  kind: 'user' | 'kiosk' | 'api';
  /** users.id, kiosk_tokens.id or api_keys.id */
  id: number;
  username: string;
  displayName: string;
  role: Role;
  scope: Scope;
  /** SHA-256 of the session id (logout, CSRF); empty for API keys, which carry no session. */
  sessionHash: string;
  csrfToken: string;
  /** What an admin granted this API key beyond its role, by name ('locate', 'import'). */
  grants?: readonly Capability[];
}

export const can = (p: Principal | undefined, cap: Capability) =>
  !!p && (roleCan(p.role, cap) || (p.grants?.includes(cap) ?? false));

export const CITY: Scope = { level: 'city' };
