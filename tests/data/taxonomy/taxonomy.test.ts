import { describe, expect, it } from 'vitest';
import { getCategory, parseTaxonomy, TAXONOMY } from '../../../data/taxonomy/index.ts';
import { CITIES_DIR, readDemoProfile } from '../../../data/demo/profile.ts';

describe('the Beijing taxonomy', () => {
  it('has about 15–20 groups and 60–80 categories, with Chinese and English names', () => {
    expect(TAXONOMY.groups.length).toBeGreaterThanOrEqual(15);
    expect(TAXONOMY.categories.length).toBeGreaterThanOrEqual(60);
    for (const x of [...TAXONOMY.groups, ...TAXONOMY.categories, ...TAXONOMY.departments]) {
      expect(x.nameZh).toMatch(/[\u4e00-\u9fff]/);
      expect(x.nameEn).toMatch(/[A-Za-z]/);
    }
  });

  it("covers Beijing's top demand classes", () => {
    const groups = TAXONOMY.groups.map((g) => g.code);
    for (const g of [
      'heating',
      'property',
      'housing',
      'realty',
      'municipal',
      'traffic',
      'noise',
      'environment',
      'water',
      'power',
      'gas',
      'market',
      'labour',
      'education',
      'health',
      'transit',
      'greening',
      'security',
    ])
      expect(groups).toContain(g);
    expect(TAXONOMY.categories.map((c) => c.code)).toEqual(
      expect.arrayContaining([
        'heating.no_heat',
        'market.prepaid_card',
        'housing.lift_install',
        'water.waterlogging',
        'property.roof_leak',
      ]),
    );
  });

  it('classes outages of water, power, heating and gas as basic, leaks and collapses as emergency, old problems as complex', () => {
    for (const c of ['water.outage', 'power.outage', 'heating.outage', 'gas.outage'])
      expect(getCategory(c).urgency).toBe('basic');
    for (const c of ['gas.leak', 'municipal.road_collapse']) expect(getCategory(c).urgency).toBe('emergency');
    for (const c of ['realty.certificate', 'realty.historic']) expect(getCategory(c).urgency).toBe('complex');
  });

  it('dispatches utility outages in parallel to the utility', () => {
    expect(getCategory('heating.no_heat')).toMatchObject({ departmentCode: 'heating_group', parallel: true });
    expect(getCategory('water.outage')).toMatchObject({ departmentCode: 'water_group', parallel: true });
    expect(getCategory('power.outage')).toMatchObject({ departmentCode: 'power_grid', parallel: true });
    expect(getCategory('gas.leak')).toMatchObject({ departmentCode: 'gas_group', parallel: true });
  });

  it('lists departments and utilities apart', () => {
    const kinds = new Map(TAXONOMY.departments.map((d) => [d.code, d.kind]));
    expect(kinds.get('housing')).toBe('department');
    expect(kinds.get('heating_group')).toBe('utility');
    expect([...kinds.values()].filter((k) => k === 'utility').length).toBeGreaterThanOrEqual(5);
  });

  it('gives every category an entry in the demo profile (data/cities/beijing/demo.json), so the demo never falls back silently', () => {
    const mix = readDemoProfile(`${CITIES_DIR}/beijing`)?.categories ?? {};
    for (const c of TAXONOMY.categories) expect(mix[c.code], c.code).toBeDefined();
    for (const code of Object.keys(mix)) expect(() => getCategory(code)).not.toThrow();
  });
});

describe('taxonomy validation', () => {
  const base = () => structuredClone(TAXONOMY);

  it('rejects a category pointing at an unknown department', () => {
    const t = base();
    t.categories[0].departmentCode = 'nobody';
    expect(() => parseTaxonomy(t)).toThrow(/unknown department 'nobody'/);
  });

  it('rejects duplicate codes and a code outside its group', () => {
    const t = base();
    t.categories.push({ ...t.categories[0] });
    expect(() => parseTaxonomy(t)).toThrow(/duplicate category/);
    const u = base();
    u.categories[0].groupCode = 'noise';
    expect(() => parseTaxonomy(u)).toThrow(/must start with its group code/);
  });

  it('rejects parallel dispatch without a department and an unknown urgency', () => {
    const t = base();
    t.categories[0] = { ...t.categories[0], departmentCode: null, parallel: true };
    expect(() => parseTaxonomy(t)).toThrow(/parallel but has no department/);
    const u = base() as unknown as { categories: { urgency: string }[] };
    u.categories[0].urgency = 'urgent';
    expect(() => parseTaxonomy(u)).toThrow();
  });
});
