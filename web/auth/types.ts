// Who is signed in, as GET /api/auth/me and POST /api/auth/login describe them (server/routes/auth.ts).
import type { Capability } from '../../server/auth/roles.ts';
import type { Role } from '../../db/schema.ts';

export type { Capability, Role };

export interface SessionScope {
  level: 'city' | 'district' | 'street';
  code?: string;
  /** a street's district */
  district?: string;
  nameZh: string | null;
  nameEn: string | null;
}

export interface Me {
  kind: 'user' | 'kiosk';
  username: string;
  displayName: string;
  role: Role;
  scope: SessionScope;
  capabilities: Capability[];
  csrfToken: string;
  expiresAt?: string;
}

export interface AuthErrorBody {
  error: { code: string; message: string; field?: string };
}
