import { describe, expect, it } from 'vitest';
import { decodePoints, encodePoints, POINTS_HEADER_BYTES } from '../../server/points.ts';

describe('binary ticket points', () => {
  it('round-trips positions within 2 m and category indexes in 6 bytes a point', () => {
    const bytes = encodePoints([
      [116.3975, 39.9087, 3],
      [116.5, 40.01, 65535],
      [115.5, 39.5, 0],
    ]);
    expect(bytes.byteLength).toBe(POINTS_HEADER_BYTES + 3 * 6);
    const { count, extent, positions, categories } = decodePoints(bytes.slice().buffer);
    expect(count).toBe(3);
    expect(extent).toEqual([115.5, 39.5, 116.5, 40.01]);
    expect(Array.from(categories)).toEqual([3, 65535, 0]);
    // 1° / 65,535 steps ≈ 1.7 m at Beijing's longitudes: far below a dot on a city map
    expect(Math.abs(positions[0]! - 116.3975)).toBeLessThan(1e-5);
    expect(Math.abs(positions[1]! - 39.9087)).toBeLessThan(1e-5);
    expect(positions[2]).toBeCloseTo(116.5, 5);
    expect(positions[5]).toBeCloseTo(39.5, 5);
  });

  it('encodes an empty set as a header with a zero count', () => {
    const bytes = encodePoints([]);
    expect(bytes.byteLength).toBe(POINTS_HEADER_BYTES);
    expect(decodePoints(bytes.slice().buffer).count).toBe(0);
  });
});
