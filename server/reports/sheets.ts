// Report documents as plain tables (one per sheet), in the chosen language. xlsx.ts writes them;
// keeping the table shape apart from exceljs lets tests check headers and values without a workbook.
import type { Rate } from '../ranking/rates.ts';
import type { RankingRow, RankingResult } from '../ranking/service.ts';
import type { UnitClass } from '../ranking/classes.ts';
import type {
  AnnualReport,
  AnnualRow,
  CategoryLine,
  DailyReport,
  Figures,
  MonthlyBulletin,
  Report,
  WarningLine,
  WeeklyReport,
} from './build.ts';
import { CHANNEL_LABELS, KIND_LABELS, t, type LabelKey, type Lang } from './labels.ts';

export type Cell = string | number | null;

export interface Column {
  key: string;
  header: string;
  width: number;
  /** Excel number format, e.g. '0.00'. */
  numFmt?: string;
}

export interface Sheet {
  name: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

const col = (key: string, label: LabelKey, lang: Lang, width = 12, numFmt?: string): Column => ({
  key,
  header: t(label, lang),
  width,
  numFmt,
});

/** Percent to two decimals for tables; null stays empty (no denominator). */
export function pct(r: Rate): number | null {
  return r.percent === null ? null : Math.round(r.percent * 100) / 100;
}

function round2(x: number | null): number | null {
  return x === null ? null : Math.round(x * 100) / 100;
}

function name(lang: Lang, zh: string | null, en: string | null): string {
  return (lang === 'zh' ? zh : en) ?? zh ?? en ?? '';
}

function classNames(classes: readonly UnitClass[], lang: Lang): string {
  return classes.map((c) => t(c, lang)).join(lang === 'zh' ? '、' : ', ');
}

// ---- building blocks ------------------------------------------------------------------------------

function rankingColumns(lang: Lang, opts: { change: boolean; classes: boolean; parent: boolean }): Column[] {
  return [
    col('rank', 'rank', lang, 7),
    ...(opts.change ? [col('rankChange', 'rankChange', lang, 9)] : []),
    col('code', 'code', lang, 14),
    col('name', 'name', lang, 22),
    ...(opts.parent ? [col('parent', 'parent', lang, 12)] : []),
    col('score', 'score', lang, 10, '0.00'),
    col('response', 'response', lang, 11, '0.00'),
    col('resolution', 'resolution', lang, 11, '0.00'),
    col('satisfaction', 'satisfaction', lang, 11, '0.00'),
    col('dispatched', 'dispatched', lang, 9),
    col('respondedInTime', 'respondedInTime', lang, 9),
    col('calledBack', 'calledBack', lang, 9),
    col('solved', 'solved', lang, 9),
    col('satisfied', 'satisfied', lang, 9),
    col('basic', 'basic', lang, 9),
    col('dissatisfied', 'dissatisfied', lang, 9),
    col('unjustifiedReturns', 'unjustifiedReturns', lang, 9),
    col('volume', 'volume', lang, 9),
    col('per10k', 'per10k', lang, 10, '0.00'),
    ...(opts.classes ? [col('classes', 'classes', lang, 18), col('redZone', 'redZoneFlag', lang, 7)] : []),
  ];
}

export function rankingRow(r: RankingRow, lang: Lang): Record<string, Cell> {
  return {
    rank: r.rank,
    rankChange: r.rankChange,
    code: r.code,
    name: name(lang, r.nameZh, r.nameEn) || r.code,
    parent: name(lang, r.parentNameZh, r.parentNameEn),
    score: r.score,
    response: pct(r.response),
    resolution: pct(r.resolution),
    satisfaction: pct(r.satisfaction),
    dispatched: r.counts.dispatched,
    respondedInTime: r.counts.respondedInTime,
    calledBack: r.counts.calledBack,
    solved: r.counts.solved,
    satisfied: r.counts.satisfied,
    basic: r.counts.basic,
    dissatisfied: r.counts.dissatisfied,
    unjustifiedReturns: r.counts.unjustifiedReturns,
    volume: r.volume,
    per10k: round2(r.volumePer10k),
    classes: classNames(r.classes, lang),
    redZone: r.redZone ? t('yes', lang) : '',
  };
}

function rankingSheet(
  nameKey: LabelKey,
  rows: readonly RankingRow[],
  lang: Lang,
  opts: { change: boolean; classes: boolean; parent: boolean },
): Sheet {
  return { name: t(nameKey, lang), columns: rankingColumns(lang, opts), rows: rows.map((r) => rankingRow(r, lang)) };
}

function figureLines(lang: Lang, cur: Figures, prev: Figures): Record<string, Cell>[] {
  const line = (label: LabelKey, a: Cell, b: Cell) => ({ item: t(label, lang), current: a, previous: b });
  return [
    line('volume', cur.counts.volume, prev.counts.volume),
    line('dispatched', cur.counts.dispatched, prev.counts.dispatched),
    line('respondedInTime', cur.counts.respondedInTime, prev.counts.respondedInTime),
    line('response', pct(cur.response), pct(prev.response)),
    line('calledBack', cur.counts.calledBack, prev.counts.calledBack),
    line('solved', cur.counts.solved, prev.counts.solved),
    line('resolution', pct(cur.resolution), pct(prev.resolution)),
    line('satisfied', cur.counts.satisfied, prev.counts.satisfied),
    line('basic', cur.counts.basic, prev.counts.basic),
    line('dissatisfied', cur.counts.dissatisfied, prev.counts.dissatisfied),
    line('satisfaction', pct(cur.satisfaction), pct(prev.satisfaction)),
    line('score', cur.score, prev.score),
    line('unjustifiedReturns', cur.counts.unjustifiedReturns, prev.counts.unjustifiedReturns),
  ];
}

function summarySheet(report: Report, lang: Lang, extra: Record<string, Cell>[] = []): Sheet {
  return {
    name: t('summary', lang),
    columns: [
      col('item', 'item', lang, 24),
      col('current', 'current', lang, 14, '0.00'),
      col('previous', 'previousPeriod', lang, 14, '0.00'),
    ],
    rows: [...figureLines(lang, report.city, report.previous), ...extra],
  };
}

function intakeLines(report: DailyReport | WeeklyReport, lang: Lang): Record<string, Cell>[] {
  const out: Record<string, Cell>[] = [
    { item: t('received', lang), current: report.intake.total, previous: null },
    { item: t('overdueOpen', lang), current: report.overdueOpen, previous: null },
  ];
  for (const [kind, n] of Object.entries(report.intake.byKind))
    out.push({ item: `${t('received', lang)} · ${KIND_LABELS[kind]?.[lang] ?? kind}`, current: n, previous: null });
  for (const [ch, n] of Object.entries(report.intake.byChannel))
    out.push({ item: `${t('received', lang)} · ${CHANNEL_LABELS[ch]?.[lang] ?? ch}`, current: n, previous: null });
  return out;
}

function categoriesSheet(lines: readonly CategoryLine[], lang: Lang): Sheet {
  return {
    name: t('categories', lang),
    columns: [
      col('code', 'code', lang, 24),
      col('name', 'category', lang, 20),
      col('current', 'current', lang, 10),
      col('expected', 'expected', lang, 10, '0.0'),
      col('change', 'change', lang, 10, '0.0'),
    ],
    rows: lines.map((c) => ({
      code: c.code,
      name: lang === 'zh' ? c.nameZh : c.nameEn,
      current: c.current,
      expected: Math.round(c.expected * 10) / 10,
      change: c.change === null ? null : Math.round(c.change * 1000) / 10,
    })),
  };
}

function warningsSheet(lines: readonly WarningLine[], lang: Lang): Sheet {
  return {
    name: t('warnings', lang),
    columns: [
      col('category', 'category', lang, 20),
      col('district', 'district', lang, 12),
      col('current', 'current', lang, 10),
      col('expected', 'expected', lang, 10, '0.0'),
      col('ratio', 'ratio', lang, 8, '0.0'),
      col('p', 'probability', lang, 12, '0.00E+00'),
      col('level', 'level', lang, 10),
    ],
    rows: lines.map((w) => ({
      category: lang === 'zh' ? w.categoryNameZh : w.categoryNameEn,
      district: w.districtCode === null ? t('wholeCity', lang) : name(lang, w.districtNameZh, w.districtNameEn),
      current: w.current,
      expected: Math.round(w.expected * 10) / 10,
      ratio: Math.round(w.ratio * 10) / 10,
      p: w.p,
      level: t(w.level, lang),
    })),
  };
}

function figureColumns(lang: Lang): Column[] {
  return [
    col('volume', 'volume', lang, 9),
    col('dispatched', 'dispatched', lang, 9),
    col('response', 'response', lang, 11, '0.00'),
    col('calledBack', 'calledBack', lang, 9),
    col('resolution', 'resolution', lang, 11, '0.00'),
    col('satisfaction', 'satisfaction', lang, 11, '0.00'),
    col('score', 'score', lang, 10, '0.00'),
  ];
}

function figureCells(f: Figures): Record<string, Cell> {
  return {
    volume: f.counts.volume,
    dispatched: f.counts.dispatched,
    response: pct(f.response),
    calledBack: f.counts.calledBack,
    resolution: pct(f.resolution),
    satisfaction: pct(f.satisfaction),
    score: f.score,
  };
}

function moversSheet(r: RankingResult, lang: Lang): Sheet {
  const line = (dir: 'up' | 'down') => (m: RankingResult['movers']['up'][number]) => ({
    direction: t(dir, lang),
    code: m.code,
    name: name(lang, m.nameZh, m.nameEn) || m.code,
    previousRank: m.previousRank,
    rank: m.rank,
    rankChange: m.rankChange,
    eligible: m.eligible ? t('yes', lang) : '',
  });
  return {
    name: t('movers', lang),
    columns: [
      col('direction', 'direction', lang, 8),
      col('code', 'code', lang, 14),
      col('name', 'name', lang, 22),
      col('previousRank', 'previousRank', lang, 10),
      col('rank', 'rank', lang, 8),
      col('rankChange', 'rankChange', lang, 10),
      col('eligible', 'eligible', lang, 12),
    ],
    rows: [...r.movers.up.map(line('up')), ...r.movers.down.map(line('down'))],
  };
}

function redZoneSheet(r: RankingResult, lang: Lang): Sheet {
  return {
    name: t('redZone', lang),
    columns: [
      col('code', 'code', lang, 14),
      col('name', 'name', lang, 22),
      col('parent', 'parent', lang, 12),
      col('streak', 'streak', lang, 12),
      col('rank', 'rank', lang, 8),
      col('score', 'score', lang, 10, '0.00'),
    ],
    rows: r.rows
      .filter((x) => x.redZone)
      .map((x) => ({
        code: x.code,
        name: name(lang, x.nameZh, x.nameEn) || x.code,
        parent: name(lang, x.parentNameZh, x.parentNameEn),
        streak: x.rectificationStreak,
        rank: x.rank,
        score: x.score,
      })),
  };
}

function annualSheet(nameKey: LabelKey, rows: readonly AnnualRow[], lang: Lang, parent: boolean): Sheet {
  const base = rankingSheet(nameKey, rows, lang, { change: false, classes: false, parent });
  return {
    ...base,
    columns: [
      ...base.columns,
      col('monthsAdvanced', 'monthsAdvanced', lang, 10),
      col('monthsProgressing', 'monthsProgressing', lang, 10),
      col('monthsRectification', 'monthsRectification', lang, 10),
      col('monthsGovernance', 'monthsGovernance', lang, 10),
      col('monthsRedZone', 'monthsRedZone', lang, 10),
    ],
    rows: rows.map((r, i) => ({
      ...base.rows[i]!,
      monthsAdvanced: r.classMonths.advanced,
      monthsProgressing: r.classMonths.progressing,
      monthsRectification: r.classMonths.rectification,
      monthsGovernance: r.classMonths.governance,
      monthsRedZone: r.classMonths.redZone,
    })),
  };
}

// ---- one function per report ------------------------------------------------------------------------

export function dailySheets(r: DailyReport, lang: Lang): Sheet[] {
  return [
    summarySheet(r, lang, intakeLines(r, lang)),
    rankingSheet('districts', r.districts, lang, { change: false, classes: false, parent: false }),
    categoriesSheet(r.categories, lang),
    warningsSheet(r.warnings, lang),
  ];
}

export function weeklySheets(r: WeeklyReport, lang: Lang): Sheet[] {
  return [
    summarySheet(r, lang, intakeLines(r, lang)),
    {
      name: t('days', lang),
      columns: [col('date', 'date', lang, 12), ...figureColumns(lang)],
      rows: r.days.map((d) => ({ date: d.date, ...figureCells(d) })),
    },
    rankingSheet('districts', r.districts, lang, { change: false, classes: false, parent: false }),
    rankingSheet('best', r.streets.best, lang, { change: false, classes: false, parent: true }),
    rankingSheet('worst', r.streets.worst, lang, { change: false, classes: false, parent: true }),
    categoriesSheet(r.categories, lang),
    warningsSheet(r.warnings, lang),
  ];
}

export function monthlySheets(r: MonthlyBulletin, lang: Lang): Sheet[] {
  return [
    summarySheet(r, lang),
    rankingSheet('streets', r.streets.rows, lang, { change: true, classes: true, parent: true }),
    moversSheet(r.streets, lang),
    redZoneSheet(r.streets, lang),
    rankingSheet('districts', r.districts.rows, lang, { change: true, classes: true, parent: false }),
    rankingSheet('departments', r.departments.rows, lang, { change: true, classes: true, parent: false }),
    rankingSheet('utilities', r.utilities.rows, lang, { change: true, classes: true, parent: false }),
    categoriesSheet(r.categories, lang),
    warningsSheet(r.warnings, lang),
  ];
}

export function annualSheets(r: AnnualReport, lang: Lang): Sheet[] {
  return [
    summarySheet(r, lang),
    {
      name: t('months', lang),
      columns: [col('month', 'month', lang, 10), ...figureColumns(lang)],
      rows: r.months.map((m) => ({ month: m.month, ...figureCells(m) })),
    },
    annualSheet('streets', r.streets, lang, true),
    annualSheet('districts', r.districts, lang, false),
    annualSheet('departments', r.departments, lang, false),
    annualSheet('utilities', r.utilities, lang, false),
    categoriesSheet(r.categories, lang),
    warningsSheet(r.warnings, lang),
  ];
}

export function reportSheets(r: Report, lang: Lang): Sheet[] {
  switch (r.kind) {
    case 'daily':
      return dailySheets(r, lang);
    case 'weekly':
      return weeklySheets(r, lang);
    case 'monthly':
      return monthlySheets(r, lang);
    case 'annual':
      return annualSheets(r, lang);
  }
}
