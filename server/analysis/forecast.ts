// "Handle before complaint" (未诉先办) served by /api/forecast: expected tickets per H3 cell and
// category for the coming month(s) (forecastModel.ts), a proactive work list, the backtest, and
// the before/after measure of an intervention (interventionEffect.ts). Reads monthly sums of the
// H3 rollup.
import { getResolution, gridDisk, isValidCell, cellToLatLng, cellToBoundary } from 'h3-js';
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { OutOfScope } from '../auth/scope.ts';
import { addDays, monthIndex, monthKeyOf, monthStart } from './calendar.ts';
import {
  BASELINES,
  mean,
  packHistory,
  pairedBootstrap,
  type BacktestUnit,
  type Baseline,
  type ForecastParams,
  type MonthlyHistory,
  type PairedComparison,
} from './forecastModel.ts';
import { interventionEffect, matchControls, type PlaceCounts } from './interventionEffect.ts';
import { AnalysisInputError } from './params.ts';
import { monthlyCellCategoryCounts, studyCells, windowCounts, type H3Res } from './sql/h3.ts';
import { analysisArea, categoryInfo, dataSpan, meaningfulSpan, resolveCategories, type DataSpan } from './sql/scope.ts';
import { lastCompleteMonth } from './topics.ts';
import { perDatabase } from './ttlCache.ts';
import { offThread } from './computeThread.ts';

/** Months of history the forecast reads: two complete years (season and year-on-year trend) and the months up to the target. */
export const HISTORY_MONTHS = 27;
/** Default share of the expected tickets a proactive visit avoids (domain: roofs −90%, heating −50%). */
export const DEFAULT_AVOIDABLE_SHARE = 0.5;

/** Days with data in each month of [first, first + count). */
function coveredDays(span: DataSpan, first: number, count: number, before: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = monthStart(first + i);
    const end = monthStart(first + i + 1);
    const a = span.first !== null && span.first > start ? span.first : start;
    const lastPlusOne = span.last === null ? start : addDays(span.last, 1);
    const b = [end, lastPlusOne, before].sort()[0];
    out.push(
      span.first === null || b <= a
        ? 0
        : Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000),
    );
  }
  return out;
}

/** Histories read in the last 5 minutes, by what they cover (the latest data day included). */
const histories = perDatabase<MonthlyHistory>(5 * 60_000, 20);

/** Monthly (cell, category) history over months [first, first + count), nothing on or after `before`. */
function loadHistory(
  db: Queryable,
  scope: { res: H3Res; categories: string[] | null; district: string | null; street: string | null },
  span: DataSpan,
  first: number,
  count: number,
  before: string,
): Promise<MonthlyHistory> {
  const key = JSON.stringify([scope, span, first, count, before]);
  return histories(db).get(key, () => readHistory(db, scope, span, first, count, before));
}

async function readHistory(
  db: Queryable,
  scope: { res: H3Res; categories: string[] | null; district: string | null; street: string | null },
  span: DataSpan,
  first: number,
  count: number,
  before: string,
): Promise<MonthlyHistory> {
  const end = [monthStart(first + count), before].sort()[0];
  const rows = await monthlyCellCategoryCounts(db, scope, monthStart(first), end);
  const units = new Map<string, { place: string; category: string; counts: number[] }>();
  for (const r of rows) {
    const key = `${r.cell}|${r.category}`;
    let u = units.get(key);
    if (!u) units.set(key, (u = { place: r.cell, category: r.category, counts: new Array<number>(count).fill(0) }));
    const i = r.month - first;
    if (i >= 0 && i < count) u.counts[i] += r.n;
  }
  const sorted = [...units.values()].sort((a, b) =>
    a.place < b.place ? -1 : a.place > b.place ? 1 : a.category < b.category ? -1 : a.category > b.category ? 1 : 0,
  );
  return { firstMonth: first, coveredDays: coveredDays(span, first, count, before), units: sorted };
}

export interface ForecastRequest {
  month?: string;
  res: H3Res;
  horizon: number;
  category?: string;
  district?: string;
  limit: number;
  avoidableShare: number;
}

