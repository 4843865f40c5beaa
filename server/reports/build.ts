// The reporting rhythm (Xining's practice, 日报 · 周报 · 月度通报 · 年度总结): one JSON document per
// report, built from the ranking's counts (server/ranking) and a few report-only figures (sql.ts).
// Every figure uses the ranking's bucketing (see server/ranking/sql.ts): a day's resolution rate
// is over the callbacks made that day, and so on, so a report and the ranking never disagree.
// The downloads (xlsx.ts, html.ts) are renderings of these documents, nothing more.
// JURISDICTION: a district or street official's report carries their own unit's figures where the
// city's would be (`city`, `previous`, days, months, categories, warnings, intake, overdue), and of
// the unit tables only their own rows — except the monthly bulletin's four rankings, which are the
// published scores every official sees on /api/ranking anyway.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { monthTable, type UnitMonthInput } from '../ranking/month.ts';
import { unitRates, parseUnitCounts, type Rate, type UnitCounts } from '../ranking/rates.ts';
import type { UnitClass } from '../ranking/classes.ts';
import {
  addDays,
  addMonths,
  dayPeriod,
  isoWeekMonday,
  isoWeekOf,
  monthPeriod,
  monthsBetween,
  weekPeriod,
  yearPeriod,
  type Period,
} from '../ranking/periods.ts';
import { CITY_UNIT, type FactTable, type RankingTable } from '../ranking/sql.ts';
import {
  addCounts,
  rankingService,
  toRankingRow,
  zeroCounts,
  type Counts,
  type MonthStatus,
  type RankingResult,
  type RankingRow,
  type RankingService,
} from '../ranking/service.ts';
import {
  categoryDistrictCounts,
  categoryNames,
  districtNames,
  firstReceived,
  intakeMix,
  type IntakeMix,
} from './sql.ts';
import { backlog, sameTimeToDate, type Backlog } from '../measures.ts';
import { DEFAULT_WARNING_RULES, emergingWarnings, expectedCount, seasonalBasis, type Warning } from './warnings.ts';

export type ReportKind = 'daily' | 'weekly' | 'monthly' | 'annual';

/** City-wide (or one unit's) figures for a period. */
export interface Figures {
  counts: UnitCounts;
  response: Rate;
  resolution: Rate;
  satisfaction: Rate;
  score: number | null;
}

export interface CategoryLine {
  code: string;
  nameZh: string;
  nameEn: string;
  groupCode: string | null;
  current: number;
  /** Expected from the baseline window, scaled to the period's length. */
  expected: number;
  /** current / expected − 1; null when nothing was expected. */
  change: number | null;
}

export interface ExpectedBasis {
  basis: 'seasonal' | 'recent';
  /** The period a year earlier the seasonal expected values come from. */
  lastYear: { from: string; to: string } | null;
  /** The jurisdiction's growth since then (all categories, baseline windows, clamped 0.5–2). */
  growth: number | null;
}

export interface WarningLine extends Warning {
  categoryNameZh: string;
  categoryNameEn: string;
  districtNameZh: string | null;
  districtNameEn: string | null;
}

/** Whose figures a report carries: the city's, or a district's or street's (an official's own). */
export type Jurisdiction = { level: 'city' } | { level: 'district' | 'street'; code: string };

interface ReportBase {
  kind: ReportKind;
  jurisdiction: Jurisdiction;
  /** The period's own label: 2026-10-31, 2026-W44, 2026-10, 2026. */
  label: string;
  timeZone: string;
  period: { from: string; to: string };
  status: MonthStatus;
  generatedAt: string;
  /** The figures of the report's jurisdiction: the city, or the official's own unit. */
  city: Figures;
  /** The same figures for the period before (yesterday, last week, last month, last year). */
  previous: Figures;
  /** Baseline the categories and warnings are compared with. */
  baseline: { from: string; to: string; label: string };
  /** What the expected values are: seasonal (the same period a year earlier × growth since) or recent (the baseline window). */
  expectedBasis: ExpectedBasis;
  categories: CategoryLine[];
  warnings: WarningLine[];
}

