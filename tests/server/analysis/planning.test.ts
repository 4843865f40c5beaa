// Pure modules behind clusters, topics and forecasts, on hand-computed cases.
import { describe, expect, it } from 'vitest';
import { gridDisk, latLngToCell } from 'h3-js';
import {
  addDays,
  completeSteps,
  decomposeWindow,
  monthIndex,
  monthKeyOf,
  parseDate,
  weekStart,
} from '../../../server/analysis/calendar.ts';
import { recurrencePattern, seasonBlock } from '../../../server/analysis/recurrence.ts';
import {
  DEFAULT_TOPIC_WEIGHTS,
  effectiveStreets,
  normaliseWeights,
  percentileRanks,
  scoreTopics,
  type TopicInput,
} from '../../../server/analysis/topicScore.ts';
import { interventionEffect, matchControls } from '../../../server/analysis/interventionEffect.ts';
import { poissonUpperTail } from '../../../server/analysis/poisson.ts';
import { localExcess, ringIndex } from '../../../server/analysis/localBaseline.ts';

describe('city calendar', () => {
  it('starts weeks on Monday and counts complete steps from the latest day', () => {
    expect(weekStart('2025-01-01')).toBe('2024-12-30');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(completeSteps('2025-12-31', 'month', 12)).toMatchObject({ start: '2025-01-01', end: '2026-01-01' });
    // Data up to 20 November: November is not complete, so the analysis ends with October.
    expect(completeSteps('2025-11-20', 'month', 3).starts).toEqual(['2025-08-01', '2025-09-01', '2025-10-01']);
    // 28 December 2025 is a Sunday: its week is complete.
    expect(completeSteps('2025-12-28', 'week', 2).starts).toEqual(['2025-12-15', '2025-12-22']);
    expect(completeSteps('2025-12-27', 'week', 1).starts).toEqual(['2025-12-15']);
    expect(monthKeyOf(monthIndex('2025-01') - 1)).toBe('2024-12');
    expect(() => parseDate('2025-02-30')).toThrow();
  });

  it('splits a window into whole months, whole weeks and single days', () => {
    // 2025-12-10 (Wed) .. 2026-04-08 (Wed), end exclusive.
    expect(decomposeWindow('2025-12-10', '2026-04-08')).toEqual({
      months: ['2026-01-01', '2026-02-01', '2026-03-01'],
      weeks: ['2025-12-15', '2025-12-22'],
      days: [
        '2025-12-10',
        '2025-12-11',
        '2025-12-12',
        '2025-12-13',
        '2025-12-14',
        '2025-12-29',
        '2025-12-30',
        '2025-12-31',
        '2026-04-01',
        '2026-04-02',
        '2026-04-03',
        '2026-04-04',
        '2026-04-05',
        '2026-04-06',
        '2026-04-07',
      ],
    });
    expect(decomposeWindow('2025-11-01', '2025-12-01')).toEqual({ months: ['2025-11-01'], weeks: [], days: [] });
    expect(decomposeWindow('2025-11-03', '2025-11-05')).toEqual({
      months: [],
      weeks: [],
      days: ['2025-11-03', '2025-11-04'],
    });
  });
});

describe('recurrence pattern of a cluster', () => {
  it('calls a flat series steady', () => {
    expect(recurrencePattern(1, new Array(12).fill(5))).toMatchObject({ pattern: 'steady', seasonMonths: null });
  });

  it('calls a summer block seen to end seasonal, with its months', () => {
    const counts = [0, 0, 0, 0, 0, 10, 10, 10, 0, 0, 0, 0];
    expect(recurrencePattern(1, counts)).toMatchObject({ pattern: 'seasonal', seasonMonths: [6, 7, 8] });
  });

  it('finds a heating season that wraps the new year', () => {
    // Window Dec..Nov: Dec–Mar busy, then quiet, then November busy again. Every 4-month block
    // holding 4 busy months has exactly 80%; the scan starts at January, so Nov–Feb comes first.
    expect(seasonBlock(12, [8, 8, 8, 8, 0, 0, 0, 0, 0, 0, 0, 8])).toEqual([11, 12, 1, 2]);
    expect(seasonBlock(12, [8, 8, 8, 9, 0, 0, 0, 0, 0, 0, 0, 8])).toEqual([12, 1, 2, 3]);
  });

  it('calls a steady rise growing', () => {
    const r = recurrencePattern(1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.pattern).toBe('growing');
    expect(r.trend.z).toBeGreaterThan(0);
  });

  it('calls a burst still climbing at the end of the window growing, not seasonal', () => {
    // S = 27 + 3 = 30, nine tied zeros: Var = (12·11·29 − 9·8·23)/18 = 120.67, Z = 29/√120.67 = 2.64.
    const r = recurrencePattern(1, [0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 10, 20]);
    expect(r.trend.s).toBe(30);
    expect(r.trend.z).toBeCloseTo(29 / Math.sqrt((12 * 11 * 29 - 9 * 8 * 23) / 18), 12);
    expect(r.pattern).toBe('growing');
  });

  it('does not look for seasons in less than nine months', () => {
    expect(recurrencePattern(4, [0, 0, 0, 10, 10, 0]).pattern).toBe('steady');
  });
});

