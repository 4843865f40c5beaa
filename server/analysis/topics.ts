// "One topic per month" (每月一题) candidates served by /api/topics: per category the components of
// topicScore.ts from the rollups, the ranked list, and per candidate its trend, where it
// concentrates (streets, H3 cells) and the tickets of the last 12 months it would cover.
import type { Queryable } from '../../db/client.ts';
import type { Scope } from '../auth/principal.ts';
import { DEFAULT_POLICY } from '../../data/policy/index.ts';
import { addDays, monthIndex, monthKeyOf, monthStart } from './calendar.ts';
import { AnalysisInputError } from './params.ts';
import { categoryMonths, categoryStreets, recurringPlaceShare, streetsInScope, topCells } from './sql/monthly.ts';
import { analysisArea, categoryInfo, dataSpan } from './sql/scope.ts';
import { normaliseWeights, scoreTopics, type TopicInput, type TopicWeights } from './topicScore.ts';
import { perDatabase } from './ttlCache.ts';

/** A place counts as recurring for a category when it came back in this many distinct months. */
export const RECURRING_MONTHS = 3;

const reads = perDatabase<
  [
    Awaited<ReturnType<typeof categoryMonths>>,
    Awaited<ReturnType<typeof categoryStreets>>,
    Awaited<ReturnType<typeof streetsInScope>>,
    Awaited<ReturnType<typeof recurringPlaceShare>>,
  ]
>(5 * 60_000, 20);
export const TREND_MONTHS = 13;

export interface TopicRequest {
  month?: string;
  district?: string;
  weights: Partial<TopicWeights>;
  limit: number;
  minTickets: number;
}

/** The last month the data covers completely (or the month of the latest day if none is). */
export function lastCompleteMonth(lastDay: string): number {
  const m = monthIndex(lastDay);
  return monthStart(m + 1) === addDays(lastDay, 1) ? m : m - 1;
}