/**
 * Where an unfinished period's figures stand: `asOf` is the end of the period or now, whichever is
 * earlier; `previous` is then the same stretch of the period before (same time to date).
 */
export interface AsOf {
  asOf: string;
  comparison: 'full-period' | 'same-time-to-date';
  /** Open, overdue and urgent at `asOf` (server/measures.ts: the queue's and the wall's figures). */
  backlog: Backlog;
}

export interface DailyReport extends ReportBase, AsOf {
  kind: 'daily';
  date: string;
  intake: IntakeMix;
  /** Overdue at the end of the day (or now, for today): backlog.overdue. */
  overdueOpen: number;
  districts: RankingRow[];
}

export interface DayLine extends Figures {
  date: string;
}

export interface WeeklyReport extends ReportBase, AsOf {
  kind: 'weekly';
  week: string;
  days: DayLine[];
  intake: IntakeMix;
  overdueOpen: number;
  districts: RankingRow[];
  /** Streets ranked on the week: the ten best and the ten worst (ties at the tenth included). */
  streets: { ranked: number; best: RankingRow[]; worst: RankingRow[] };
}

export interface MonthlyBulletin extends ReportBase {
  kind: 'monthly';
  month: string;
  streets: RankingResult;
  districts: RankingResult;
  departments: RankingResult;
  utilities: RankingResult;
}

export interface MonthLine extends Figures {
  month: string;
}

export interface ClassMonths {
  advanced: number;
  progressing: number;
  rectification: number;
  governance: number;
  redZone: number;
}

export interface AnnualRow extends RankingRow {
  /** Months of the year the unit held each class, and months in the red zone. */
  classMonths: ClassMonths;
}

export interface AnnualReport extends ReportBase {
  kind: 'annual';
  year: number;
  months: MonthLine[];
  streets: AnnualRow[];
  districts: AnnualRow[];
  departments: AnnualRow[];
  utilities: AnnualRow[];
}

export type Report = DailyReport | WeeklyReport | MonthlyBulletin | AnnualReport;

const CITY_SCOPE: Scope = { level: 'city' };

/** The fact table and unit whose figures stand for the scope. */
function ownUnit(scope: Scope): { table: FactTable; unit: string; jurisdiction: Jurisdiction } {
  return scope.level === 'city'
    ? { table: 'city', unit: CITY_UNIT, jurisdiction: { level: 'city' } }
    : { table: scope.level, unit: scope.code, jurisdiction: { level: scope.level, code: scope.code } };
}

/** A unit table's rows the scope may see: all for the city, else the region itself and its streets. */
function ownRows<R extends { code: string; parentCode: string | null }>(scope: Scope, rows: R[]): R[] {
  if (scope.level === 'city') return rows;
  return rows.filter((r) => r.code === scope.code || (scope.level === 'district' && r.parentCode === scope.code));
}

const TOP_CATEGORIES = 15;
const BEST_WORST = 10;

function iso(p: Period): { from: string; to: string } {
  return { from: p.from.toISOString(), to: p.to.toISOString() };
}

function figures(svc: RankingService, c: Counts | undefined): Figures {
  const r = unitRates(CITY_UNIT, parseUnitCounts(c ?? zeroCounts()), svc.policy);
  return {
    counts: r.counts,
    response: r.response,
    resolution: r.resolution,
    satisfaction: r.satisfaction,
    score: r.score,
  };
}

/** The instant an unfinished period stands at, its backlog then, and the comparison period cut to match. */
async function standing(db: Queryable, svc: RankingService, period: Period, before: Period, scope: Scope) {
  const now = svc.now();
  const partial = now.getTime() < period.to.getTime();
  const asOf = partial ? now : period.to;
  // now: the status form, the very figures of the queue; a finished period: reconstructed at its end
  const b = await backlog(db, scope, partial ? null : period.to);
  return {
    asOf: {
      asOf: asOf.toISOString(),
      comparison: partial ? ('same-time-to-date' as const) : ('full-period' as const),
      backlog: { ...b, asOf: asOf.toISOString() },
    },
    previous: sameTimeToDate(period, asOf, before),
  };
}

