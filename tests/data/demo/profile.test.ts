// Demo profiles (data/cities/<city>/demo.json) and the generator on a city that is not Beijing:
// the bundled packages' profiles fit their taxonomies, a city without a profile still gets a
// plausible year from its taxonomy alone, and New York's year — generated in memory from the
// package's real boundaries — is English, WGS-84, cut in America/New_York and due per request type.
import { beforeAll, describe, expect, it } from 'vitest';
import { readCityPackage } from '../../../data/city/package.ts';
import { localDate, MS_HOUR, startOfLocalDay } from '../../../data/demo/calendar.ts';
import { createDemo, type DemoRun } from '../../../data/demo/generator.ts';
import type { MultiPolygon, Position } from '../../../data/demo/geometry.ts';
import { parseDemoProfile, readDemoProfile, resolveDemoProfile, type DemoProfile } from '../../../data/demo/profile.ts';
import { peopleFor } from '../../../data/demo/people.ts';
import { Rng } from '../../../data/demo/random.ts';
import { buildRegionModel, type RegionModel, type RegionRow } from '../../../data/demo/regions.ts';
import { seasonFactor, seasonTable } from '../../../data/demo/seasons.ts';
import type { DemoTicket } from '../../../data/demo/types.ts';
import { deadlinesFor, parsePolicy } from '../../../data/policy/index.ts';
import type { Taxonomy } from '../../../data/taxonomy/schema.ts';
import { BEIJING_DIR, beijingDemo, fixtureModel, NYC_DIR } from './fixtures.ts';

const doy = (md: string) =>
  Math.round((Date.UTC(2001, Number(md.slice(0, 2)) - 1, Number(md.slice(3))) - Date.UTC(2001, 0, 1)) / 86_400_000);
const mean = (t: Float64Array) => t.slice(0, 365).reduce((a, b) => a + b, 0) / 365;

function nycPackage() {
  const { pkg, problems } = readCityPackage(NYC_DIR);
  if (!pkg) throw new Error(JSON.stringify(problems));
  return pkg;
}

/** New York's region model straight from the package files (what the database would hold after import). */
function nycModel(): RegionModel {
  const pkg = nycPackage();
  const rows: RegionRow[] = pkg.regions.features
    .filter((f) => f.properties.level === 'district' || f.properties.level === 'street')
    .map((f) => ({
      level: f.properties.level as 'district' | 'street',
      code: f.properties.code,
      nameZh: f.properties.nameZh,
      nameEn: f.properties.nameEn ?? null,
      parentCode: f.properties.parentCode ?? null,
      population: f.properties.population ?? null,
      geometry:
        f.properties.level === 'street'
          ? ((f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates) as MultiPolygon)
          : null,
      labelPoint: null,
    }));
  return buildRegionModel(rows);
}