/** History, forecast and work list of the principal's jurisdiction only. */
export async function forecast(db: Queryable, req: ForecastRequest, jurisdiction: Scope) {
  const [categories, { district, street }, span, info] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
    categoryInfo(db),
  ]);
  if (span.last === null) throw new AnalysisInputError('month', 'there is no history to forecast from');
  const target = req.month !== undefined ? monthIndex(req.month) : monthIndex(span.last) + 1;
  // History stops before the target: a past month is forecast as it would have been then.
  const before = [monthStart(target), addDays(span.last, 1)].sort()[0];
  const first = target - HISTORY_MONTHS;
  const h = await loadHistory(db, { res: req.res, categories, district, street }, span, first, HISTORY_MONTHS, before);
  if (h.coveredDays.every((d) => d === 0))
    throw new AnalysisInputError('month', `no history before ${monthKeyOf(target)}`);

  const expected = new Float64Array(h.units.length);
  const categoryTotals = new Map<string, number>();
  const months = [];
  // The model's arithmetic on the analysis thread (computeThread.ts): the event loop stays free.
  // The history crosses packed; the expected counts come back aligned with its units.
  const forecasts = await offThread('forecastMonths', packHistory(h), target, req.horizon);
  for (let k = 0; k < req.horizon; k++) {
    const f = forecasts[k];
    months.push(monthKeyOf(target + k));
    for (let j = 0; j < f.expected.length; j++) expected[j] += f.expected[j];
    for (const c of f.categories)
      categoryTotals.set(c.category, (categoryTotals.get(c.category) ?? 0) + c.perDay * f.days);
  }
  // What the units looked like: last month of history, and the same month(s) last year.
  const lastIdx = h.coveredDays.length - 1 - [...h.coveredDays].reverse().findIndex((d) => d > 0);
  const sameIdx = target - 12 - first;
  const byCell = new Map<string, number>();
  const pairs = h.units.map((u, j) => {
    const e = expected[j];
    byCell.set(u.place, (byCell.get(u.place) ?? 0) + e);
    return {
      cell: u.place,
      category: u.category,
      expected: e,
      lastMonth: u.counts[lastIdx] ?? 0,
      sameMonthLastYear: sameIdx >= 0 && h.coveredDays[sameIdx] > 0 ? u.counts[sameIdx] : null,
    };
  });
  pairs.sort((a, b) => b.expected - a.expected || (a.cell < b.cell ? -1 : 1) || (a.category < b.category ? -1 : 1));
  const work = pairs.slice(0, req.limit);
  const places = await locateCells(
    db,
    work.map((w) => w.cell),
  );
  // A past month forecast as it would have been: show what actually came beside it.
  const actual =
    target + req.horizon - 1 <= lastCompleteMonth(span.last)
      ? await windowCounts(
          db,
          { res: req.res, categories, district, street },
          monthStart(target),
          monthStart(target + req.horizon),
        )
      : null;
  const round2 = (x: number) => Math.round(x * 100) / 100;
  return {
    month: monthKeyOf(target),
    months,
    res: req.res,
    category: req.category ?? null,
    district,
    ...(street === null ? {} : { street }),
    history: { from: monthStart(first), before },
    model:
      'empirical-Bayes seasonal count model: per category long-run level × year-on-year trend × month-of-year index (shrunk to its group), shared out by each place’s long-run share carried to the month by its area’s trend (res-7 parent, pooled over all its tickets, shrunk by empirical Bayes) (see server/analysis/forecastModel.ts)',
    categories: [...categoryTotals]
      .sort((a, b) => b[1] - a[1])
      .map(([code, total]) => ({
        code,
        nameZh: info.get(code)?.nameZh ?? code,
        nameEn: info.get(code)?.nameEn ?? code,
        expected: round2(total),
      })),
    // Every forecast cell, for the map (the work list is the top of the (cell, category) pairs).
    cells: [...byCell]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .map(([cell, e]) => ({ cell, expected: round2(e), actual: actual ? (actual.get(cell) ?? 0) : undefined })),
    // 未诉先办 work list: where to inspect, for what, and how many complaints a visit may avoid.
    workList: work.map((w, i) => ({
      rank: i + 1,
      cell: w.cell,
      centroid: cellCentre(w.cell),
      street: places.get(w.cell) ?? null,
      category: {
        code: w.category,
        nameZh: info.get(w.category)?.nameZh ?? w.category,
        nameEn: info.get(w.category)?.nameEn ?? w.category,
      },
      department: info.get(w.category)?.departmentCode ?? null,
      departmentName: info.get(w.category)?.departmentZh
        ? { zh: info.get(w.category)!.departmentZh!, en: info.get(w.category)!.departmentEn ?? '' }
        : null,
      expected: round2(w.expected),
      lastMonth: w.lastMonth,
      sameMonthLastYear: w.sameMonthLastYear,
      avoidable: round2(w.expected * req.avoidableShare),
    })),
  };
}