function statusOf(svc: RankingService, p: Period): MonthStatus {
  return svc.now().getTime() >= p.to.getTime() ? 'closed' : 'open';
}

/**
 * A table ranked on an arbitrary period's counts (a week, a year). Classes are month rules, so
 * they are left out here (an annual report counts the months instead).
 */
async function periodTable(
  svc: RankingService,
  table: RankingTable,
  counts: Map<string, Counts>,
): Promise<RankingRow[]> {
  const units = await svc.units(table);
  const info = new Map(units.map((u) => [u.code, u]));
  const inputs: UnitMonthInput[] = units.map((u) => ({
    code: u.code,
    counts: counts.get(u.code) ?? zeroCounts(),
    population: u.population,
  }));
  const t = monthTable(inputs, svc.policy);
  const eligible = new Set(t.classes.eligible);
  // Classes are month rules and a period has no previous rank: those fields stay empty here.
  return t.rows.map((r) => ({
    ...toRankingRow(r, info.get(r.code), eligible.has(r.code), null),
    previousRank: null,
    rankChange: null,
    classes: [],
  }));
}

/**
 * Top categories and warnings of a period. With `lastYear` (the same period a year earlier and
 * its baseline window), expected values are seasonal when that year is in the data (warnings.ts):
 * the line's count then × the jurisdiction's growth since; else the baseline window scaled by length.
 */
async function categoriesAndWarnings(
  db: Queryable,
  period: Period,
  baseline: Period,
  scope: Scope = CITY_SCOPE,
  lastYear: { period: Period; baseline: Period } | null = null,
): Promise<{ categories: CategoryLine[]; warnings: WarningLine[]; expectedBasis: ExpectedBasis }> {
  const [lines, before, first, cats, districts] = await Promise.all([
    categoryDistrictCounts(db, period, baseline.from, scope),
    lastYear ? categoryDistrictCounts(db, lastYear.period, lastYear.baseline.from, scope) : Promise.resolve([]),
    lastYear ? firstReceived(db) : Promise.resolve(null),
    categoryNames(db),
    districtNames(db),
  ]);
  const periodMs = period.to.getTime() - period.from.getTime();
  const baselineMs = baseline.to.getTime() - baseline.from.getTime();
  // Last year counts only when the data reach back to its baseline window's start.
  const covered = lastYear !== null && first !== null && first.getTime() <= lastYear.baseline.from.getTime();
  const sumOf = (xs: { baseline: number }[]) => xs.reduce((a, l) => a + l.baseline, 0);
  const season =
    covered && lastYear
      ? seasonalBasis(
          sumOf(lines),
          sumOf(before),
          periodMs,
          lastYear.period.to.getTime() - lastYear.period.from.getTime(),
        )
      : null;
  const lastYearOf = new Map<string, number>();
  for (const l of before) {
    lastYearOf.set(
      `${l.categoryCode}|${l.districtCode ?? ''}`,
      (lastYearOf.get(`${l.categoryCode}|${l.districtCode ?? ''}`) ?? 0) + l.current,
    );
    lastYearOf.set(`${l.categoryCode}|*`, (lastYearOf.get(`${l.categoryCode}|*`) ?? 0) + l.current);
  }
  const byCategory = new Map<string, { current: number; baseline: number }>();
  for (const l of lines) {
    const c = byCategory.get(l.categoryCode) ?? { current: 0, baseline: 0 };
    c.current += l.current;
    c.baseline += l.baseline;
    byCategory.set(l.categoryCode, c);
  }
  const withLastYear = (code: string, district: string | null) =>
    season ? (lastYearOf.get(`${code}|${district ?? '*'}`) ?? 0) : null;
  const categories = [...byCategory]
    .filter(([, c]) => c.current > 0)
    .map(([code, c]): CategoryLine => {
      const { expected } = expectedCount(
        { categoryCode: code, districtCode: null, ...c, lastYear: withLastYear(code, null) },
        periodMs,
        baselineMs,
        season,
      );
      const n = cats.get(code);
      return {
        code,
        nameZh: n?.nameZh ?? code,
        nameEn: n?.nameEn ?? code,
        groupCode: n?.groupCode ?? null,
        current: c.current,
        expected,
        change: expected > 0 ? c.current / expected - 1 : null,
      };
    })
    .sort((a, b) => b.current - a.current || (a.code < b.code ? -1 : 1))
    .slice(0, TOP_CATEGORIES);
  // City-wide lines and district lines compete in one list: a rise confined to one district is
  // what a city total hides.
  // (A scoped report has one region: its lines are the region's, with no district lines beside.)
  const inputs = [
    ...[...byCategory].map(([code, c]) => ({
      categoryCode: code,
      districtCode: null,
      current: c.current,
      baseline: c.baseline,
      lastYear: withLastYear(code, null),
    })),
    ...(scope.level === 'city'
      ? lines
          .filter((l) => l.districtCode !== null)
          .map((l) => ({ ...l, lastYear: withLastYear(l.categoryCode, l.districtCode) }))
      : []),
  ];
  const warnings = emergingWarnings(inputs, periodMs, baselineMs, DEFAULT_WARNING_RULES, season).map((w) => ({
    ...w,
    categoryNameZh: cats.get(w.categoryCode)?.nameZh ?? w.categoryCode,
    categoryNameEn: cats.get(w.categoryCode)?.nameEn ?? w.categoryCode,
    districtNameZh: w.districtCode ? (districts.get(w.districtCode)?.nameZh ?? w.districtCode) : null,
    districtNameEn: w.districtCode ? (districts.get(w.districtCode)?.nameEn ?? w.districtCode) : null,
  }));
  const expectedBasis: ExpectedBasis =
    season && lastYear
      ? { basis: 'seasonal', lastYear: iso(lastYear.period), growth: season.growth }
      : { basis: 'recent', lastYear: null, growth: null };
  return { categories, warnings, expectedBasis };
}

