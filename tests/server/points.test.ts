import { describe, expect, it } from 'vitest';
import { decodePoints, encodePoints } from '../../server/points.ts';

describe('binary ticket points', () => {
  it('round-trips positions and category indexes in 10 bytes a point', () => {
    const bytes = encodePoints([
      [116.3975, 39.9087, 3],
      [116.5, 40.01, 65535],
    ]);
    expect(bytes.byteLength).toBe(4 + 2 * 10);
    const copy = bytes.slice().buffer;
    const { count, positions, categories } = decodePoints(copy);
    expect(count).toBe(2);
    expect(Array.from(categories)).toEqual([3, 65535]);
    // Float32 keeps about 1 m at Beijing's longitudes: enough for a point on a city map.
    expect(positions[0]).toBeCloseTo(116.3975, 4);
    expect(positions[1]).toBeCloseTo(39.9087, 4);
    expect(positions[3]).toBeCloseTo(40.01, 4);
  });

  it('encodes an empty set as a bare zero count', () => {
    const bytes = encodePoints([]);
    expect(Array.from(bytes)).toEqual([0, 0, 0, 0]);
    expect(decodePoints(bytes.slice().buffer).count).toBe(0);
  });
});
