// Which pages a signed-in party is offered and where it lands, the `next` a login page may follow,
// and an official's locked drill-down steps: pure pieces of web/auth/.
import { describe, expect, it } from 'vitest';
import { homeOf, mayOpen, PAGE_CAPS, safeNext, type Section } from '../../../web/auth/navigation.ts';
import { jurisdictionSteps, ownUnitCode } from '../../../web/auth/jurisdiction.ts';
import type { Me } from '../../../web/auth/types.ts';
import { capabilitiesOf } from '../../../server/auth/roles.ts';
import type { Role } from '../../../db/schema.ts';

const me = (
  role: Role,
  scope: Me['scope'] = { level: 'city', nameZh: null, nameEn: null },
  kind: Me['kind'] = 'user',
): Me => ({
  kind,
  username: role,
  displayName: role,
  role,
  scope,
  capabilities: [...capabilitiesOf(role)],
  csrfToken: 'x',
});
const sections = (m: Me) => (Object.keys(PAGE_CAPS) as Section[]).filter((s) => mayOpen(m, s));
const SANLITUN: Me['scope'] = {
  level: 'street',
  code: '110105004',
  district: '110105',
  nameZh: '三里屯街道',
  nameEn: 'Sanlitun Subdistrict',
};

describe('pages per role', () => {
  it('offers each role exactly the pages its capabilities open', () => {
    expect(sections(me('admin'))).toEqual([
      'map',
      'ranking',
      'reports',
      'studio',
      'queue',
      'admin',
      'governance',
      'wall',
      'intake',
      'kb',
    ]);
    expect(sections(me('dispatcher'))).toEqual([
      'map',
      'ranking',
      'reports',
      'queue',
      'governance',
      'wall',
      'intake',
      'kb',
    ]);
    expect(sections(me('analyst'))).toEqual(['map', 'ranking', 'reports', 'studio', 'governance', 'wall', 'kb']);
    expect(sections(me('district_official'))).toEqual([
      'map',
      'ranking',
      'reports',
      'queue',
      'governance',
      'wall',
      'kb',
    ]);
    expect(sections(me('street_official', SANLITUN))).toEqual([
      'map',
      'ranking',
      'reports',
      'queue',
      'governance',
      'wall',
      'kb',
    ]);
    expect(sections(me('wall', { level: 'city', nameZh: null, nameEn: null }, 'kiosk'))).toEqual(['wall']);
    expect(mayOpen(null, 'map')).toBe(false);
  });

  it('lands people on the workspace and a wall screen on the wall', () => {
    expect(homeOf(me('street_official', SANLITUN))).toBe('/');
    // the dispatcher's home is the queue (issue 16)
    expect(homeOf(me('dispatcher'))).toBe('/queue');
    expect(homeOf(me('admin'))).toBe('/');
    expect(homeOf(me('wall', { level: 'city', nameZh: null, nameEn: null }, 'kiosk'))).toBe('/wall');
  });
});

describe('the login page’s next', () => {
  it('follows paths inside the app, with their query', () => {
    expect(safeNext('/ranking?table=district')).toBe('/ranking?table=district');
    expect(safeNext('/')).toBe('/');
  });

  it('refuses other origins, protocol-relative and backslash tricks, the login page itself and non-strings', () => {
    for (const v of [
      'https://evil.example/',
      '//evil.example/x',
      '/\\evil.example',
      'javascript:alert(1)',
      '/login?next=/',
      'ranking',
      undefined,
      ['/'],
      null,
    ])
      expect(safeNext(v), String(v)).toBeNull();
  });
});

describe('an official’s jurisdiction', () => {
  it('is one locked step at their street or district, with its names; none for city-wide roles', () => {
    expect(jurisdictionSteps(me('street_official', SANLITUN))).toEqual([
      { code: '110105004', level: 'street', name: '三里屯街道', nameEn: 'Sanlitun Subdistrict', bounds: null },
    ]);
    expect(
      jurisdictionSteps(
        me('district_official', { level: 'district', code: '110105', nameZh: '朝阳区', nameEn: 'Chaoyang District' }),
      ),
    ).toEqual([{ code: '110105', level: 'district', name: '朝阳区', nameEn: 'Chaoyang District', bounds: null }]);
    expect(jurisdictionSteps(me('dispatcher'))).toEqual([]);
    expect(jurisdictionSteps(null)).toEqual([]);
    expect(ownUnitCode(me('street_official', SANLITUN))).toBe('110105004');
    expect(ownUnitCode(me('analyst'))).toBeNull();
  });
});