async function cityPeriod(svc: RankingService, table: FactTable, p: Period): Promise<Map<string, Counts>> {
  return (await svc.periodCounts(table, p)).get('P') ?? new Map<string, Counts>();
}

export async function dailyReport(db: Queryable, date: string, scope: Scope = CITY_SCOPE): Promise<DailyReport> {
  const svc = rankingService(db);
  const me = ownUnit(scope);
  const period = dayPeriod(date, svc.timeZone);
  const baseline: Period = { from: dayPeriod(addDays(date, -7), svc.timeZone).from, to: period.from };
  // A year earlier on the same weekday (364 days), with its own 7 days before it.
  const ago = addDays(date, -364);
  const lastYear = {
    period: dayPeriod(ago, svc.timeZone),
    baseline: { from: dayPeriod(addDays(ago, -7), svc.timeZone).from, to: dayPeriod(ago, svc.timeZone).from },
  };
  const st = await standing(db, svc, period, dayPeriod(addDays(date, -1), svc.timeZone), scope);
  const [city, previous, districts, intake, cw] = await Promise.all([
    cityPeriod(svc, me.table, period),
    cityPeriod(svc, me.table, st.previous),
    cityPeriod(svc, 'district', period),
    intakeMix(db, period, scope),
    categoriesAndWarnings(db, period, baseline, scope, lastYear),
  ]);
  return {
    kind: 'daily',
    jurisdiction: me.jurisdiction,
    label: date,
    date,
    timeZone: svc.timeZone,
    period: iso(period),
    status: statusOf(svc, period),
    generatedAt: new Date().toISOString(),
    city: figures(svc, city.get(me.unit)),
    previous: figures(svc, previous.get(me.unit)),
    baseline: { ...iso(baseline), label: `${addDays(date, -7)}/${addDays(date, -1)}` },
    intake,
    overdueOpen: st.asOf.backlog.overdue,
    ...st.asOf,
    districts: ownRows(scope, await periodTable(svc, 'district', districts)),
    ...cw,
  };
}

