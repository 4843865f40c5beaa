// Region names on the maps (web/map/labels.ts): the most important name wins a clash, a district's
// name moves up or down by half its height rather than vanish under a panel's edge, a street's never
// moves, a name cut by the screen edge is left out, and the screen position carries the move.
import { describe, expect, it } from 'vitest';
import { placeLabels, projectLabels, type LabelCandidate, type PlaceOptions } from '../../../web/map/labels.ts';

// Positions are screen pixels already: the projection is the identity.
const at = (
  key: string,
  x: number,
  y: number,
  priority: number,
  kind: 'district' | 'street' = 'district',
): LabelCandidate => ({
  key,
  position: [x, y],
  nameZh: `${key}区`,
  nameEn: key,
  kind,
  priority,
  parentCode: null,
});
const opts = (o: Partial<PlaceOptions> = {}): PlaceOptions => ({
  project: ([x, y]) => ({ x, y }),
  width: 800,
  height: 600,
  zoom: 12, // street names shown from STREET_LABEL_MIN_ZOOM on
  locale: 'zh-CN',
  remPx: 20,
  selectedDistrict: null,
  obstacles: [],
  ...o,
});
// zoom 12 ≥ 9: district names are 1.15 rem = 23 px; their half height, the shift, 0.65 × 23 + 3
const SHIFT = 23 * 0.65 + 3;

describe('region names on the map', () => {
  it('keeps the more important of two clashing names and leaves the other out', () => {
    const placed = placeLabels([at('西城', 400, 300, 1), at('东城', 420, 305, 2), at('朝阳', 600, 300, 3)], opts());
    expect(placed.map((p) => [p.key, p.dy])).toEqual([
      ['朝阳', 0],
      ['东城', 0],
    ]);
    expect(placed[1]).toMatchObject({ text: '东城区', size: 23, kind: 'district' });
  });

  it('moves a district name off a panel, down when up is taken, and leaves it out when neither fits', () => {
    const panel = { x0: 300, y0: 310, x1: 500, y1: 316 };
    expect(placeLabels([at('丰台', 400, 300, 1)], opts({ obstacles: [panel] })).map((p) => p.dy)).toEqual([-SHIFT]);
    const above = { x0: 300, y0: 260, x1: 500, y1: 290 };
    expect(placeLabels([at('丰台', 400, 300, 1)], opts({ obstacles: [above] })).map((p) => p.dy)).toEqual([SHIFT]);
    const both = { x0: 300, y0: 200, x1: 500, y1: 400 };
    expect(placeLabels([at('丰台', 400, 300, 1)], opts({ obstacles: [both] }))).toEqual([]);
  });

  it('never moves a street name and leaves out a name the screen edge would cut', () => {
    const streets = placeLabels([at('三里屯', 400, 300, 0, 'street'), at('团结湖', 410, 300, 0, 'street')], opts());
    expect(streets.map((p) => [p.key, p.dy])).toEqual([['三里屯', 0]]);
    expect(placeLabels([at('延庆', 10, 300, 1)], opts())).toEqual([]);
  });

  it('puts each name on the screen where its point is, plus its move', () => {
    const panel = { x0: 300, y0: 310, x1: 500, y1: 316 };
    const placed = placeLabels([at('丰台', 400, 300, 1), at('朝阳', 600, 300, 3)], opts({ obstacles: [panel] }));
    const shift = ([x, y]: [number, number]) => ({ x: x + 5, y: y + 7 });
    expect(projectLabels(placed, shift).map((l) => [l.key, l.x, l.y])).toEqual([
      ['朝阳', 605, 307],
      ['丰台', 405, 307 - SHIFT],
    ]);
  });
});
