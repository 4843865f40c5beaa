// test:full-only (the byte-for-byte geography build takes ~30 s)
// Pure pieces of the synthetic partition, and the build's promise: same input, same bytes.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CORE,
  apportion,
  mulberry32,
  pinyinName,
  toKm,
  toLonLat,
  weightedSeeds,
  type MultiPolygon,
} from '../../../data/geo/synth.ts';
import { BEIJING_GEOJSON, buildBeijing, serialise } from '../../../data/geo/build.ts';

describe('synthetic partition helpers', () => {
  it('writes pinyin as a place name, with an apostrophe before a, o and e syllables', () => {
    expect(pinyinName('dong hua men')).toBe('Donghuamen');
    expect(pinyinName('xi chang an jie')).toBe("Xichang'anjie");
    expect(pinyinName('xiong er zhai')).toBe("Xiong'erzhai");
    expect(pinyinName('an ding men')).toBe('Andingmen');
  });

  it('apportions a count by weight so the parts always add up', () => {
    expect(apportion(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(apportion(5, [0.5, 0.3, 0.2])).toEqual([3, 1, 1]);
    expect(apportion(3, [0, 0, 0]).reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('draws the same numbers from the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('round-trips the local km plane around Tiananmen', () => {
    expect(toKm(CORE)).toEqual([0, 0]);
    const p = toLonLat(toKm([116.6, 40.1]));
    expect(p[0]).toBeCloseTo(116.6, 12);
    expect(p[1]).toBeCloseTo(40.1, 12);
  });

  it('puts more seeds near the core than far from it, deterministically', () => {
    // A 40 km × 10 km strip running east from the core: the western half should be much denser.
    const strip: MultiPolygon = [
      [
        [
          [0, -5],
          [40, -5],
          [40, 5],
          [0, 5],
          [0, -5],
        ],
      ],
    ];
    const seeds = weightedSeeds(strip, 40, mulberry32(7));
    expect(seeds).toHaveLength(40);
    expect(weightedSeeds(strip, 40, mulberry32(7))).toEqual(seeds);
    const west = seeds.filter(([x]) => x < 20).length;
    expect(west).toBeGreaterThan(2 * (40 - west));
  });

  it('gives a detached piece of at least half a cell its own seed', () => {
    const twoParts: MultiPolygon = [
      [
        [
          [0, 0],
          [10, 0],
          [10, 10],
          [0, 10],
          [0, 0],
        ],
      ],
      [
        [
          [30, 0],
          [33, 0],
          [33, 3],
          [30, 3],
          [30, 0],
        ],
      ],
    ];
    const seeds = weightedSeeds(twoParts, 10, mulberry32(1));
    expect(seeds.filter(([x]) => x >= 30)).toHaveLength(1);
  });
});

describe('npm run geo:build', () => {
  it('reproduces the committed beijing.regions.geojson byte for byte', async () => {
    const { fc } = await buildBeijing();
    expect(serialise(fc) === fs.readFileSync(BEIJING_GEOJSON, 'utf8')).toBe(true);
  }, 600_000);
});