export async function weeklyReport(db: Queryable, week: string, scope: Scope = CITY_SCOPE): Promise<WeeklyReport> {
  const svc = rankingService(db);
  const me = ownUnit(scope);
  const period = weekPeriod(week, svc.timeZone);
  const monday = isoWeekMonday(week);
  const baselineFrom = weekPeriod(isoWeekOf(addDays(monday, -28)), svc.timeZone).from;
  const baseline: Period = { from: baselineFrom, to: period.from };
  // The same ISO weekdays 52 weeks earlier, with its own 4 weeks before it.
  const agoMonday = addDays(monday, -364);
  const agoWeek = weekPeriod(isoWeekOf(agoMonday), svc.timeZone);
  const lastYear = {
    period: agoWeek,
    baseline: { from: weekPeriod(isoWeekOf(addDays(agoMonday, -28)), svc.timeZone).from, to: agoWeek.from },
  };
  const st = await standing(db, svc, period, weekPeriod(isoWeekOf(addDays(monday, -7)), svc.timeZone), scope);
  const [byDay, previous, districts, streets, intake, cw] = await Promise.all([
    svc.periodCounts(me.table, period, 'YYYY-MM-DD'),
    cityPeriod(svc, me.table, st.previous),
    cityPeriod(svc, 'district', period),
    cityPeriod(svc, 'street', period),
    intakeMix(db, period, scope),
    categoriesAndWarnings(db, period, baseline, scope, lastYear),
  ]);
  let total = zeroCounts();
  const days = period.days.map((date): DayLine => {
    const c = byDay.get(date)?.get(me.unit) ?? zeroCounts();
    total = addCounts(total, c);
    return { date, ...figures(svc, c) };
  });
  const streetRows = await periodTable(svc, 'street', streets);
  const ranked = streetRows.filter((r) => r.rank !== null && r.eligible);
  const cutBest = ranked[Math.min(BEST_WORST, ranked.length) - 1]?.score;
  const worstSorted = [...ranked].reverse();
  const cutWorst = worstSorted[Math.min(BEST_WORST, worstSorted.length) - 1]?.score;
  return {
    kind: 'weekly',
    jurisdiction: me.jurisdiction,
    label: week,
    week,
    timeZone: svc.timeZone,
    period: iso(period),
    status: statusOf(svc, period),
    generatedAt: new Date().toISOString(),
    city: figures(svc, total),
    previous: figures(svc, previous.get(me.unit)),
    baseline: { ...iso(baseline), label: `${isoWeekOf(addDays(monday, -28))}/${isoWeekOf(addDays(monday, -7))}` },
    days,
    intake,
    overdueOpen: st.asOf.backlog.overdue,
    ...st.asOf,
    districts: ownRows(scope, await periodTable(svc, 'district', districts)),
    // Only streets with enough callbacks (the small-sample rule) make the best and worst lists.
    streets: {
      ranked: streetRows.filter((r) => r.rank !== null).length,
      best: ownRows(
        scope,
        cutBest === undefined ? [] : ranked.filter((r) => (r.score as number) >= (cutBest as number)),
      ),
      worst: ownRows(
        scope,
        cutWorst === undefined ? [] : worstSorted.filter((r) => (r.score as number) <= (cutWorst as number)),
      ),
    },
    ...cw,
  };
}

export async function monthlyBulletin(
  db: Queryable,
  month: string,
  scope: Scope = CITY_SCOPE,
): Promise<MonthlyBulletin> {
  const svc = rankingService(db);
  const me = ownUnit(scope);
  const period = monthPeriod(month, svc.timeZone);
  const baseline: Period = { from: monthPeriod(addMonths(month, -3), svc.timeZone).from, to: period.from };
  // The same month a year earlier, with its own 3 months before it.
  const lastYear = {
    period: monthPeriod(addMonths(month, -12), svc.timeZone),
    baseline: {
      from: monthPeriod(addMonths(month, -15), svc.timeZone).from,
      to: monthPeriod(addMonths(month, -12), svc.timeZone).from,
    },
  };
  const [streets, districts, departments, utilities, city, cw] = await Promise.all([
    svc.ranking('street', month),
    svc.ranking('district', month),
    svc.ranking('department', month),
    svc.ranking('utility', month),
    svc.monthCounts(me.table, [addMonths(month, -1), month]),
    categoriesAndWarnings(db, period, baseline, scope, lastYear),
  ]);
  return {
    kind: 'monthly',
    jurisdiction: me.jurisdiction,
    label: month,
    month,
    timeZone: svc.timeZone,
    period: iso(period),
    status: svc.status(month),
    generatedAt: new Date().toISOString(),
    city: figures(svc, city.get(month)?.get(me.unit)),
    previous: figures(svc, city.get(addMonths(month, -1))?.get(me.unit)),
    baseline: { ...iso(baseline), label: `${addMonths(month, -3)}/${addMonths(month, -1)}` },
    // the published monthly ranking: whole, for every reader (as /api/ranking)
    streets,
    districts,
    departments,
    utilities,
    ...cw,
  };
}

