// Type-only (web/api/ is under the dev proxy's /api prefix, so no runtime code lives here).
// Ranking and report shapes from the API contract (server/contract/ranking.ts: the schemas the
// contract test checks against real answers), so the pages cannot drift from what the API returns.
import type { z } from 'zod';
import type {
  drillSchema,
  drillTicketSchema,
  figuresSchema,
  monthsSchema,
  moverSchema,
  profilePointSchema,
  rankingRowSchema,
  rankingSchema,
  rateSchema,
  reportSchemas,
  unitClassSchema,
  unitCountsSchema,
  unitInfoSchema,
  unitProfileSchema,
  whatIfLeverSchema,
  whatIfScenarioSchema,
  whatIfSchema,
} from '../../server/contract/ranking.ts';

export type MonthsResult = z.infer<typeof monthsSchema>;
export type RankingResult = z.infer<typeof rankingSchema>;
export type RankingRow = z.infer<typeof rankingRowSchema>;
export type Mover = z.infer<typeof moverSchema>;
export type UnitProfile = z.infer<typeof unitProfileSchema>;
export type ProfilePoint = z.infer<typeof profilePointSchema>;
export type DrillResult = z.infer<typeof drillSchema>;
export type WhatIfResponse = z.infer<typeof whatIfSchema>;
export type WhatIfLever = z.infer<typeof whatIfLeverSchema>;
export type Rate = z.infer<typeof rateSchema>;
export type UnitCounts = z.infer<typeof unitCountsSchema>;
export type UnitClass = z.infer<typeof unitClassSchema>;
export type WhatIfScenario = z.infer<typeof whatIfScenarioSchema>;
export type Fix = WhatIfScenario['fix'];
export type DrillTicket = z.infer<typeof drillTicketSchema>;
export type DrillRate = DrillResult['rate'];
export type DrillPart = DrillResult['part'];
export type UnitInfo = z.infer<typeof unitInfoSchema>;
export type RankingTable = UnitInfo['table'];
export type DailyReport = z.infer<typeof reportSchemas.daily>;
export type WeeklyReport = z.infer<typeof reportSchemas.weekly>;
export type MonthlyBulletin = z.infer<typeof reportSchemas.monthly>;
export type AnnualReport = z.infer<typeof reportSchemas.annual>;
export type Report = DailyReport | WeeklyReport | MonthlyBulletin | AnnualReport;
export type ReportKind = Report['kind'];
export type Figures = z.infer<typeof figuresSchema>;
