// The description itself: GET /api/openapi.json and the Scalar reference at /api/docs (public).
import { z } from 'zod';
import type { RouteContract } from './registry.ts';

export const openApiSchema = z.looseObject({
  openapi: z.literal('3.1.0'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.looseObject({})),
  components: z.looseObject({}),
});

export const docsRoutes: RouteContract[] = [
  {
    method: 'GET',
    path: '/api/openapi.json',
    tags: ['system'],
    public: true,
    summary: 'This description, OpenAPI 3.1',
    responses: { 200: { description: 'the document', schema: openApiSchema } },
  },
  {
    method: 'GET',
    path: '/api/docs',
    tags: ['system'],
    public: true,
    summary: 'The interactive reference (Scalar, served from this server)',
    responses: { 200: { description: 'an HTML page', contentType: 'text/html' } },
  },
  {
    method: 'GET',
    path: '/api/docs/init.js',
    tags: ['system'],
    public: true,
    summary: "The reference page's start-up script",
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
  {
    method: 'GET',
    path: '/api/docs/scalar.js',
    tags: ['system'],
    public: true,
    summary: 'Scalar API reference, bundled (no CDN)',
    responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
  },
];
