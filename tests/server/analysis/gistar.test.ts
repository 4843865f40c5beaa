import { describe, expect, it } from 'vitest';
import { gridDisk, latLngToCell } from 'h3-js';
import { compactNeighbours, giStar, h3NeighbourLists } from '../../../server/analysis/gistar.ts';

// Five locations on a line, values x = [1, 2, 3, 4, 10], rook neighbours (i−1, i+1).
//   n = 5, Σx = 20, X̄ = 4, Σx² = 1 + 4 + 9 + 16 + 100 = 130
//   S = sqrt(130/5 − 4²) = sqrt(26 − 16) = √10
// Ends have W = 2 (self + one), middles W = 3 (self + two); Σw² = Σw = W for binary weights.
//   W = 2: sqrt((5·2 − 2²)/4) = sqrt(6/4) = √1.5;  W = 3: sqrt((5·3 − 3²)/4) = √1.5 too,
//   so every denominator is √10 · √1.5 = √15.
//   i=0: {0,1}   Σ = 3,  3 − 4·2 = −5  → z = −5/√15 = −1.2909944487358056
//   i=1: {0,1,2} Σ = 6,  6 − 4·3 = −6  → z = −6/√15 = −1.5491933384829668
//   i=2: {1,2,3} Σ = 9,  9 − 12 = −3    → z = −3/√15 = −0.7745966692414834
//   i=3: {2,3,4} Σ = 17, 17 − 12 = 5    → z = +5/√15
//   i=4: {3,4}   Σ = 14, 14 − 8 = 6     → z = +6/√15
// p = 2(1 − Φ(|z|)): 6/√15 → 0.12133525035848211, 5/√15 → 0.19670560245894686,
//   3/√15 → 0.4385780260809998 (reference: scipy.stats.norm.sf).
const line = [1, 2, 3, 4, 10];
const lineNeighbours = [[1], [0, 2], [1, 3], [2, 4], [3]];

describe('Getis-Ord Gi*', () => {
  it('matches the hand computation on a line of five locations', () => {
    const { z, p, degenerate } = giStar(line, lineNeighbours);
    expect(degenerate).toBeNull();
    const expected = [-5, -6, -3, 5, 6].map((v) => v / Math.sqrt(15));
    z.forEach((zi, i) => expect(zi).toBeCloseTo(expected[i], 12));
    expect(p[4]).toBeCloseTo(0.12133525035848211, 7);
    expect(p[3]).toBeCloseTo(0.19670560245894686, 7);
    expect(p[2]).toBeCloseTo(0.4385780260809998, 7);
    expect(p[1]).toBeCloseTo(p[4], 15);
  });

  it('weights neighbourhoods of different sizes correctly', () => {
    // Same x; location 0 has neighbours {1, 2}, all others only themselves.
    //   i=0: W = 3, Σ = 6, 6 − 12 = −6, sqrt((15 − 9)/4) = √1.5 → z = −6/√15 = −1.5491933384829668
    //   i=4: W = 1, Σ = 10, 10 − 4 = 6, sqrt((5 − 1)/4) = 1     → z = 6/√10 = 1.8973665961010275,
    //        p = 0.057779571123597245
    //   i=1: W = 1, 2 − 4 = −2 → z = −2/√10 = −0.6324555320336759
    const { z, p } = giStar(line, [[1, 2], [], [], [], []]);
    expect(z[0]).toBeCloseTo(-1.5491933384829668, 12);
    expect(z[4]).toBeCloseTo(1.8973665961010275, 12);
    expect(p[4]).toBeCloseTo(0.057779571123597245, 7);
    expect(z[1]).toBeCloseTo(-0.6324555320336759, 12);
  });

  it('counts a location in its own neighbourhood once, whether or not the caller lists it', () => {
    const listed = giStar(line, [
      [0, 1, 1],
      [1, 0, 2, 2],
      [2, 1, 3],
      [3, 2, 4],
      [4, 3, 3],
    ]);
    const plain = giStar(line, lineNeighbours);
    listed.z.forEach((zi, i) => expect(zi).toBe(plain.z[i]));
    const { offsets, indices } = compactNeighbours([[0, 1, 1], [0]]);
    expect(Array.from(offsets)).toEqual([0, 2, 4]);
    expect(Array.from(indices)).toEqual([0, 1, 1, 0]);
  });

  it('gives z = 0 and p = 1 everywhere when all values are equal', () => {
    // 0.1 three times: X̄ computes to 0.10000000000000002, which must not fake a variance.
    const r = giStar([0.1, 0.1, 0.1], [[1], [0, 2], [1]]);
    expect(r).toEqual({ z: [0, 0, 0], p: [1, 1, 1], degenerate: 'no_variance' });
  });

  it('refuses to compute for fewer than three locations', () => {
    expect(giStar([1, 5], [[1], [0]])).toEqual({ z: [0, 0], p: [1, 1], degenerate: 'too_few_locations' });
    expect(giStar([], [])).toEqual({ z: [], p: [], degenerate: 'too_few_locations' });
  });

  it('gives z = 0 to a location whose neighbourhood is the whole study area', () => {
    // i=1 sees {0,1,2} = everything: numerator Σx − X̄·n = 0 and denominator sqrt((9 − 9)/2) = 0.
    const r = giStar([1, 2, 6], [[], [0, 2], []]);
    expect(r.z[1]).toBe(0);
    expect(r.p[1]).toBe(1);
    expect(r.degenerate).toBeNull();
  });

  it('rejects bad neighbour indices, mismatched lengths and non-finite values', () => {
    expect(() => giStar([1, 2, 3], [[3], [], []])).toThrow(RangeError);
    expect(() => giStar([1, 2, 3], [[0.5], [], []])).toThrow(RangeError);
    expect(() => giStar([1, 2, 3], [[], []])).toThrow(RangeError);
    expect(() => giStar([1, Number.NaN, 3], [[], [], []])).toThrow(RangeError);
  });
});

describe('H3 neighbour lists', () => {
  const centre = latLngToCell(39.9042, 116.4074, 8); // Tiananmen, resolution 8 (not a pentagon)
  const disk = gridDisk(centre, 1); // centre + 6 ring cells

  it('links each cell to the cells of its k-ring that are in the study area, itself included', () => {
    const lists = h3NeighbourLists(disk, 1);
    const c = disk.indexOf(centre);
    expect([...lists[c]].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // A ring cell's own 1-ring holds itself, the centre and its two ring neighbours;
    // its three outer neighbours are not in the study area and are dropped.
    disk.forEach((_, i) => {
      if (i !== c) {
        expect(lists[i]).toHaveLength(4);
        expect(lists[i]).toContain(i);
        expect(lists[i]).toContain(c);
      }
    });
  });

  it('keeps only the cell itself at k = 0 and for isolated cells', () => {
    expect(h3NeighbourLists(disk, 0)).toEqual(disk.map((_, i) => [i]));
    const far = latLngToCell(40.5, 117.0, 8);
    expect(h3NeighbourLists([centre, far], 1)).toEqual([[0], [1]]);
  });

  it('rejects duplicate cells and a bad k', () => {
    expect(() => h3NeighbourLists([centre, centre], 1)).toThrow(RangeError);
    expect(() => h3NeighbourLists([centre], -1)).toThrow(RangeError);
  });
});