/** Candidates from the principal's jurisdiction only (a district's or a street's tickets). */
export async function topicCandidates(db: Queryable, req: TopicRequest, jurisdiction: Scope) {
  const weights = normaliseWeights(req.weights);
  const [{ district, street }, span, info] = await Promise.all([
    analysisArea(db, jurisdiction, req.district),
    dataSpan(db),
    categoryInfo(db),
  ]);
  const area = { district, street };
  if (span.last === null || span.first === null) throw new AnalysisInputError('month', 'there is no data to rank yet');
  const m = req.month !== undefined ? monthIndex(req.month) : lastCompleteMonth(span.last);
  if (monthStart(m) > span.last)
    throw new AnalysisInputError('month', `no data for ${monthKeyOf(m)} (data ends ${span.last})`);
  const firstCovered =
    monthStart(monthIndex(span.first)) === span.first ? monthIndex(span.first) : monthIndex(span.first) + 1;

  const window = { start: monthStart(m - 2), end: monthStart(m + 1) };
  const year = { start: monthStart(m - 11), end: monthStart(m + 1) };
  const lastYearCovered = m - 14 >= firstCovered;
  // The reads do not depend on the weights: a planner trying weights is answered from the cache.
  const [months, streets, scope, recurring] = await reads(db).get(JSON.stringify([m, district, street, span]), () =>
    Promise.all([
      categoryMonths(db, monthStart(m - 14), window.end, area),
      categoryStreets(db, window.start, window.end, area),
      streetsInScope(db, area),
      recurringPlaceShare(db, year.start, year.end, area, RECURRING_MONTHS),
    ]),
  );

  const byCategory = new Map<string, Map<number, (typeof months)[number]>>();
  for (const r of months) {
    if (!byCategory.has(r.category)) byCategory.set(r.category, new Map());
    byCategory.get(r.category)!.set(r.month, r);
  }
  const streetsOf = new Map<string, { street: string; tickets: number }[]>();
  for (const s of streets) {
    if (!streetsOf.has(s.category)) streetsOf.set(s.category, []);
    streetsOf.get(s.category)!.push(s);
  }
  const sumOver = (
    cat: string,
    from: number,
    to: number,
    key: 'tickets' | 'calledBack' | 'solved' | 'satisfied' | 'basic' | 'repeats',
  ) => {
    let s = 0;
    for (let i = from; i <= to; i++) s += byCategory.get(cat)?.get(i)?.[key] ?? 0;
    return s;
  };

  const inputs: TopicInput[] = [];
  for (const cat of [...byCategory.keys()].sort()) {
    const window3 = sumOver(cat, m - 2, m, 'tickets');
    if (window3 < req.minTickets) continue;
    const rec = recurring.get(cat);
    inputs.push({
      code: cat,
      window: window3,
      lastYearWindow: lastYearCovered ? sumOver(cat, m - 14, m - 12, 'tickets') : null,
      previousWindow: sumOver(cat, m - 5, m - 3, 'tickets'),
      byStreet: (streetsOf.get(cat) ?? []).map((s) => s.tickets),
      streetsInScope: scope.size,
      calledBack: sumOver(cat, m - 2, m, 'calledBack'),
      solved: sumOver(cat, m - 2, m, 'solved'),
      satisfied: sumOver(cat, m - 2, m, 'satisfied'),
      basic: sumOver(cat, m - 2, m, 'basic'),
      yearTickets: rec?.tickets ?? 0,
      recurringTickets: rec?.recurring ?? 0,
    });
  }
  const basicWeight = DEFAULT_POLICY.satisfactionWeights.basic;
  const ranked = scoreTopics(inputs, weights, basicWeight).slice(0, req.limit);
  const inputOf = new Map(inputs.map((t) => [t.code, t]));
  const candidates = await Promise.all(
    ranked.map(async (r, i) => {
      const t = inputOf.get(r.code)!;
      const cat = info.get(r.code);
      const top = (streetsOf.get(r.code) ?? [])
        .sort((a, b) => b.tickets - a.tickets || (a.street < b.street ? -1 : 1))
        .slice(0, 5);
      const cells = await topCells(db, 8, [r.code], window.start, window.end, area, 5);
      return {
        rank: i + 1,
        category: {
          code: r.code,
          nameZh: cat?.nameZh ?? r.code,
          nameEn: cat?.nameEn ?? r.code,
          groupCode: cat?.groupCode ?? null,
        },
        // The line department a class-wide fix would involve, beside the streets below.
        department: cat?.departmentCode
          ? {
              code: cat.departmentCode,
              zh: cat.departmentZh ?? cat.departmentCode,
              en: cat.departmentEn ?? cat.departmentCode,
            }
          : null,
        score: Math.round(r.score * 10) / 10,
        components: r.components,
        tickets: {
          month: sumOver(r.code, m, m, 'tickets'),
          window: t.window,
          lastYearWindow: t.lastYearWindow,
          previousWindow: t.previousWindow,
        },
        resolutionRate: t.calledBack > 0 ? round4(t.solved / t.calledBack) : null,
        satisfactionRate: t.calledBack > 0 ? round4((t.satisfied + basicWeight * t.basic) / t.calledBack) : null,
        repeats: sumOver(r.code, m - 2, m, 'repeats'),
        // How many tickets a fix would have covered: the category's tickets in the last 12 months.
        coveredLastYear: sumOver(r.code, m - 11, m, 'tickets'),
        // Recurring places (res-9 cells with the category in ≥ RECURRING_MONTHS months of the last
        // 12) and their tickets: one definition for the score, the candidate and its brief.
        recurringPlaces: recurring.get(r.code)?.places ?? 0,
        recurringPlaceTickets: t.recurringTickets,
        trend: Array.from({ length: TREND_MONTHS }, (_, k) => {
          const mi = m - TREND_MONTHS + 1 + k;
          return [monthKeyOf(mi), mi >= monthIndex(span.first!) ? sumOver(r.code, mi, mi, 'tickets') : null] as [
            string,
            number | null,
          ];
        }),
        topStreets: top.map((s) => ({
          code: s.street,
          name: scope.get(s.street)?.name ?? s.street,
          nameEn: scope.get(s.street)?.nameEn ?? s.street,
          tickets: s.tickets,
          share: round4(s.tickets / t.window),
        })),
        topCells: cells,
        map: `/api/hotspots?res=8&category=${encodeURIComponent(r.code)}&from=${window.start}&to=${lastDayOf(m)}${district && street === null ? `&district=${district}` : ''}`,
      };
    }),
  );
  return {
    month: monthKeyOf(m),
    window: { from: window.start, to: lastDayOf(m) },
    district,
    ...(street === null ? {} : { street }),
    weights,
    yearOnYear: lastYearCovered,
    candidatesConsidered: inputs.length,
    candidates,
  };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
const lastDayOf = (m: number) => addDays(monthStart(m + 1), -1);