describe('the bundled demo profiles', () => {
  for (const [name, dir] of [
    ['beijing', BEIJING_DIR],
    ['nyc', NYC_DIR],
  ] as const) {
    it(`${name}: parses, and fits its package's taxonomy with nothing ignored or replaced`, () => {
      const { pkg } = readCityPackage(dir);
      const profile = readDemoProfile(dir) as DemoProfile;
      expect(profile).not.toBeNull();
      const settings = resolveDemoProfile(profile, pkg!.taxonomy);
      expect(settings.warnings).toEqual([]);
      // Every request type is either given a share on purpose or generated (none silently by default).
      for (const c of pkg!.taxonomy.categories) expect(profile.categories[c.code], c.code).toBeDefined();
      expect(
        settings.themes.persistent.length +
          settings.themes.new.length +
          settings.themes.intensifying.length +
          settings.themes.diminishing.length,
      ).toBe(13);
      expect(settings.clusters).toHaveLength(6);
    });
  }

  it('keeps every Beijing constant out of the generator: the heating season, GCJ-02 channels and Tiananmen are data', () => {
    const bj = readDemoProfile(BEIJING_DIR) as DemoProfile;
    expect(bj.core).toEqual([116.3975, 39.9087]);
    expect(bj.channels?.find((c) => c.channel === 'wechat')?.crs).toBe('GCJ02');
    expect(bj.channels?.find((c) => c.channel === 'web')?.crs).toBe('BD09');
    expect(bj.categories['heating.no_heat']).toMatchObject({ season: 'heating', diurnal: 'heating' });
  });

  it('gives New York phone, web and app in WGS-84, no grid patrols, English, a midtown core', () => {
    const ny = resolveDemoProfile(readDemoProfile(NYC_DIR), nycPackage().taxonomy);
    expect(ny.channels.map((c) => [c.channel, c.crs])).toEqual([
      ['phone', 'WGS84'],
      ['app', 'WGS84'],
      ['web', 'WGS84'],
    ]);
    expect(ny.patrolShare).toBe(0);
    expect(ny.locale).toBe('en');
    expect(ny.core).toEqual([-73.984, 40.754]);
    expect(ny.mix.get('other.unmapped')?.share).toBe(0);
  });
});

describe('profile validation', () => {
  it('names the path of every problem', () => {
    const bad = () =>
      parseDemoProfile({
        categories: { 'noise.residential': { share: -1, season: 'monsoon' } },
        seasons: { wet: { monthly: [1, 2, 3] } },
        channels: [{ channel: 'grid', share: 1 }],
        colour: 'red',
      });
    expect(bad).toThrow(/share/);
    try {
      bad();
    } catch (e) {
      const text = String(e);
      for (const p of ['categories', 'seasons', 'channels', 'colour']) expect(text).toContain(p);
    }
    expect(() => parseDemoProfile({ categories: { 'noise.residential': { season: 'monsoon' } } })).toThrow(
      /unknown season 'monsoon'/,
    );
    expect(() => parseDemoProfile({ categories: { 'noise.residential': { diurnal: 'brunch' } } })).toThrow(
      /unknown time-of-day shape 'brunch'/,
    );
    expect(() =>
      parseDemoProfile({ seasons: { x: { segments: [{ from: '02-30', to: '03-01', value: 1 }] } } }),
    ).toThrow(/no such day/);
  });

  it('reports categories a profile names but the taxonomy lacks, and replaces a theme left empty', () => {
    const profile = parseDemoProfile({
      categories: { 'heating.no_heat': { share: 3 }, 'noise.residential': { share: 2 } },
      themes: { persistent: [{ story: 'elsewhere', categories: ['nothing.here'] }] },
      clusters: [{ story: 'gone', category: 'nothing.there', share: 0.001, min: 10 }],
    });
    const s = resolveDemoProfile(profile, nycPackage().taxonomy);
    expect(s.warnings).toEqual([
      "category 'heating.no_heat' is not in the taxonomy: ignored",
      "themes.persistent[0]: category 'nothing.here' is not in the taxonomy",
      "clusters[0]: category 'nothing.there' is not in the taxonomy: replaced",
    ]);
    expect(s.categories[0].code).toBe('noise.residential');
    expect(s.themes.persistent).toHaveLength(1);
    expect(s.themes.persistent[0].categories.length).toBe(1);
    expect(s.clusters[0].category).not.toBe('nothing.there');
  });
});