function sumMonths(byMonth: Map<string, Map<string, Counts>>, months: readonly string[]): Map<string, Counts> {
  const out = new Map<string, Counts>();
  for (const m of months)
    for (const [unit, c] of byMonth.get(m) ?? []) out.set(unit, addCounts(out.get(unit) ?? zeroCounts(), c));
  return out;
}

async function annualTable(svc: RankingService, table: RankingTable, year: number): Promise<AnnualRow[]> {
  const months = monthsBetween(`${year}-01`, `${year}-12`);
  // Each fact falls in exactly one month, so a year's counts are the sum of its months' (cached) counts.
  const [counts, tables] = await Promise.all([
    svc.monthCounts(table, months),
    svc.monthTables(table, months[0]!, months[11]!),
  ]);
  const rows = await periodTable(svc, table, sumMonths(counts, months));
  const classMonths = new Map<string, ClassMonths>();
  for (const m of tables.months) {
    for (const r of m.table.rows) {
      const cm = classMonths.get(r.code) ?? {
        advanced: 0,
        progressing: 0,
        rectification: 0,
        governance: 0,
        redZone: 0,
      };
      for (const cls of r.classes as UnitClass[]) cm[cls] += 1;
      if (m.redZone.has(r.code)) cm.redZone += 1;
      classMonths.set(r.code, cm);
    }
  }
  return rows.map((r) => ({
    ...r,
    classMonths: classMonths.get(r.code) ?? {
      advanced: 0,
      progressing: 0,
      rectification: 0,
      governance: 0,
      redZone: 0,
    },
  }));
}

export async function annualReport(db: Queryable, year: number, scope: Scope = CITY_SCOPE): Promise<AnnualReport> {
  const svc = rankingService(db);
  const me = ownUnit(scope);
  const period = yearPeriod(year, svc.timeZone);
  const baseline = yearPeriod(year - 1, svc.timeZone);
  const months = monthsBetween(`${year}-01`, `${year}-12`);
  const lastYear = monthsBetween(`${year - 1}-01`, `${year - 1}-12`);
  const [cityByMonth, streets, districts, departments, utilities, cw] = await Promise.all([
    svc.monthCounts(me.table, [...lastYear, ...months]),
    annualTable(svc, 'street', year),
    annualTable(svc, 'district', year),
    annualTable(svc, 'department', year),
    annualTable(svc, 'utility', year),
    categoriesAndWarnings(db, period, baseline, scope),
  ]);
  return {
    kind: 'annual',
    jurisdiction: me.jurisdiction,
    label: String(year),
    year,
    timeZone: svc.timeZone,
    period: iso(period),
    status: statusOf(svc, period),
    generatedAt: new Date().toISOString(),
    city: figures(svc, sumMonths(cityByMonth, months).get(me.unit)),
    previous: figures(svc, sumMonths(cityByMonth, lastYear).get(me.unit)),
    baseline: { ...iso(baseline), label: String(year - 1) },
    months: months.map((month) => ({ month, ...figures(svc, cityByMonth.get(month)?.get(me.unit)) })),
    streets: ownRows(scope, streets),
    districts: ownRows(scope, districts),
    departments: ownRows(scope, departments),
    utilities: ownRows(scope, utilities),
    ...cw,
  };
}
