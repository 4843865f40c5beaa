// The admin API (server/routes/admin.ts) as the admin page uses it; shapes from the contract
// (server/contract/auth.ts, type-only). Dates arrive as ISO text.
import type { z } from 'zod';
import type { accountSchema, auditSchema, kioskSchema } from '../../../server/contract/auth.ts';
import { ApiError, requestJson, type RequestOptions } from '../../api/request.ts';

export type AccountRow = z.infer<typeof accountSchema>;
export type KioskRow = z.infer<typeof kioskSchema>;
export type AuditEntry = z.infer<typeof auditSchema>;

/** A refusal with the server's reason and the field it names (the one client's ApiError). */
export { ApiError as AdminError };

const call = <T>(path: string, opts: RequestOptions = {}): Promise<T> => requestJson<T>(path, opts);
const json = (method: 'POST' | 'PATCH' | 'DELETE', body?: unknown): RequestOptions => ({ method, json: body });
const seg = encodeURIComponent;

export const adminApi = {
  users: () => call<{ items: AccountRow[] }>('/api/admin/users').then((r) => r.items),
  createUser: (u: {
    username: string;
    displayName: string;
    role: string;
    regionCode?: string | null;
    password: string;
  }) => call<AccountRow>('/api/admin/users', json('POST', u)),
  patchUser: (username: string, patch: { password?: string; disabled?: boolean }) =>
    call<void>(`/api/admin/users/${seg(username)}`, json('PATCH', patch)),
  kiosks: () => call<{ items: KioskRow[] }>('/api/admin/kiosks').then((r) => r.items),
  createKiosk: (k: { screen: string; regionCode?: string | null }) =>
    call<KioskRow & { token: string }>('/api/admin/kiosks', json('POST', k)),
  releaseKiosk: (screen: string) => call<void>(`/api/admin/kiosks/${seg(screen)}/release`, json('POST')),
  revokeKiosk: (screen: string) => call<void>(`/api/admin/kiosks/${seg(screen)}`, json('DELETE')),
  audit: (q: { ticket?: string; username?: string; limit?: number }) => {
    const p = new URLSearchParams();
    if (q.ticket) p.set('ticket', q.ticket);
    if (q.username) p.set('username', q.username);
    p.set('limit', String(q.limit ?? 200));
    return call<{ items: AuditEntry[] }>(`/api/admin/audit?${p}`).then((r) => r.items);
  },
};
