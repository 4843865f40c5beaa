// GET /api/openapi.json — the API described as OpenAPI 3.1 (server/contract/); GET /api/docs —
// an interactive reference (Scalar), served from our own files: no CDN, no web font. Public, like
// Open311 discovery: integrators read them before they have an account.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';
import { openApiDocument } from '../contract/openapi.ts';

const require = createRequire(import.meta.url);
let document: string | null = null;
let scalar: string | null = null;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>12345 hotline API — reference</title>
  </head>
  <body>
    <div id="app"></div>
    <script src="/api/docs/scalar.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>
`;
// Scalar's own options: the document from this server, no fonts or proxies from the internet.
const INIT = `Scalar.createApiReference('#app', { url: '/api/openapi.json', withDefaultFonts: false, hideClientButton: true, telemetry: false, showDeveloperTools: 'never' });\n`;

export const docs = new Hono<AppEnv>()
  .get('/openapi.json', (c) => {
    document ??= JSON.stringify(openApiDocument(), null, 2);
    c.header('Content-Type', 'application/json; charset=utf-8');
    c.header('Cache-Control', 'no-cache');
    return c.body(document);
  })
  .get('/docs', (c) => c.html(PAGE))
  .get('/docs/init.js', (c) => {
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    return c.body(INIT);
  })
  .get('/docs/scalar.js', (c) => {
    scalar ??= fs.readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'), 'utf8');
    c.header('Content-Type', 'text/javascript; charset=utf-8');
    c.header('Cache-Control', 'public, max-age=86400');
    return c.body(scalar);
  });
