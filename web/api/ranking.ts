// Type-only (web/api/ is under the dev proxy's /api prefix, so no runtime code lives here).
// Ranking and report shapes, taken from the server's own modules (type-only: nothing of
// server/ reaches the bundle), so the pages cannot drift from what the API returns.
export type {
  MonthsResult,
  RankingResult,
  RankingRow,
  Mover,
  UnitProfile,
  ProfilePoint,
  DrillResult,
  WhatIfResponse,
  WhatIfLever,
} from '../../server/ranking/service.ts';
export type { Rate, UnitCounts } from '../../server/ranking/rates.ts';
export type { UnitClass } from '../../server/ranking/classes.ts';
export type { Fix, WhatIfScenario } from '../../server/ranking/whatIf.ts';
export type { DrillTicket, DrillRate, DrillPart, RankingTable, UnitInfo } from '../../server/ranking/sql.ts';
export type {
  Report,
  ReportKind,
  DailyReport,
  WeeklyReport,
  MonthlyBulletin,
  AnnualReport,
  Figures,
} from '../../server/reports/build.ts';