describe('seasonal curves', () => {
  it('normalise every curve to a mean of 1, and interpolate monthly values between mid-months', () => {
    const t = seasonTable({ monthly: [1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 1] });
    expect(mean(t)).toBeCloseTo(1, 10);
    expect(seasonFactor(t, doy('07-16'))).toBeGreaterThan(2 * seasonFactor(t, doy('05-16')));
    expect(mean(seasonTable('flat'))).toBe(1);
  });

  it('run date segments across the year end, ramps included, with peaks on top', () => {
    const t = seasonTable({
      base: 0.1,
      segments: [
        { from: '11-15', to: '03-15', value: 2 },
        { from: '10-01', to: '10-31', start: 0.5, end: 1.5 },
      ],
      peaks: [{ at: '11-20', height: 3, sd: 4 }],
    });
    expect(mean(t)).toBeCloseTo(1, 10);
    const at = (md: string) => seasonFactor(t, doy(md));
    expect(at('01-10')).toBeCloseTo(at('03-15'), 10);
    expect(at('03-16')).toBeCloseTo(at('07-01'), 10);
    expect(at('10-01')).toBeLessThan(at('10-31'));
    expect(at('11-20')).toBeGreaterThan(2 * at('01-10'));
  });

  it('keeps Beijing’s heating season: nothing in summer, the peak after first firing on 15 November', () => {
    const bj = resolveDemoProfile(readDemoProfile(BEIJING_DIR), beijingDemo().taxonomy);
    const heat = bj.mix.get('heating.no_heat')!.season;
    expect(seasonFactor(heat, doy('11-20'))).toBeGreaterThan(1.3 * seasonFactor(heat, doy('01-10')));
    expect(seasonFactor(heat, doy('07-01'))).toBeLessThan(0.05);
  });
});

describe('a city without a demo profile', () => {
  const taxonomy = (): Taxonomy => nycPackage().taxonomy;

  it('takes shares from urgency alone, no season, phone/web/app in WGS-84, no patrols, English', () => {
    const s = resolveDemoProfile(null, taxonomy());
    expect(s.warnings).toEqual([]);
    expect(s.locale).toBe('en');
    expect(s.channels.every((c) => c.crs === 'WGS84')).toBe(true);
    expect(s.patrolShare).toBe(0);
    const byUrgency = (u: string) =>
      taxonomy()
        .categories.filter((c) => c.urgency === u)
        .map((c) => s.mix.get(c.code)!);
    expect(byUrgency('emergency').every((m) => m.share < byUrgency('ordinary')[0].share)).toBe(true);
    expect([...s.mix.values()].every((m) => mean(m.season) === 1)).toBe(true);
  });

  it('plants 13 hotspots and 6 clusters about the most common categories, the same every time', () => {
    const a = resolveDemoProfile(null, taxonomy());
    const b = resolveDemoProfile(null, taxonomy());
    const themes = [...a.themes.persistent, ...a.themes.new, ...a.themes.intensifying, ...a.themes.diminishing];
    expect(themes).toHaveLength(13);
    expect(a.themes).toEqual(b.themes);
    const codes = new Set(taxonomy().categories.map((c) => c.code));
    for (const t of themes) for (const c of t.categories) expect(codes.has(c)).toBe(true);
    expect(a.clusters.map((c) => c.category)).toEqual(b.clusters.map((c) => c.category));
    expect(a.clusters.every((c) => c.months.length === 12)).toBe(true);
  });

  it('generates a whole year from the taxonomy alone', () => {
    const run = createDemo(fixtureModel(), {
      tickets: 3000,
      seed: 1,
      now: new Date('2025-07-16T15:30:00+08:00'),
      taxonomy: taxonomy(),
      profile: null,
      timeZone: 'Asia/Shanghai',
    });
    const tickets = [...run.tickets()];
    expect(tickets).toHaveLength(3000);
    expect(new Set(tickets.map((t) => t.categoryCode)).size).toBeGreaterThan(20);
    expect(tickets.some((t) => t.categoryCode === 'other.unmapped')).toBe(true);
    expect(run.truth().hotspots).toHaveLength(13);
  });
});