describe('topic score', () => {
  it('ranks components by percentile with shared ties and a neutral rank for unknowns', () => {
    expect(percentileRanks([3, 1, 2, null])).toEqual([1, 0, 0.5, 0.5]);
    expect(percentileRanks([5, 5, 1])).toEqual([0.75, 0.75, 0]);
  });

  it('measures spread as the effective number of streets', () => {
    expect(effectiveStreets([1, 1, 1, 1])).toBeCloseTo(4, 12);
    expect(effectiveStreets([4])).toBe(1);
    expect(effectiveStreets([2, 2, 0])).toBeCloseTo(2, 12);
  });

  it('normalises weights and scores by them', () => {
    const w = normaliseWeights();
    expect(Object.values(w).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(w).toEqual(DEFAULT_TOPIC_WEIGHTS);
    const base: TopicInput = {
      code: 'a',
      window: 100,
      lastYearWindow: null,
      previousWindow: 100,
      byStreet: [50, 50],
      streetsInScope: 4,
      calledBack: 50,
      solved: 40,
      satisfied: 40,
      basic: 0,
      yearTickets: 400,
      recurringTickets: 40,
    };
    const onlyVolume = normaliseWeights({
      volume: 1,
      growth: 0,
      spread: 0,
      unresolved: 0,
      dissatisfied: 0,
      recurrence: 0,
    });
    const ranked = scoreTopics([base, { ...base, code: 'b', window: 300 }], onlyVolume);
    expect(ranked.map((r) => [r.code, r.score])).toEqual([
      ['b', 100],
      ['a', 0],
    ]);
    // Growth year on year when last year is known: (300 + 1)/(100 + 1).
    const growth = scoreTopics([{ ...base, window: 300, lastYearWindow: 100 }], onlyVolume)[0].components.growth.value;
    expect(growth).toBeCloseTo(301 / 101, 12);
    // Rates with too few callbacks are unknown, not extreme.
    const few = scoreTopics([{ ...base, calledBack: 3, solved: 0 }], onlyVolume)[0].components.unresolved;
    expect(few).toEqual({ value: null, rank: 0.5 });
    expect(() =>
      normaliseWeights({ volume: 0, growth: 0, spread: 0, unresolved: 0, dissatisfied: 0, recurrence: 0 }),
    ).toThrow();
  });
});

describe('intervention effect', () => {
  it('matches controls on the before count', () => {
    const chosen = matchControls(
      [{ id: 'a', before: 10, after: 0 }],
      [
        { id: 'x', before: 9, after: 0 },
        { id: 'y', before: 12, after: 0 },
        { id: 'z', before: 10, after: 0 },
        { id: 'w', before: 30, after: 0 },
      ],
      2,
    );
    expect(chosen.map((c) => c.id)).toEqual(['z', 'x']);
  });

  it('compares the treated change with the controls’ change', () => {
    const e = interventionEffect([{ id: 't', before: 100, after: 50 }], [{ id: 'c', before: 200, after: 200 }]);
    expect(e.expectedAfter).toBe(100);
    expect(e.avoided).toBe(50);
    expect(e.effect).toBe(-0.5);
    // ln(0.5) / √(1/50 + 1/100 + 1/200 + 1/200) = −3.4657359027997265, p = 0.000528782…
    expect(e.z).toBeCloseTo(-3.4657359027997265, 12);
    expect(e.p).toBeCloseTo(0.0005287824130444819, 8);
  });
});

describe('Poisson upper tail', () => {
  it('matches hand values, tiny ones included', () => {
    expect(poissonUpperTail(2, 1)).toBeCloseTo(1 - 2 / Math.E, 14);
    expect(poissonUpperTail(3, 3)).toBeCloseTo(0.5768099188731565, 12);
    expect(poissonUpperTail(5, 0.1) / 7.667801686189312e-8).toBeCloseTo(1, 10);
    expect(poissonUpperTail(0, 5)).toBe(1);
    expect(poissonUpperTail(3, 0)).toBe(0);
  });
});

describe('local baseline', () => {
  it('subtracts the mean of the ring around the neighbourhood', () => {
    const centre = latLngToCell(39.9, 116.4, 8);
    const cells = gridDisk(centre, 2);
    const counts = cells.map((c) => (c === centre ? 10 : 1));
    const excess = localExcess(counts, ringIndex(cells, 1, 2));
    // The centre's ring is the 12 cells at distance 2, all 1.
    expect(excess[cells.indexOf(centre)]).toBe(9);
  });
});
