// Health, sign-in and administration: /api/health, /api/auth/*, /api/admin/*.
import { z } from 'zod';
import { ROLES } from '../../db/schema.ts';
import { newKioskSchema, newUserSchema } from '../auth/accounts.ts';
import { auditQuery, grantsBody, userPatch } from '../routes/admin.ts';
import { kioskBody, loginBody, unlockBody } from '../routes/auth.ts';
import { ALL_CAPABILITIES } from '../auth/roles.ts';
import { instant } from './common.ts';
import { BAD_INPUT, CONFLICT, GATED_ERRORS, NOT_FOUND, json, type RouteContract } from './registry.ts';

export const healthSchema = z
  .object({ ok: z.literal(true), engine: z.enum(['pglite', 'postgres']) })
  .meta({ id: 'Health', example: { ok: true, engine: 'pglite' } });

export const meSchema = z
  .object({
    kind: z.enum(['user', 'kiosk', 'api_key']),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(ROLES),
    scope: z.looseObject({
      level: z.enum(['city', 'district', 'street']),
      code: z.string().optional(),
      /** a street's district */
      district: z.string().optional(),
      nameZh: z.string().nullable(),
      nameEn: z.string().nullable(),
    }),
    capabilities: z.array(z.enum(ALL_CAPABILITIES)),
    csrfToken: z.string(),
    expiresAt: instant.optional(),
  })
  .meta({ id: 'Me' });

export const accountSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(ROLES),
  regionCode: z.string().nullable(),
  disabled: z.boolean(),
  createdAt: instant,
});
export const kioskSchema = z.object({
  id: z.number().int(),
  screen: z.string(),
  regionCode: z.string().nullable(),
  bound: z.boolean(),
  boundAt: instant.nullable(),
  revoked: z.boolean(),
  createdAt: instant,
});
export const apiKeySchema = z.object({ name: z.string(), grants: z.array(z.string()), createdAt: instant });
export const auditSchema = z.object({
  id: z.number().int(),
  at: instant,
  username: z.string(),
  action: z.string(),
  ticketId: z.number().int().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

const RATE_LIMITED = {
  429: {
    description: 'too many failed attempts; Retry-After says when to try again',
    schema: z.looseObject({
      error: z.looseObject({ code: z.literal('rate_limited'), message: z.string(), field: z.string().optional() }),
    }),
  },
};
const noContent = { 204: { description: 'done' } };
const screen = z.object({ screen: z.string().min(1).meta({ example: 'wall-1' }) });

export const authRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/health',
    tags: ['system'],
    public: true,
    summary: 'Liveness and the database engine',
    responses: { 200: json('up', healthSchema), 503: GATED_ERRORS[503]! },
  },
  {
    method: 'POST',
    path: '/api/auth/login',
    tags: ['auth'],
    public: true,
    summary: 'Sign in (sets the session and CSRF cookies)',
    body: loginBody,
    responses: {
      200: json('signed in', meSchema),
      ...BAD_INPUT,
      401: { description: 'wrong username or password', schema: GATED_ERRORS[401]!.schema },
      ...RATE_LIMITED,
    },
  },
  {
    method: 'POST',
    path: '/api/auth/logout',
    tags: ['auth'],
    public: true,
    summary: 'Sign out (ends the session)',
    responses: noContent,
  },
  {
    method: 'GET',
    path: '/api/auth/me',
    tags: ['auth'],
    public: true,
    summary: 'Who is signed in',
    responses: { 200: json('the session', meSchema), 401: GATED_ERRORS[401]! },
  },
  {
    method: 'POST',
    path: '/api/auth/kiosk',
    tags: ['auth'],
    public: true,
    summary: 'Redeem a wall token (binds it to this screen)',
    body: kioskBody,
    responses: {
      200: json('a wall session', meSchema),
      ...BAD_INPUT,
      ...NOT_FOUND('token'),
      ...CONFLICT('the token is bound to another screen'),
      ...RATE_LIMITED,
    },
  },
  {
    method: 'POST',
    path: '/api/auth/unlock',
    tags: ['auth'],
    summary: 'Lift a sign-in lock (admin; audited)',
    body: unlockBody,
    responses: { ...noContent, ...BAD_INPUT, ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/admin/users',
    tags: ['admin'],
    summary: 'Accounts',
    responses: { 200: json('every account', z.object({ items: z.array(accountSchema) })), ...GATED_ERRORS },
  },
  {
    method: 'POST',
    path: '/api/admin/users',
    tags: ['admin'],
    summary: 'Create an account',
    body: newUserSchema,
    responses: {
      201: json('created', accountSchema),
      ...BAD_INPUT,
      ...CONFLICT('the username exists'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'PATCH',
    path: '/api/admin/users/:username',
    tags: ['admin'],
    summary: 'Change a password or disable an account',
    params: z.object({ username: z.string() }),
    body: userPatch,
    responses: { ...noContent, ...BAD_INPUT, ...NOT_FOUND('account'), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/admin/kiosks',
    tags: ['admin'],
    summary: 'Wall tokens',
    responses: {
      200: json('every wall token (never the secret)', z.object({ items: z.array(kioskSchema) })),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/admin/kiosks',
    tags: ['admin'],
    summary: 'Create a wall token (shown once)',
    body: newKioskSchema,
    responses: {
      201: json('created, with its token', kioskSchema.extend({ token: z.string() })),
      ...BAD_INPUT,
      ...CONFLICT('the screen exists'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'POST',
    path: '/api/admin/kiosks/:screen/release',
    tags: ['admin'],
    summary: 'Unbind a wall token from its screen',
    params: screen,
    responses: { ...noContent, ...NOT_FOUND('screen'), ...GATED_ERRORS },
  },
  {
    method: 'DELETE',
    path: '/api/admin/kiosks/:screen',
    tags: ['admin'],
    summary: 'Revoke a wall token',
    params: screen,
    responses: { ...noContent, ...NOT_FOUND('screen'), ...GATED_ERRORS },
  },
  {
    method: 'GET',
    path: '/api/admin/api-keys',
    tags: ['admin'],
    summary: 'API keys and their grants',
    responses: {
      200: json('every key (never the secret)', z.object({ items: z.array(apiKeySchema) })),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'PATCH',
    path: '/api/admin/api-keys/:name',
    tags: ['admin'],
    summary: 'Grant an API key locate and/or import (audited)',
    params: z.object({ name: z.string() }),
    body: grantsBody,
    responses: {
      200: json('the key with its grants', apiKeySchema.partial({ createdAt: true })),
      ...BAD_INPUT,
      ...NOT_FOUND('key'),
      ...GATED_ERRORS,
    },
  },
  {
    method: 'GET',
    path: '/api/admin/audit',
    tags: ['admin'],
    summary: 'The audit log, newest first',
    query: auditQuery,
    responses: { 200: json('entries', z.object({ items: z.array(auditSchema) })), ...BAD_INPUT, ...GATED_ERRORS },
  },
];
