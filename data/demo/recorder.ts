// Collects the planted ground truth while tickets stream past: what was planned (places, months,
// units) plus what was actually generated (counts per month, distinct weeks, realised rates).
import type { DemoDay } from './calendar.ts';
import { CLUSTER_RADIUS_METRES, type PlantedSource } from './plan.ts';
import type { RegionModel } from './regions.ts';
import type { DemoTruth, HotspotPattern, MonthlyOutcome } from './truth.ts';
import type { DemoTicket } from './types.ts';
import type { UnitPlan } from './units.ts';

/** Repeat callers call again within this many days (the generator draws 1–7). */
export const REPEAT_WITHIN_DAYS = 7;
const EXAMPLES = 20;

export interface TruthRecorderInput {
  seed: number;
  total: number;
  now: Date;
  zone: string;
  days: readonly DemoDay[];
  months: string[];
  sources: readonly PlantedSource[];
  units: UnitPlan;
  model: RegionModel;
}

export interface TruthRecorder {
  record(t: DemoTicket, day: DemoDay): void;
  finish(): DemoTruth;
}

export function createTruthRecorder(input: TruthRecorderInput): TruthRecorder {
  const { days, months, sources, model } = input;
  const monthsWith = (s: PlantedSource) => {
    const set = new Set<string>();
    s.dayCounts.forEach((n, i) => n > 0 && set.add(days[i].monthKey));
    return months.filter((m) => set.has(m));
  };
  const street = (s: PlantedSource) => model.streets[s.streetIndex];

  const truth: DemoTruth = {
    version: 1,
    seed: input.seed,
    tickets: input.total,
    now: input.now.toISOString(),
    timeZone: input.zone,
    months,
    hotspots: sources
      .filter((s) => s.pattern !== 'cluster')
      .map((s) => ({
        id: s.id,
        pattern: s.pattern as HotspotPattern,
        story: s.story,
        h3r8: s.place.type === 'cell' ? s.place.h3r8 : '',
        centre: s.centre,
        streetCode: street(s)?.code ?? '',
        districtCode: street(s)?.districtCode ?? '',
        categories: s.categories,
        months: monthsWith(s),
        planted: 0,
        plantedByMonth: {},
      })),
    clusters: sources
      .filter((s) => s.pattern === 'cluster')
      .map((s) => ({
        id: s.id,
        story: s.story,
        categoryCode: s.categories[0],
        centre: s.centre,
        radiusMetres: CLUSTER_RADIUS_METRES,
        address: s.address ?? '',
        streetCode: street(s).code,
        districtCode: street(s).districtCode,
        months: monthsWith(s),
        weeks: 0,
        planted: 0,
        plantedByMonth: {},
      })),
    units: input.units.trends.map(({ code, trend }) => ({
      unitCode: code,
      unitKind: 'street',
      direction: trend.direction,
      fromMonth: months[trend.fromMonth],
      toMonth: months[trend.toMonth],
      before: trend.before,
      after: trend.after,
      realised: {},
    })),
    repeats: { count: 0, withinDays: REPEAT_WITHIN_DAYS, examples: [] },
    unlocated: { count: 0 },
    outside: { count: 0, ticketIds: [] },
  };

  const planted = new Map<string, { planted: number; plantedByMonth: Record<string, number> }>(
    [...truth.hotspots, ...truth.clusters].map((t) => [t.id, t]),
  );
  const clusterWeeks = new Map<string, Set<number>>(truth.clusters.map((c) => [c.id, new Set<number>()]));
  const trends = new Map(truth.units.map((u) => [u.unitCode, u]));
  const firstWeekOffset = (days[0].weekday + 6) % 7; // weeks start on Monday

  return {
    record(t, day) {
      const p = planted.get(t.source);
      if (p) {
        p.planted++;
        p.plantedByMonth[day.monthKey] = (p.plantedByMonth[day.monthKey] ?? 0) + 1;
        clusterWeeks.get(t.source)?.add(Math.floor((day.index + firstWeekOffset) / 7));
      }
      if (t.repeatOf !== null) {
        truth.repeats.count++;
        if (truth.repeats.examples.length < EXAMPLES)
          truth.repeats.examples.push({ ticketId: t.id, repeatOf: t.repeatOf, categoryCode: t.categoryCode });
      }
      if (t.lon === null) truth.unlocated.count++;
      if (t.source === 'outside') {
        truth.outside.count++;
        truth.outside.ticketIds.push(t.id);
      }
      // Realised rates of trend streets, from their own (territorial, active) dispatches.
      const territorial = t.dispatches.find((d) => d.role === 'territorial' && d.active);
      const trend = territorial ? trends.get(territorial.unitCode) : undefined;
      if (!trend || !territorial) return;
      const m: MonthlyOutcome = (trend.realised[day.monthKey] ??= {
        dispatched: 0,
        respondedOnTime: 0,
        calledBack: 0,
        solved: 0,
        satisfied: 0,
        basic: 0,
      });
      m.dispatched++;
      if (territorial.acceptedAt !== null && t.respondDueAt !== null && territorial.acceptedAt <= t.respondDueAt)
        m.respondedOnTime++;
      if (t.callbackAt !== null) {
        m.calledBack++;
        if (t.solved) m.solved++;
        if (t.satisfaction === 'satisfied') m.satisfied++;
        if (t.satisfaction === 'basic') m.basic++;
      }
    },
    finish() {
      for (const c of truth.clusters) c.weeks = clusterWeeks.get(c.id)?.size ?? 0;
      return truth;
    },
  };
}
