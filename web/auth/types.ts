// Who is signed in, as GET /api/auth/me and POST /api/auth/login describe them: the API contract's
// meSchema (server/contract/auth.ts), type-only.
import type { z } from 'zod';
import type { meSchema } from '../../server/contract/auth.ts';

export type Me = z.infer<typeof meSchema>;
export type Capability = Me['capabilities'][number];
export type Role = Me['role'];
export type SessionScope = Me['scope'];