describe('where demand sits without populations', () => {
  const box = (x0: number, y0: number, x1: number, y1: number): MultiPolygon => [
    [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  ];
  // Two districts without population: a small dense one at the core, a big one 20–40 km out.
  const rows = (): RegionRow[] => [
    {
      level: 'district',
      code: 'A',
      nameZh: 'Core',
      parentCode: null,
      population: null,
      geometry: null,
      labelPoint: null,
    },
    {
      level: 'district',
      code: 'B',
      nameZh: 'Outer',
      parentCode: null,
      population: null,
      geometry: null,
      labelPoint: null,
    },
    ...[0, 1, 2, 3].map((k) => ({
      level: 'street' as const,
      code: `A${k}`,
      nameZh: `A${k}`,
      parentCode: 'A',
      population: null,
      geometry: box(k * 0.02, 0, (k + 1) * 0.02, 0.02),
      labelPoint: null,
    })),
    {
      level: 'street',
      code: 'B0',
      nameZh: 'B0',
      parentCode: 'B',
      population: null,
      geometry: box(0.3, 0, 0.5, 0.2),
      labelPoint: null,
    },
  ];

  it('spreads one pool over every street: denser toward the core, big outer areas far thinner per km²', () => {
    const m = buildRegionModel(rows(), { core: [0.04, 0.01] });
    const density = (code: string) => {
      const s = m.streets.find((x) => x.code === code)!;
      return s.weight / s.areaKm2;
    };
    const weightOf = (d: string) => m.streets.filter((s) => s.districtCode === d).reduce((a, s) => a + s.weight, 0);
    expect(density('A1')).toBeGreaterThan(20 * density('B0'));
    // Not a district's equal share each: the one big outer street gets less than the four core ones.
    expect(weightOf('B')).toBeLessThan(weightOf('A'));
  });

  it('takes the centre of the map as the core without populations, the population-weighted centroid with them, the profile’s over both', () => {
    const bare = buildRegionModel(rows());
    expect(bare.core[0]).toBeCloseTo(0.25, 6);
    expect(bare.core[1]).toBeCloseTo(0.1, 6);
    const peopled = buildRegionModel(
      rows().map((r) =>
        r.code === 'A' ? { ...r, population: 900_000 } : r.code === 'B' ? { ...r, population: 100_000 } : r,
      ),
    );
    expect(peopled.core[0]).toBeCloseTo(0.9 * 0.04 + 0.1 * 0.4, 6);
    const given = buildRegionModel(rows(), { core: [0.4, 0.1] as Position, regionWeights: { B0: 0.5 } });
    expect(given.streets.find((s) => s.code === 'B0')!.coreKm).toBeLessThan(0.01);
    const unweighted = buildRegionModel(rows(), { core: [0.4, 0.1] as Position });
    expect(given.streets.find((s) => s.code === 'B0')!.weight).toBeCloseTo(
      unweighted.streets.find((s) => s.code === 'B0')!.weight * 0.5,
      6,
    );
  });
});

describe('English callers and addresses', () => {
  it('writes US names, NANP numbers and addresses ending in the borough and state', () => {
    const people = peopleFor('en', { addressSuffix: 'NY', areaCodes: ['212', '718'] });
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const c = people.caller(rng);
      expect(c.name).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z']+$/);
      expect(c.phone).toMatch(/^\((212|718)\) [2-9]\d\d-\d{4}$/);
      expect(c.phone).not.toMatch(/\) \d11-/);
      expect(people.address(rng, 'Brooklyn', 'Community District 306')).toMatch(/^\d+ .+, Brooklyn, NY$/);
    }
    expect(people.description(new Rng(1), 'Bulk item pickup', 'consultation')).toMatch(/^Question: Bulk item pickup/);
  });
});

