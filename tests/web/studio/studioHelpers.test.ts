// Pure pieces of the planners' studio: colour classes, legend breaks, SVG projection, sparkline,
// score parts and locale formatting.
import { describe, expect, it } from 'vitest';
import {
  BIN_COLOURS,
  BIN_ORDER,
  binColour,
  binConfidence,
  classOf,
  niceRound,
  quantileBreaks,
  sequentialColour,
  SEQUENTIAL_COLOURS,
} from '../../../web/map/hexPalette.ts';
import { boundsOf, fitProjection, ringPath, sparklinePath } from '../../../web/map/studioSvg.ts';
import { hexRing } from '../../../web/map/hexGeometry.ts';
import { scoreParts, TOPIC_PARTS } from '../../../web/components/studio/topicParts.ts';
import { groupByPlace } from '../../../web/components/studio/grouping.ts';
import {
  addDays,
  countClassLabel,
  fmtChange,
  fmtExpected,
  fmtInt,
  fmtP,
  fmtShare,
  fmtZ,
  monthLabel,
} from '../../../web/components/studio/format.ts';

describe('hot spot bin colours', () => {
  it('gives each of the seven Gi* bins its own RdBu colour, red for hot and blue for cold', () => {
    expect(new Set(BIN_ORDER.map(binColour)).size).toBe(7);
    expect(binColour(3)).toBe('#b2182b');
    expect(binColour(-3)).toBe('#2166ac');
    expect(binColour(1)).toBe(BIN_COLOURS['1']);
  });

  it('clamps bins outside −3..3 to the nearest end', () => {
    expect(binColour(5)).toBe(binColour(3));
    expect(binColour(-4)).toBe(binColour(-3));
  });

  it('reads a bin as 90/95/99% confidence, or none for 0', () => {
    expect([3, 2, 1, 0, -1, -2, -3].map(binConfidence)).toEqual([99, 95, 90, null, 90, 95, 99]);
  });
});

describe('sequential legend classes', () => {
  it('breaks positive values at quantiles, rounded to two significant figures and strictly rising', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
    expect(quantileBreaks(values)).toEqual([1, 21, 41, 61, 81]);
    expect(quantileBreaks([0, 0, 0])).toEqual([]);
  });

  it('gives each distinct value its own class when there are no more values than classes', () => {
    expect(quantileBreaks([1, 1, 1, 1, 1, 1, 1, 1, 2, 9])).toEqual([1, 2, 9]);
  });

  it('breaks over the distinct values when most cells share the lowest one', () => {
    const values = [...new Array<number>(95).fill(1), 2, 3, 4, 5, 6, 7, 8];
    expect(quantileBreaks(values)).toEqual([1, 2, 4, 5, 7]);
  });

  it('rounds to two significant figures', () => {
    expect(niceRound(0.1234)).toBeCloseTo(0.12, 10);
    expect(niceRound(17.8)).toBe(18);
    expect(niceRound(1234)).toBe(1200);
  });

  it('puts a value in the class of the last break at or below it, and spans the whole ramp', () => {
    const b = [1, 5, 10];
    expect([0.5, 1, 4.9, 5, 10, 99].map((v) => classOf(v, b))).toEqual([-1, 0, 0, 1, 2, 2]);
    expect(sequentialColour(1, b)).toBe(SEQUENTIAL_COLOURS[0]);
    expect(sequentialColour(10, b)).toBe(SEQUENTIAL_COLOURS[4]);
    expect(sequentialColour(5, b)).toBe(SEQUENTIAL_COLOURS[2]);
  });
});

