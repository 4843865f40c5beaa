import { describe, expect, it } from 'vitest';
import {
  EMERGING_PATTERNS,
  EMERGING_PATTERN_IDS,
  atLeastNinetyPercent,
  classifyEmerging,
  type EmergingPatternId,
} from '../../../server/analysis/emerging.ts';

// Trends as Mann-Kendall would report them on a Gi* z series.
const noTrend = { z: 0.5, p: 0.62 };
const up = { z: 3.1, p: 0.002 };
const down = { z: -3.1, p: 0.002 };
const neg = (bins: number[]) => bins.map((b) => (b === 0 ? 0 : -b));

// One hand-built series of 10 steps per class. Counting: ≥ 90% of 10 steps = ≥ 9 steps.
const cases: Array<[EmergingPatternId, number[], { z: number; p: number }, string]> = [
  ['no_pattern', [0, 0, 1, 0, -1, 0, 0, 0, 0, 0], noTrend, 'hot and cold once each, final step not significant'],
  ['new_hot', [0, 0, 0, 0, 0, 0, 0, 0, 0, 2], noTrend, 'hot only at the final step'],
  ['consecutive_hot', [0, 0, 0, 0, 0, 0, 0, 1, 2, 3], up, 'one run of 3 hot steps at the end, 3/10 < 90%'],
  ['intensifying_hot', [1, 1, 2, 2, 2, 3, 3, 3, 3, 3], up, '10/10 hot, final hot, significant rise'],
  ['persistent_hot', [2, 2, 2, 0, 2, 2, 2, 2, 2, 2], noTrend, '9/10 hot, final hot, no trend'],
  ['diminishing_hot', [3, 3, 3, 3, 3, 2, 2, 2, 1, 1], down, '10/10 hot, final hot, significant fall'],
  ['sporadic_hot', [0, 1, 0, 0, 2, 0, 0, 1, 0, 1], noTrend, 'on and off, 4/10 hot, final hot, never cold'],
  ['oscillating_hot', [0, -1, 0, 0, 1, 1, 0, 0, 0, 2], noTrend, 'final hot, cold at step 2, 3/10 hot'],
  ['historical_hot', [2, 2, 2, 2, 2, 2, 2, 2, 2, 0], down, '9/10 hot but not the final step'],
  ['new_cold', neg([0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), noTrend, 'cold only at the final step'],
  ['consecutive_cold', neg([0, 0, 0, 0, 0, 0, 0, 1, 2, 3]), down, 'one run of 3 cold steps at the end'],
  ['intensifying_cold', neg([1, 1, 2, 2, 2, 3, 3, 3, 3, 3]), down, '10/10 cold, z falling significantly'],
  ['persistent_cold', neg([2, 2, 2, 0, 2, 2, 2, 2, 2, 2]), noTrend, '9/10 cold, no trend'],
  ['diminishing_cold', neg([3, 3, 3, 3, 3, 2, 2, 2, 1, 1]), up, '10/10 cold, z rising towards 0 significantly'],
  ['sporadic_cold', neg([0, 1, 0, 0, 2, 0, 0, 1, 0, 1]), noTrend, 'on and off cold, never hot'],
  ['oscillating_cold', neg([0, -1, 0, 0, 1, 1, 0, 0, 0, 2]), noTrend, 'final cold, hot at step 2'],
  ['historical_cold', neg([2, 2, 2, 2, 2, 2, 2, 2, 2, 0]), up, '9/10 cold but not the final step'],
];

describe('emerging hot spot classes', () => {
  it.each(cases)('classifies %s: %j (%s)', (expected, bins, trend) => {
    expect(classifyEmerging(bins, trend)).toBe(expected);
  });

  it('has a hand-built case for every one of the 17 classes', () => {
    expect(new Set(cases.map(([id]) => id))).toEqual(new Set(EMERGING_PATTERN_IDS));
    expect(EMERGING_PATTERN_IDS).toHaveLength(17);
  });
});

describe('the 90% rule', () => {
  it('counts ≥ 90% as count ≥ ceil(0.9·n), exactly', () => {
    // n = 10 → 9; n = 12 → ceil(10.8) = 11; n = 20 → 18; n = 30 → 27 (computed as 10·count ≥ 9·n, no float rounding)
    expect([atLeastNinetyPercent(9, 10), atLeastNinetyPercent(8, 10)]).toEqual([true, false]);
    expect([atLeastNinetyPercent(11, 12), atLeastNinetyPercent(10, 12)]).toEqual([true, false]);
    expect([atLeastNinetyPercent(18, 20), atLeastNinetyPercent(17, 20)]).toEqual([true, false]);
    expect([atLeastNinetyPercent(27, 30), atLeastNinetyPercent(26, 30)]).toEqual([true, false]);
  });

  it('makes 9 of 10 hot steps persistent and 8 of 10 consecutive', () => {
    expect(classifyEmerging([0, 1, 1, 1, 1, 1, 1, 1, 1, 1], noTrend)).toBe('persistent_hot'); // 9/10
    expect(classifyEmerging([0, 0, 1, 1, 1, 1, 1, 1, 1, 1], noTrend)).toBe('consecutive_hot'); // 8/10
    expect(classifyEmerging([1, 0, 1, 1, 1, 1, 1, 1, 1, 1], up)).toBe('intensifying_hot'); // 9/10, gap
    expect(classifyEmerging([1, 0, 0, 1, 1, 1, 1, 1, 1, 1], up)).toBe('sporadic_hot'); // 8/10, gap
  });

  it('needs 11 of 12 steps when 90% is not a whole number of steps', () => {
    expect(classifyEmerging([0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], noTrend)).toBe('persistent_hot'); // 11/12
    expect(classifyEmerging([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], noTrend)).toBe('consecutive_hot'); // 10/12
  });

  it('makes 9 of 10 hot steps with a quiet final step historical, and 8 of 10 no pattern', () => {
    expect(classifyEmerging([1, 1, 1, 1, 1, 1, 1, 1, 1, 0], noTrend)).toBe('historical_hot');
    expect(classifyEmerging([0, 1, 1, 1, 1, 1, 1, 1, 1, 0], noTrend)).toBe('no_pattern');
    expect(classifyEmerging(neg([0, 1, 1, 1, 1, 1, 1, 1, 1, 0]), noTrend)).toBe('no_pattern');
  });
});

describe('overlapping definitions', () => {
  it('calls a 90%-hot series with a quiet final step historical even with a significant trend', () => {
    expect(classifyEmerging([3, 3, 3, 3, 3, 2, 2, 1, 1, 0], down)).toBe('historical_hot');
  });

  it('calls a 90%-hot series whose final step is cold an oscillating cold spot, not historical hot', () => {
    expect(classifyEmerging([1, 1, 1, 1, 1, 1, 1, 1, 1, -1], noTrend)).toBe('oscillating_cold');
  });

  it('lets a cold history beat new and consecutive', () => {
    expect(classifyEmerging([-1, 0, 0, 0, 0, 0, 0, 0, 0, 1], noTrend)).toBe('oscillating_hot');
    expect(classifyEmerging([-1, 0, 0, 0, 0, 0, 0, 0, 1, 1], noTrend)).toBe('oscillating_hot');
  });

  it('treats a hot step before a gap as sporadic, not consecutive', () => {
    expect(classifyEmerging([1, 0, 0, 0, 0, 0, 0, 0, 1, 1], noTrend)).toBe('sporadic_hot');
  });

  it('counts 90% confidence (bin ±1) as significant', () => {
    expect(classifyEmerging([0, 0, 0, 0, 0, 0, 0, 0, 0, 1], noTrend)).toBe('new_hot');
  });
});

describe('trend significance', () => {
  it('is significant at p ≤ 0.05 by default, inclusive', () => {
    const allHot = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    expect(classifyEmerging(allHot, { z: 1.96, p: 0.05 })).toBe('intensifying_hot');
    expect(classifyEmerging(allHot, { z: 1.95, p: 0.0512 })).toBe('persistent_hot');
  });

  it('follows a configured alpha', () => {
    const allHot = [2, 2, 2, 2, 2, 2, 2, 2, 2, 2];
    expect(classifyEmerging(allHot, { z: -2.2, p: 0.03 }, { trendAlpha: 0.01 })).toBe('persistent_hot');
    expect(classifyEmerging(allHot, { z: -2.2, p: 0.03 }, { trendAlpha: 0.1 })).toBe('diminishing_hot');
    expect(() => classifyEmerging(allHot, noTrend, { trendAlpha: 0 })).toThrow(RangeError);
  });
});

describe('short and bad series', () => {
  it('gives no pattern to an empty series and persistent to a single hot step', () => {
    expect(classifyEmerging([], noTrend)).toBe('no_pattern');
    expect(classifyEmerging([3], { z: 0, p: 1 })).toBe('persistent_hot');
    expect(classifyEmerging([0], { z: 0, p: 1 })).toBe('no_pattern');
  });

  it('rejects bins outside −3..3', () => {
    expect(() => classifyEmerging([0, 4], noTrend)).toThrow(RangeError);
    expect(() => classifyEmerging([0, 1.5], noTrend)).toThrow(RangeError);
  });
});

describe('pattern legend', () => {
  it('labels every class in Chinese and English with a distinct colour', () => {
    const byId = Object.fromEntries(EMERGING_PATTERNS.map((c) => [c.id, c]));
    expect(byId.new_hot.zh).toBe('新热点');
    expect(byId.new_hot.en).toBe('New hot spot');
    expect(byId.intensifying_hot.zh).toBe('增强热点');
    expect(byId.persistent_hot.zh).toBe('持续热点');
    expect(byId.diminishing_hot.zh).toBe('减弱热点');
    expect(byId.sporadic_hot.zh).toBe('零星热点');
    expect(byId.oscillating_hot.zh).toBe('振荡热点');
    expect(byId.historical_hot.zh).toBe('历史热点');
    expect(byId.consecutive_hot.zh).toBe('连续热点');
    expect(byId.new_cold.zh).toBe('新冷点');
    for (const c of EMERGING_PATTERNS) {
      expect(c.colour).toMatch(/^#[0-9a-f]{6}$/);
      if (c.id.endsWith('_cold')) expect(c.zh).toMatch(/冷点$/);
      if (c.id.endsWith('_hot')) expect(c.zh).toMatch(/热点$/);
    }
    expect(new Set(EMERGING_PATTERNS.map((c) => c.colour)).size).toBe(17);
  });
});