function cellCentre(cell: string): [number, number] {
  const [lat, lon] = cellToLatLng(cell);
  return [Math.round(lon * 1e6) / 1e6, Math.round(lat * 1e6) / 1e6];
}

/** The street holding each cell's centre, by the one locate rule. */
async function locateCells(
  db: Queryable,
  cells: string[],
): Promise<Map<string, { code: string; name: string; districtCode: string | null }>> {
  const unique = [...new Set(cells)];
  if (unique.length === 0) return new Map();
  const centres = unique.map(cellCentre);
  const rows = await db.query<{ cell: string; code: string | null; name: string | null; district: string | null }>(
    `SELECT c.cell, l.street_code AS code, r.name_zh AS name, l.district_code AS district
       FROM unnest($1::text[], $2::float8[], $3::float8[]) AS c(cell, lon, lat)
       CROSS JOIN LATERAL hotline_locate(ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326)) l
       LEFT JOIN regions r ON r.code = l.street_code`,
    [unique, centres.map((c) => c[0]), centres.map((c) => c[1])],
  );
  return new Map(
    rows
      .filter((r) => r.code !== null)
      .map((r) => [r.cell, { code: r.code!, name: r.name ?? r.code!, districtCode: r.district }]),
  );
}

export interface BacktestRequest {
  res: H3Res;
  k: number;
  unit: 'cell' | 'cellCategory';
  from?: string;
  to?: string;
  category?: string;
  district?: string;
}

/**
 * precision@k of the forecast and of the four baselines for every complete month in [from, to]
 * (default: every complete month with a month of history before it), and the forecast against
 * each baseline by a paired bootstrap over those months.
 */
export async function forecastBacktest(
  db: Queryable,
  req: BacktestRequest,
  jurisdiction: Scope,
  params?: ForecastParams,
) {
  const [categories, { district, street }, span, meaningful] = await Promise.all([
    resolveCategories(db, req.category),
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
    meaningfulSpan(db),
  ]);
  if (span.first === null || span.last === null)
    throw new AnalysisInputError('from', 'there is no data to backtest on');
  // History starts at the first month of meaningful volume; stray records before it are reported.
  const firstMonth = monthIndex(meaningful.first ?? span.first);
  const lastFull = lastCompleteMonth(span.last);
  const from = req.from !== undefined ? monthIndex(req.from) : firstMonth + 1;
  const to = req.to !== undefined ? monthIndex(req.to) : lastFull;
  if (to > lastFull)
    throw new AnalysisInputError(
      'to',
      `${monthKeyOf(to)} is not complete in the data (last complete month ${monthKeyOf(lastFull)})`,
    );
  if (from > to) throw new AnalysisInputError('from', `${monthKeyOf(from)} is after ${monthKeyOf(to)}`);
  const count = to - firstMonth + 1;
  const h = await loadHistory(
    db,
    { res: req.res, categories, district, street },
    span,
    firstMonth,
    count,
    monthStart(to + 1),
  );
  const unit: BacktestUnit = req.unit === 'cell' ? 'place' : 'placeCategory';
  const rows = await offThread('backtest', packHistory(h), { from, to }, req.k, unit, params);
  const withSeasonal = rows.filter((r) => r.sameMonthLastYear !== null);
  const summary = (list: typeof rows) => ({
    months: list.length,
    forecast: mean(list.map((r) => r.forecast)),
    lastMonth: mean(list.map((r) => r.lastMonth)),
    sameMonthLastYear: mean(list.map((r) => r.sameMonthLastYear)),
    priorMean: mean(list.map((r) => r.priorMean)),
    seasonalNaive: mean(list.map((r) => r.seasonalNaive)),
  });
  // The forecast against each baseline: a paired bootstrap over the months both were scored.
  const comparison = Object.fromEntries(
    BASELINES.map((b) => [
      b,
      pairedBootstrap(
        rows.map((r) => r.forecast),
        rows.map((r) => r[b]),
      ),
    ]),
  ) as Record<Baseline, PairedComparison>;
  const beatsAll = BASELINES.every(
    (b) => comparison[b].p !== null && comparison[b].p! < 0.05 && comparison[b].difference! > 0,
  );
  return {
    res: req.res,
    k: req.k,
    unit: req.unit,
    category: req.category ?? null,
    district,
    ...(street === null ? {} : { street }),
    months: rows.map((r) => ({ ...r, month: monthKeyOf(r.month) })),
    // Means over all months, and over the months where the same month last year is in the data
    // (the only fair comparison with that baseline).
    mean: summary(rows),
    meanWhereSeasonal: summary(withSeasonal),
    comparison,
    /** Better than every baseline at p < 0.05 (each compared over the months it could be scored). */
    beatsAllBaselines: beatsAll,
    /** Located tickets before the first month of meaningful volume, left out of the history. */
    strayRecords: { before: monthStart(firstMonth), tickets: meaningful.strayTickets },
  };
}