describe('small SVG maps', () => {
  it('fits a box north-up into the frame, keeping its shape at the middle latitude', () => {
    const p = fitProjection([116, 39, 117, 40], 200, 200, 0);
    const nw = p([116, 40]);
    const se = p([117, 39]);
    // 1° of longitude at 39.5° N is cos(39.5°) ≈ 0.7716 of 1° latitude, so the box is narrower than tall
    expect(se[1] - nw[1]).toBe(200);
    expect(se[0] - nw[0]).toBeCloseTo(154.3, 0);
    expect(nw[0] + se[0]).toBeCloseTo(200, 0); // centred
  });

  it('draws an H3 cell as a closed six-sided path', () => {
    const cell = '8831aa5555fffff';
    const ring = hexRing(cell);
    expect(ring.length).toBe(7); // GeoJSON ring: first vertex repeated
    const b = boundsOf(ring)!;
    const d = ringPath(ring, fitProjection(b, 100, 100));
    expect(d.startsWith('M')).toBe(true);
    expect(d.endsWith('Z')).toBe(true);
    expect(d.match(/L/g)!.length).toBe(6);
  });

  it('draws a sparkline from the bottom (0) to the top (max) and breaks it at missing months', () => {
    expect(sparklinePath([0, 5, 10], 24, 12, 2)).toBe('M2 10L12 6L22 2');
    expect(sparklinePath([1, null, 1], 24, 12, 2)).toBe('M2 2M22 2');
    expect(sparklinePath([], 24, 12)).toBe('');
  });
});

describe('topic score parts', () => {
  it('splits the score into weight × percentile × 100 per component, summing to the score', () => {
    const weights = { volume: 0.3, growth: 0.2, spread: 0.15, unresolved: 0.15, dissatisfied: 0.1, recurrence: 0.1 };
    const ranks = [1, 0.5, 0.25, 0.75, 0, 1];
    const components = Object.fromEntries(
      TOPIC_PARTS.map((k, i) => [k, { value: null, rank: ranks[i]! }]),
    ) as unknown as Record<(typeof TOPIC_PARTS)[number], { rank: number }>;
    const parts = scoreParts({ components }, weights);
    expect(parts.map((p) => p.key)).toEqual([...TOPIC_PARTS]);
    expect(parts.map((p) => Math.round(p.points * 100) / 100)).toEqual([30, 10, 3.75, 11.25, 0, 10]);
    expect(parts.reduce((a, p) => a + p.points, 0)).toBeCloseTo(65, 10);
  });
});

describe('formatting per locale', () => {
  it('formats counts, expectations, shares and changes', () => {
    expect(fmtInt(12345, 'zh-CN')).toBe('12,345');
    expect(fmtInt(null, 'en')).toBe('—');
    expect(fmtExpected(0.44, 'en')).toBe('0.4');
    expect(fmtExpected(12.6, 'en')).toBe('13');
    expect(fmtShare(0.8345, 'en')).toBe('83.5%');
    expect(fmtChange(123, 100, 'en')).toBe('+23%');
    expect(fmtChange(92, 100, 'en')).toBe('−8%');
    expect(fmtChange(5, 0, 'en')).toBeNull();
  });

  it('labels classes of whole counts without empty ranges', () => {
    expect(countClassLabel(1, 2, 'en')).toBe('1');
    expect(countClassLabel(2, 9, 'en')).toBe('2–8');
    expect(countClassLabel(9, null, 'en')).toBe('≥ 9');
  });

  it('writes p and z as a planner reads them', () => {
    expect(fmtP(0.0004)).toBe('< 0.001');
    expect(fmtP(0.0123)).toBe('0.012');
    expect(fmtZ(2.5)).toBe('+2.50');
    expect(fmtZ(-1.964)).toBe('−1.96');
  });

  it('names months in each language and steps calendar days across month ends', () => {
    expect(monthLabel('2025-03', 'zh-CN')).toBe('2025年3月');
    expect(monthLabel('2025-03', 'en')).toBe('Mar 2025');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
  });
});

describe('groupByPlace', () => {
  it('names a street once, in the order of its strongest row, and keeps rows without a place apart', () => {
    const rows = [
      { cell: 'a', street: '三里屯' },
      { cell: 'b', street: '建外' },
      { cell: 'c', street: '三里屯' },
      { cell: 'd', street: '' },
      { cell: 'e', street: '' },
      { cell: 'f', street: '三里屯' },
    ];
    const groups = groupByPlace(rows, (r) => r.street);
    expect(groups.map((g) => [g.place, g.first.cell, g.items.map((r) => r.cell).join('')])).toEqual([
      ['三里屯', 'a', 'acf'],
      ['建外', 'b', 'b'],
      ['', 'd', 'd'],
      ['', 'e', 'e'],
    ]);
  });
});
