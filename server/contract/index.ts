// The registry: every route of the app, one area file each. A route missing here fails
// tests/server/contract.test.ts; /api/openapi.json and openapi.json are generated from it.
import { alertRoutes } from './alerts.ts';
import { analysisRoutes } from './analysis.ts';
import { assistRoutes } from './assist.ts';
import { authRoutes } from './auth.ts';
import { geoRoutes } from './geo.ts';
import { governanceRoutes } from './governance.ts';
import { intakeRoutes } from './intake.ts';
import { open311Routes } from './open311.ts';
import { rankingRoutes } from './ranking.ts';
import { key, type RouteContract } from './registry.ts';
import { searchRoutes } from './search.ts';
import { summaryRoutes } from './summary.ts';
import { ticketRoutes } from './tickets.ts';
import { wallRoutes } from './wall.ts';
import { docsRoutes } from './docs.ts';

export const CONTRACT: readonly RouteContract[] = [
  ...authRoutes,
  ...geoRoutes,
  ...ticketRoutes,
  ...intakeRoutes,
  ...summaryRoutes,
  ...wallRoutes,
  ...alertRoutes,
  ...rankingRoutes,
  ...analysisRoutes,
  ...assistRoutes,
  ...searchRoutes,
  ...governanceRoutes,
  ...docsRoutes,
  ...open311Routes,
];

export const contractOf = new Map(CONTRACT.map((r) => [key(r), r]));
export type { RouteContract } from './registry.ts';