describe('New York, generated in memory from its package', () => {
  const ZONE = 'America/New_York';
  // Spans both daylight-saving changes (9 Mar and 2 Nov 2025) and ends in March 2026.
  const NOW = new Date('2026-03-20T14:00:00-04:00');
  let run: DemoRun;
  let tickets: DemoTicket[];
  const pkg = nycPackage();
  const policy = parsePolicy({ ...pkg.policy, timeZone: ZONE });

  beforeAll(() => {
    run = createDemo(nycModel(), {
      tickets: 12_000,
      seed: 311,
      now: NOW,
      taxonomy: pkg.taxonomy,
      profile: readDemoProfile(NYC_DIR),
      policy,
    });
    tickets = [...run.tickets()];
  });

  it('cuts days and months at New York midnight, 23 and 25 hours long when the clocks change', () => {
    expect(run.timeZone).toBe(ZONE);
    expect(run.months[0]).toBe('2024-03');
    expect(run.months.at(-1)).toBe('2026-03');
    expect(run.days[0].startMs).toBe(Date.parse('2024-03-01T00:00:00-05:00'));
    for (const d of run.days) expect(localDate(d.startMs, ZONE).hour).toBe(0);
    const length = (ymd: string) => {
      const d = run.days.find(
        (x) => `${x.year}-${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}` === ymd,
      )!;
      return (d.endMs - d.startMs) / MS_HOUR;
    };
    expect(length('2025-03-09')).toBe(23);
    expect(length('2025-11-02')).toBe(25);
  });

  it('puts a ticket at 23:xx local on the last day of a month in that month, though it is the next month in UTC', () => {
    const late = tickets.filter((t) => {
      const l = localDate(t.receivedAt, ZONE);
      const lastDay = new Date(Date.UTC(l.year, l.month, 0)).getUTCDate();
      return l.day === lastDay && l.hour === 23;
    });
    expect(late.length).toBeGreaterThan(3);
    for (const t of late) {
      const l = localDate(t.receivedAt, ZONE);
      const day = run.days.find((d) => d.startMs <= t.receivedAt && t.receivedAt < d.endMs)!;
      expect(day.monthKey).toBe(`${l.year}-${String(l.month).padStart(2, '0')}`);
      expect(new Date(t.receivedAt).getUTCMonth() + 1).not.toBe(l.month);
      expect(t.receivedAt).toBeLessThan(startOfLocalDay(l.year, l.month + 1, 1, ZONE));
    }
  });

  it('writes English callers and addresses, every point in WGS-84 from phone, web or app', () => {
    for (const t of tickets.slice(0, 500)) {
      expect(t.caller.name).toMatch(/^[A-Z][a-z]+ [A-Z][A-Za-z']+$/);
      expect(t.caller.phone).toMatch(/^\(\d{3}\) \d{3}-\d{4}$/);
      if (t.source !== 'outside') expect(t.address).toMatch(/, (Manhattan|Bronx|Brooklyn|Queens|Staten Island), NY$/);
    }
    expect(new Set(tickets.map((t) => t.channel))).toEqual(new Set(['phone', 'web', 'app']));
    expect(tickets.every((t) => t.sourceCrs === 'WGS84' && t.sourceLon === t.lon)).toBe(true);
    const returned = tickets.flatMap((t) => t.dispatches).filter((d) => d.returnReason);
    expect(returned.length).toBeGreaterThan(0);
    for (const d of returned) expect(d.returnReason).toMatch(/^[A-Z][a-z ,]+$/);
  });

  it('gives each request type its own service level: bulk pickup 90 days, noise a day, the rest of the policy by urgency', () => {
    const byCode = new Map(pkg.taxonomy.categories.map((c) => [c.code, c]));
    const dispatched = tickets.filter((t) => t.resolveDueAt !== null);
    const bulk = dispatched.filter((t) => t.categoryCode === 'sanitation.bulk_pickup');
    expect(bulk.length).toBeGreaterThan(5);
    for (const t of bulk) expect(t.resolveDueAt! - t.receivedAt).toBe(90 * 24 * MS_HOUR);
    for (const t of dispatched.filter((x) => x.categoryCode === 'noise.residential'))
      expect(t.resolveDueAt! - t.receivedAt).toBe(24 * MS_HOUR);
    for (const t of dispatched) {
      const c = byCode.get(t.categoryCode)!;
      const d = deadlinesFor(new Date(t.receivedAt), c.urgency, policy, {
        respondMinutes: c.respondWithin,
        resolveMinutes: c.resolveWithin,
      });
      expect([t.respondDueAt, t.resolveDueAt, t.remindAt]).toEqual([
        d.respondDueAt.getTime(),
        d.resolveDueAt.getTime(),
        d.remindAt.getTime(),
      ]);
    }
    // Late replies are judged against the type's own limit: few bulk pickups are overdue, unlike a 1-day noise limit.
    const overdue = (code: string) =>
      dispatched.filter((t) => t.categoryCode === code && t.overdueAt !== null).length /
      Math.max(1, dispatched.filter((t) => t.categoryCode === code).length);
    expect(overdue('sanitation.bulk_pickup')).toBeLessThan(0.25);
  });

  it('follows New York’s seasons: heat in January, hydrants and sewers in July, noise and parking all year', () => {
    const month = (t: DemoTicket) => {
      const l = localDate(t.receivedAt, ZONE);
      return `${l.year}-${String(l.month).padStart(2, '0')}`;
    };
    // Both Julys (2024, 2025) against both Januaries (2025, 2026) of the 25-month demo.
    const count = (m: string, f: (c: string) => boolean) =>
      tickets.filter(
        (t) => (m === 'July' ? ['2024-07', '2025-07'] : ['2025-01', '2026-01']).includes(month(t)) && f(t.categoryCode),
      ).length;
    expect(count('January', (c) => c === 'housing.heat_hot_water')).toBeGreaterThan(
      10 * count('July', (c) => c === 'housing.heat_hot_water'),
    );
    expect(count('July', (c) => c === 'water.hydrant')).toBeGreaterThan(
      8 *
        Math.max(
          1,
          count('January', (c) => c === 'water.hydrant'),
        ),
    );
    expect(count('July', (c) => c.startsWith('sewer.'))).toBeGreaterThan(
      2.5 * count('January', (c) => c.startsWith('sewer.')),
    );
    const top = new Map<string, number>();
    for (const t of tickets) top.set(t.categoryCode, (top.get(t.categoryCode) ?? 0) + 1);
    const ranked = [...top.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
    expect(ranked.slice(0, 4)).toEqual(
      expect.arrayContaining(['noise.residential', 'vehicles.illegal_parking', 'housing.heat_hot_water']),
    );
    expect(top.has('other.unmapped')).toBe(false);
  });

  it('is densest in Manhattan and thin in parks and airports', () => {
    const perKm2 = (pred: (code: string) => boolean) => {
      const streets = run.model.streets.filter((s) => pred(s.code));
      const area = streets.reduce((a, s) => a + s.areaKm2, 0);
      return tickets.filter((t) => t.plannedStreetCode && pred(t.plannedStreetCode)).length / area;
    };
    const joint = (c: string) => Number(c) % 100 >= 64;
    expect(perKm2((c) => c.startsWith('1') && !joint(c))).toBeGreaterThan(
      3 * perKm2((c) => c.startsWith('5') && !joint(c)),
    );
    expect(perKm2(joint)).toBeLessThan(0.2 * perKm2((c) => !joint(c)));
  });

  it('plants its hotspots and clusters in New York categories and community districts', () => {
    const truth = run.truth();
    expect(truth.timeZone).toBe(ZONE);
    expect(truth.hotspots).toHaveLength(13);
    const cds = new Set(run.model.streets.map((s) => s.code));
    const codes = new Set(pkg.taxonomy.categories.map((c) => c.code));
    for (const h of truth.hotspots) {
      expect(cds.has(h.streetCode)).toBe(true);
      expect(h.categories.every((c) => codes.has(c))).toBe(true);
    }
    expect(truth.clusters.map((c) => c.categoryCode)).toContain('housing.heat_hot_water');
    for (const c of truth.clusters) expect(c.address).toMatch(/, NY$/);
  });
});