export interface InterventionRequest {
  cells: string[];
  category?: string;
  date: string;
  windowDays: number;
  perTreated: number;
}

/**
 * Treated and control cells of the principal's jurisdiction, counting its own tickets only; a
 * scoped principal naming a cell that does not touch its region gets a 403 naming that cell.
 */
export async function measureIntervention(db: Queryable, req: InterventionRequest, jurisdiction: Scope) {
  req.cells.forEach((c, i) => {
    if (!isValidCell(c)) throw new AnalysisInputError(`cells.${i}`, `not an H3 cell: ${c}`);
  });
  const res = getResolution(req.cells[0]);
  req.cells.forEach((c, i) => {
    if (getResolution(c) !== res) throw new AnalysisInputError(`cells.${i}`, 'all cells must have the same resolution');
  });
  if (res < 7 || res > 9) throw new AnalysisInputError('cells', `H3 resolution ${res}: the rollups hold 7, 8 and 9`);
  const [categories, span, area] = await Promise.all([
    resolveCategories(db, req.category),
    dataSpan(db),
    analysisArea(db, jurisdiction, undefined),
  ]);
  if (jurisdiction.level !== 'city') await cellsInRegion(db, req.cells, jurisdiction.code);
  if (span.last === null) throw new AnalysisInputError('date', 'there is no data yet');
  if (req.date > span.last) throw new AnalysisInputError('date', `after the data (which ends ${span.last})`);
  // Equal windows before and after; the after window is cut at the data's end, and so is the before one.
  const days = Math.min(
    req.windowDays,
    Math.round((Date.parse(`${addDays(span.last, 1)}T00:00:00Z`) - Date.parse(`${req.date}T00:00:00Z`)) / 86_400_000),
  );
  const before = { from: addDays(req.date, -days), end: req.date };
  const after = { from: req.date, end: addDays(req.date, days) };
  const scope = { res: res as H3Res, categories, district: area.district, street: area.street };
  const [cells, b, a] = await Promise.all([
    studyCells(db, scope, addDays(after.end, -1)),
    windowCounts(db, scope, before.from, before.end),
    windowCounts(db, scope, after.from, after.end),
  ]);
  const treatedSet = new Set(req.cells);
  // Neighbours of treated cells are neither treated nor controls: the fix may help them too.
  const buffer = new Set(req.cells.flatMap((c) => gridDisk(c, 1)));
  const counts = (id: string): PlaceCounts => ({ id, before: b.get(id) ?? 0, after: a.get(id) ?? 0 });
  const treated = [...treatedSet].map(counts);
  const pool = cells.filter((c) => !buffer.has(c)).map(counts);
  const controls = matchControls(treated, pool, req.perTreated);
  const effect = interventionEffect(treated, controls);
  return {
    res,
    category: req.category ?? null,
    date: req.date,
    windowDays: days,
    before: { from: before.from, to: addDays(before.end, -1) },
    after: { from: after.from, to: addDays(after.end, -1) },
    treatedCells: treated,
    ...effect,
    method:
      'difference in differences against untreated cells matched on the before count (see server/analysis/interventionEffect.ts)',
  };
}

/** Every cell must touch the region's polygon (OutOfScope naming the first that does not). */
async function cellsInRegion(db: Queryable, cells: string[], region: string): Promise<void> {
  const rings = cells.map((c) => {
    const b = cellToBoundary(c, true);
    return `POLYGON((${[...b, b[0]].map(([lon, lat]) => `${lon} ${lat}`).join(',')}))`;
  });
  const rows = await db.query<{ i: number }>(
    `SELECT c.i::int AS i FROM unnest($1::text[]) WITH ORDINALITY AS c(wkt, i)
      WHERE NOT EXISTS (SELECT 1 FROM regions r WHERE r.code = $2 AND ST_Intersects(r.geom, ST_GeomFromText(c.wkt, 4326)))
      ORDER BY c.i LIMIT 1`,
    [rings, region],
  );
  if (rows[0]) {
    const i = rows[0].i - 1;
    throw new OutOfScope(`cells.${i}`, `cells.${i}: ${cells[i]} lies outside your jurisdiction (${region})`);
  }
}
