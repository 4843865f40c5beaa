// The wall's scene list (web/components/wall/scenes.ts): fixed scenes, then districts in groups —
// the central ones together, the rest by compass sector — so a cycle is short.
import { describe, expect, it } from 'vitest';
import {
  buildScenes,
  groupDistricts,
  sceneKey,
  SCENE_ORDER,
  type DistrictRef,
} from '../../web/components/wall/scenes.ts';

const d = (code: string, lon: number, lat: number, area: number): DistrictRef => ({
  code,
  nameZh: code,
  nameEn: code,
  at: [lon, lat],
  area,
});

// a centre of four small districts around (0, 0), eight large ones around them
const CITY = [
  d('c1', -0.05, 0.05, 40),
  d('c2', 0.05, 0.05, 50),
  d('c3', -0.05, -0.05, 60),
  d('c4', 0.05, -0.05, 45),
  d('n', 0, 1, 1000),
  d('ne', 0.7, 0.7, 900),
  d('e', 1, 0, 1100),
  d('se', 0.7, -0.7, 950),
  d('s', 0, -1, 1200),
  d('sw', -0.7, -0.7, 1000),
  d('w', -1, 0, 990),
  d('nw', -0.7, 0.7, 1050),
];

describe('wall scenes', () => {
  it('groups the small central districts, then the others by bearing in even runs of at most 4', () => {
    const g = groupDistricts(CITY);
    expect(g.map((x) => [x.central, x.members.map((m) => m.code)])).toEqual([
      [true, ['c1', 'c2', 'c3', 'c4']],
      // bearings from east, counter-clockwise, in two sectors of four
      [false, ['e', 'ne', 'n', 'nw']],
      [false, ['w', 'sw', 's', 'se']],
    ]);
  });

  it('a cycle of a 16-district city is 8 scenes; the fixed scenes come first, in order', () => {
    const sixteen = [
      ...CITY,
      d('x1', 1.5, 0.2, 1000),
      d('x2', -1.5, 0.2, 1000),
      d('x3', 0.2, 1.5, 1000),
      d('x4', 0.2, -1.5, 1000),
    ];
    const scenes = buildScenes(sixteen);
    expect(scenes.slice(0, SCENE_ORDER.length).map(sceneKey)).toEqual([...SCENE_ORDER]);
    expect(scenes.length).toBe(SCENE_ORDER.length + 4);
    const shown = scenes.flatMap((s) => (s.kind === 'districts' ? s.members.map((m) => m.code) : []));
    expect(shown.sort()).toEqual(sixteen.map((x) => x.code).sort());
  });

  it('one district (a district wall) is one scene; without positions, runs of 4 by code', () => {
    expect(buildScenes([CITY[0]!]).map(sceneKey)).toEqual([...SCENE_ORDER, 'districts:c1']);
    const plain = ['a', 'b', 'c', 'd', 'e', 'f'].map((code) => ({ code, nameZh: code, nameEn: code }));
    expect(groupDistricts(plain).map((x) => x.members.map((m) => m.code))).toEqual([
      ['a', 'b', 'c', 'd'],
      ['e', 'f'],
    ]);
  });
});
