// The pure demo generator: a region model + taxonomy + demo profile + seed + now in, tickets (with
// their events, dispatches and caller) out, in time order, one local day at a time so memory stays
// flat at any size. Nothing here knows a particular city: categories come from the taxonomy, their
// shares, seasons, channels and language from the city's demo profile (profile.ts), days and months
// are cut in the city's zone, and deadlines follow its policy and each category's service level.
import gcoord from 'gcoord';
import { cellToParent, latLngToCell } from 'h3-js';
import type { Channel, SourceCrs, TicketKind } from '../../db/schema.ts';
import { DEFAULT_POLICY, type Policy } from '../policy/index.ts';
import type { Category, Taxonomy } from '../taxonomy/schema.ts';
import { DEMO_MONTHS, demoDays, demoMonthKeys, MS_DAY, MS_HOUR, type DemoDay } from './calendar.ts';
import { samplePointIn, samplePointInDisc, type Position } from './geometry.ts';
import { lifecycle, type Handler } from './lifecycle.ts';
import { KIND_PROFILES, type CategoryMix, type KindProfile } from './mix.ts';
import type { Caller, DemoLocale } from './people.ts';
import { DEMO_GROWTH_PER_YEAR, planSources, type PlantedSource } from './plan.ts';
import { resolveDemoProfile, type DemoProfile, type DemoSettings } from './profile.ts';
import { Rng, spread, WeightedTable } from './random.ts';
import { plantSurges } from './surges.ts';
import { withDemoGeography, type RegionModel } from './regions.ts';
import { seasonFactor } from './seasons.ts';
import { describerFor, misdispatch } from './descriptions.ts';
import { createTruthRecorder, REPEAT_WITHIN_DAYS } from './recorder.ts';
import type { DemoTruth } from './truth.ts';
import type { DemoTicket } from './types.ts';
import { performanceAt, planUnits, type UnitPlan } from './units.ts';

export interface DemoOptions {
  tickets: number;
  seed: number;
  /** The end of the data: tickets run from the 1st of the month `months − 1` months earlier up to this instant. */
  now: Date;
  /** Calendar months covered, the current one included (default DEMO_MONTHS = 25: two years before it). */
  months?: number;
  /** The city's categories (and departments): every ticket is in one of them. */
  taxonomy: Taxonomy;
  /** The city's demo profile (data/cities/<city>/demo.json), or settings already resolved; none: defaults from the taxonomy. */
  profile?: DemoProfile | DemoSettings | null;
  /** Time limits per urgency (a category's own service level overrides them). Default: the default policy. */
  policy?: Policy;
  /** The zone days and months are cut in; default: the policy's. */
  timeZone?: string;
  /** Language of names and addresses when the profile does not say; default English. */
  locale?: DemoLocale;
  /** First ids to hand out (default 1 each), e.g. to append to tables that already hold rows. */
  firstTicketId?: number;
  firstEventId?: number;
  firstDispatchId?: number;
}

export interface DemoRun {
  /** The profile as applied to the taxonomy (warnings name what did not fit). */
  settings: DemoSettings;
  /** The region model as the profile sees it (its core and region weights). */
  model: RegionModel;
  timeZone: string;
  days: DemoDay[];
  months: string[];
  sources: PlantedSource[];
  units: UnitPlan;
  /** Tickets in order of receipt; iterate once. */
  tickets(): Generator<DemoTicket>;
  /** Ground truth; complete once tickets() has been iterated to the end. */
  truth(): DemoTruth;
}

/** Share of tickets that arrive with an address only (no usable point). */
export const UNLOCATED_SHARE = 0.005;
/** Consultations the operator answers on the call rather than dispatching. */
export const CONSULTATION_ANSWERED = 0.85;
/** An unresolved complaint is followed by the same caller calling again with this probability. */
const REPEAT_CHANCE = 0.15;
/** Total demand grows ~8% a year, as hotline volume has year on year. */
const GROWTH = DEMO_GROWTH_PER_YEAR;
/**
 * Local realism (what makes a forecast worth more than a place's long-run mean): each street has its
 * own mix of category groups (log-normal affinity, σ below: an old estate calls about heating, a
 * nightlife street about noise), so its monthly total follows its own season; and its own trend
 * (log-linear, σ per year below: a new estate filling up, an old quarter emptying). Both are drawn
 * from the seed (fork 'local') and keep each category's city-wide volume and season as set.
 */
export const LOCAL_AFFINITY_SIGMA = 0.5;
export const LOCAL_TREND_SIGMA_PER_YEAR = 0.3;

interface Draft {
  receivedAt: number;
  categoryCode: string;
  point: Position | null;
  /** Index into model.streets: where the point lies (or the address is); -1 outside the city. */
  street: number;
  source: string;
  address?: string;
  repeat?: RepeatSeed;
}

interface RepeatSeed {
  at: number;
  ticketId: number;
  categoryCode: string;
  kind: TicketKind;
  point: Position | null;
  street: number;
  address: string;
  caller: Caller;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;

const isSettings = (p: DemoProfile | DemoSettings): p is DemoSettings => 'mix' in p && p.mix instanceof Map;

export function createDemo(regions: RegionModel, opts: DemoOptions): DemoRun {
  const policy = opts.policy ?? DEFAULT_POLICY;
  const taxonomy = opts.taxonomy;
  if (!taxonomy || taxonomy.categories.length === 0)
    throw new Error('the demo needs a taxonomy with at least one category');
  const settings =
    opts.profile && isSettings(opts.profile)
      ? opts.profile
      : resolveDemoProfile(opts.profile ?? null, taxonomy, { locale: opts.locale });
  const people = settings.people;
  const model = withDemoGeography(regions, { core: settings.core, regionWeights: settings.regionWeights });
  const total = Math.max(0, Math.floor(opts.tickets));
  const nowMs = opts.now.getTime();
  const zone = opts.timeZone ?? policy.timeZone;
  const days = demoDays(nowMs, zone, opts.months ?? DEMO_MONTHS);
  const months = demoMonthKeys(days);
  const root = new Rng(opts.seed >>> 0);
  // In the taxonomy's order (a package's file order: loadTaxonomy/resolveDemoCity restore it), as each draws its profile in turn.
  const units = planUnits(root.fork('units'), model.streets, taxonomy.departments, months.length);
  const sourcesRng = root.fork('sources');
  const rng = root.fork('tickets');
  const local = root.fork('local');

  // --- static tables -------------------------------------------------------------------------
  const categories = settings.categories;
  const mixOf = settings.mix;
  const categoryByCode = new Map<string, Category>(categories.map((c) => [c.code, c]));
  const streetTable = new WeightedTable(
    model.streets.map((_, i) => i),
    model.streets.map((s) => s.weight),
  );
  // Where a category group's tickets come from in a month: street weight × the street's affinity
  // for the group × its own trend (years from the middle of the span, so weights stay centred).
  const groupOf = new Map(categories.map((c) => [c.code, c.groupCode ?? '']));
  const groupCodes = [...new Set(groupOf.values())].sort();
  const affinity = model.streets.map(() =>
    groupCodes.map(() => Math.exp(LOCAL_AFFINITY_SIGMA * local.normal() - LOCAL_AFFINITY_SIGMA ** 2 / 2)),
  );
  // Streets planted to improve or slip keep a steady volume: their planted truth is about performance,
  // and a shrinking street could fall under the ranking's minimum of callbacks.
  const trendStreets = new Set(units.trends.map((t) => t.code));
  const slope = model.streets.map((s) => {
    const g = LOCAL_TREND_SIGMA_PER_YEAR * local.normal();
    return trendStreets.has(s.code) ? 0 : g;
  });
  const midMonth = (months.length - 1) / 2;
  const localTables = months.map((_, m) =>
    groupCodes.map(
      (_, g) =>
        new WeightedTable(
          model.streets.map((_, i) => i),
          model.streets.map((s, i) => s.weight * affinity[i][g] * Math.exp((slope[i] * (m - midMonth)) / 12)),
        ),
    ),
  );
  const groupIndex = new Map(groupCodes.map((g, i) => [g, i]));
  // Each street's background demand over the whole span (its mix and trend included): where a
  // planted hot spot would sit on ordinary ground.
  const groupShare = groupCodes.map((g) =>
    categories
      .filter((c) => (c.groupCode ?? '') === g)
      .reduce((a, c) => a + (mixOf.get(c.code) as CategoryMix).share, 0),
  );
  const effective = model.streets.map((st, i) => {
    let w = 0;
    for (let m = 0; m < months.length; m++)
      groupCodes.forEach((_, g) => (w += groupShare[g] * affinity[i][g] * Math.exp((slope[i] * (m - midMonth)) / 12)));
    return st.weight * w;
  });
  const sources = planSources(sourcesRng, model, days, total, settings, effective);
  const localStreet = (day: DemoDay, categoryCode: string) =>
    localTables[day.monthIndex][groupIndex.get(groupOf.get(categoryCode) ?? '') ?? 0].draw(rng);
  const kindTables = Object.fromEntries(
    KIND_PROFILES.map((k) => [
      k,
      new WeightedTable(Object.keys(settings.kindShares[k]) as TicketKind[], Object.values(settings.kindShares[k])),
    ]),
  ) as Record<KindProfile, WeightedTable<TicketKind>>;
  const channelTable = new WeightedTable(
    settings.channels.map((c) => c.channel as Channel),
    settings.channels.map((c) => c.share),
  );
  const crsByChannel = new Map<Channel, SourceCrs>(settings.channels.map((c) => [c.channel, c.crs]));
  const hourTables = Object.fromEntries(
    Object.entries(settings.diurnal).map(([p, h]) => [
      p,
      new WeightedTable(
        h.map((_, i) => i),
        h,
      ),
    ]),
  ) as Record<string, WeightedTable<number>>;
  const weekday = settings.weekday;
  const districtName = (s: { districtNameZh: string; districtNameEn: string }) =>
    people.name({ nameZh: s.districtNameZh, nameEn: s.districtNameEn });

  // --- how many tickets each day --------------------------------------------------------------
  const dayCategoryTables: WeightedTable<string>[] = [];
  const dayWeights = days.map((d) => {
    const w = categories.map((c) => {
      const m = mixOf.get(c.code) as CategoryMix;
      return m.share * seasonFactor(m.season, d.dayOfYear);
    });
    const table = new WeightedTable(
      categories.map((c) => c.code),
      w,
    );
    dayCategoryTables.push(table);
    return table.total * weekday[d.weekday] * (1 + (GROWTH * d.index) / 365) * d.fraction;
  });
  const plantedTotal = sources.reduce((a, s) => a + s.count, 0);
  const outsideTotal = total < 50 ? 0 : Math.min(500, Math.max(5, Math.round(total * 0.0001)));
  const backgroundCounts = spread(Math.max(0, total - plantedTotal - outsideTotal), dayWeights);
  const outsideCounts = spread(outsideTotal, dayWeights);

  const recorder = createTruthRecorder({
    seed: opts.seed >>> 0,
    total,
    now: opts.now,
    zone,
    days,
    months,
    sources,
    units,
    model,
  });
  let finished = false;
  const said = describerFor(settings, opts.seed >>> 0);

  // --- drawing one draft ------------------------------------------------------------------------
  function timeOfDay(day: DemoDay, profile: string): number {
    for (let i = 0; i < 30; i++) {
      const t = day.startMs + (hourTables[profile].draw(rng) + rng.next()) * MS_HOUR;
      if (t < day.endMs) return Math.floor(t);
    }
    return Math.floor(day.startMs + rng.next() * (day.endMs - day.startMs));
  }

  function pointInStreet(street: number): Position {
    const s = model.streets[street];
    return samplePointIn(rng, s.geometry, s.bbox) ?? s.labelPoint;
  }

  function backgroundDraft(day: DemoDay): Draft {
    const categoryCode = dayCategoryTables[day.index].draw(rng);
    const street = localStreet(day, categoryCode);
    const receivedAt = timeOfDay(day, (mixOf.get(categoryCode) as CategoryMix).diurnal);
    const point = rng.chance(UNLOCATED_SHARE) ? null : pointInStreet(street);
    return { receivedAt, categoryCode, point, street, source: 'background' };
  }

  function plantedDraft(s: PlantedSource, day: DemoDay): Draft {
    const categoryCode = rng.chance(s.categoryShare) ? rng.pick(s.categories) : dayCategoryTables[day.index].draw(rng);
    let point: Position = s.centre;
    let street = s.streetIndex;
    for (let i = 0; i < 50; i++) {
      const p =
        s.place.type === 'cell'
          ? samplePointIn(rng, s.place.shape, s.place.bbox)
          : samplePointInDisc(rng, s.centre, s.place.radiusMetres);
      const found = p ? model.index.locate(p[0], p[1]) : -1;
      // A planted cell's tickets are counted in that cell: H3 children do not tile their parent
      // exactly, so a point whose res-9 cell has another res-8 parent is drawn again.
      if (p && s.place.type === 'cell' && cellToParent(latLngToCell(p[1], p[0], 9), 8) !== s.place.h3r8) continue;
      if (p && found >= 0) {
        point = p;
        street = found;
        break;
      }
    }
    const receivedAt = timeOfDay(day, (mixOf.get(categoryCode) as CategoryMix).diurnal);
    return { receivedAt, categoryCode, point, street, source: s.id, address: s.address ?? undefined };
  }

  /**
   * Locating forgives points within a few metres of a street (published boundaries have slivers),
   * so an "outside" point must stay clear of every street: probes ~150 m around it must all miss,
   * else it moves outward from the map centre (no random draws, so nothing after it changes).
   */
  function clearOfStreets(p: Position): Position {
    const r = 0.0015;
    const probes = [
      [r, 0],
      [-r, 0],
      [0, r],
      [0, -r],
      [r, r],
      [r, -r],
      [-r, r],
      [-r, -r],
    ];
    const cx = (model.bbox[0] + model.bbox[2]) / 2;
    const cy = (model.bbox[1] + model.bbox[3]) / 2;
    const len = Math.hypot(p[0] - cx, p[1] - cy) || 1;
    const ux = (p[0] - cx) / len;
    const uy = (p[1] - cy) / len;
    let [x, y] = p;
    for (let i = 0; i < 8; i++) {
      if (model.index.locate(x, y) < 0 && probes.every(([dx, dy]) => model.index.locate(x + dx, y + dy) < 0))
        return [x, y];
      x += ux * 0.001;
      y += uy * 0.001;
    }
    return p;
  }

  /** A point just outside the city edge: outside every street, but within ~2 km of one. */
  function outsideDraft(day: DemoDay): Draft {
    const [x0, y0, x1, y1] = model.bbox;
    const step = 0.02;
    let point: Position = [x1 + step, y1 + step];
    for (let i = 0; i < 5000; i++) {
      const x = x0 - step + (x1 - x0 + 2 * step) * rng.next();
      const y = y0 - step + (y1 - y0 + 2 * step) * rng.next();
      if (model.index.locate(x, y) >= 0) continue;
      const nearEdge = [
        [step, 0],
        [-step, 0],
        [0, step],
        [0, -step],
      ].some(([dx, dy]) => model.index.locate(x + dx, y + dy) >= 0);
      if (nearEdge) {
        point = clearOfStreets([x, y]);
        break;
      }
    }
    const categoryCode = dayCategoryTables[day.index].draw(rng);
    return { receivedAt: timeOfDay(day, 'day'), categoryCode, point, street: -1, source: 'outside' };
  }

  function repeatDraft(seed: RepeatSeed): Draft {
    // A few metres from the first call's pin, but never across a street border.
    const moved = seed.point ? samplePointInDisc(rng, seed.point, 15) : null;
    const point = moved && model.index.locate(moved[0], moved[1]) === seed.street ? moved : seed.point;
    return {
      receivedAt: seed.at,
      categoryCode: seed.categoryCode,
      point,
      street: seed.street,
      source: 'repeat',
      address: seed.address,
      repeat: seed,
    };
  }

  // --- finishing a ticket ----------------------------------------------------------------------
  let nextTicket = opts.firstTicketId ?? 1;
  let nextEvent = opts.firstEventId ?? 1;
  let nextDispatch = opts.firstDispatchId ?? 1;
  const ids = { event: () => nextEvent++, dispatch: () => nextDispatch++ };
  const pending = new Map<number, RepeatSeed[]>();

  function handler(code: string, monthIndex: number): Handler {
    const u = units.units.get(code);
    if (!u) throw new Error(`no performance profile for unit '${code}'`);
    return { code, kind: u.kind, perf: performanceAt(u, monthIndex) };
  }

  function dayIndexOf(t: number): number {
    let lo = 0;
    let hi = days.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (days[mid].startMs <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function finish(d: Draft, day: DemoDay): DemoTicket {
    const id = nextTicket++;
    const category = categoryByCode.get(d.categoryCode) as Category;
    const mix = mixOf.get(d.categoryCode) as CategoryMix;
    const grid = !d.repeat && d.street >= 0 && mix.patrol && rng.chance(settings.patrolShare);
    const channel: Channel = grid
      ? 'grid'
      : d.repeat
        ? rng.chance(0.85)
          ? 'phone'
          : channelTable.draw(rng)
        : channelTable.draw(rng);
    const kind: TicketKind = d.repeat ? d.repeat.kind : grid ? 'report' : kindTables[mix.kinds].draw(rng);
    const street = d.street >= 0 ? model.streets[d.street] : null;
    const route =
      d.street < 0
        ? 'outside'
        : kind === 'praise' || (kind === 'consultation' && rng.chance(CONSULTATION_ANSWERED))
          ? 'answer'
          : 'dispatch';
    const monthIndex = day.monthIndex;
    const life = lifecycle(
      rng,
      {
        ticketId: id,
        receivedAt: d.receivedAt,
        kind,
        urgency: category.urgency,
        serviceLevel: {
          respondMinutes: category.respondWithin ?? null,
          resolveMinutes: category.resolveWithin ?? null,
        },
        words: people,
        route,
        grid,
        manualLocation: d.point === null,
        street: street ? handler(street.code, monthIndex) : null,
        line: category.parallel && category.departmentCode ? handler(category.departmentCode, monthIndex) : null,
        otherStreet: () => {
          const peers = model.streetsByDistrict.get(street?.districtCode ?? '') ?? [];
          const others = peers.filter((i) => i !== d.street);
          const pick = others.length > 0 ? others[rng.int(others.length)] : streetTable.draw(rng);
          return handler(model.streets[pick].code, monthIndex);
        },
        solvability: mix.solvability * (d.repeat ? 0.85 : 1),
      },
      policy,
      nowMs,
      ids,
    );

    const caller = d.repeat ? d.repeat.caller : people.caller(rng);
    const address =
      d.address ?? (street ? people.address(rng, districtName(street), people.name(street)) : people.outsideAddress);
    let lon: number | null = null;
    let lat: number | null = null;
    let sourceCrs: SourceCrs = 'WGS84';
    let sourceLon: number | null = null;
    let sourceLat: number | null = null;
    let h3r7: string | null = null;
    let h3r8: string | null = null;
    let h3r9: string | null = null;
    if (d.point) {
      lon = round7(d.point[0]);
      lat = round7(d.point[1]);
      sourceCrs = crsByChannel.get(channel) ?? 'WGS84';
      if (sourceCrs === 'WGS84') {
        sourceLon = lon;
        sourceLat = lat;
      } else {
        const [sx, sy] = gcoord.transform(
          [lon, lat],
          gcoord.WGS84,
          sourceCrs === 'GCJ02' ? gcoord.GCJ02 : gcoord.BD09,
        ) as [number, number];
        sourceLon = round7(sx);
        sourceLat = round7(sy);
      }
      h3r9 = latLngToCell(lat, lon, 9);
      h3r8 = cellToParent(h3r9, 8);
      h3r7 = cellToParent(h3r9, 7);
    }

    const words = said(category.code, kind, people.description(rng, people.name(category), kind));
    const ticket: DemoTicket = {
      id,
      kind,
      channel,
      categoryCode: category.code,
      urgency: category.urgency,
      description: words.text,
      address,
      lon,
      lat,
      sourceCrs,
      sourceLon,
      sourceLat,
      h3r7,
      h3r8,
      h3r9,
      plannedStreetCode: street?.code ?? null,
      plannedDistrictCode: street?.districtCode ?? null,
      status: life.status,
      receivedAt: d.receivedAt,
      dispatchedAt: life.dispatchedAt,
      acceptedAt: life.acceptedAt,
      repliedAt: life.repliedAt,
      callbackAt: life.callbackAt,
      closedAt: life.closedAt,
      respondDueAt: life.respondDueAt,
      resolveDueAt: life.resolveDueAt,
      remindAt: life.remindAt,
      remindedAt: life.remindedAt,
      overdueAt: life.overdueAt,
      returnCount: life.returnCount,
      solved: life.solved,
      satisfaction: life.satisfaction,
      repeatOf: d.repeat ? d.repeat.ticketId : null,
      updatedAt: life.updatedAt,
      caller,
      events: life.events,
      dispatches: life.dispatches,
      source: d.source,
    };

    // Unresolved complaints come back: the same caller, same category, same place, within days.
    if (
      route === 'dispatch' &&
      life.unresolved &&
      (kind === 'complaint' || kind === 'help' || kind === 'report') &&
      rng.chance(REPEAT_CHANCE)
    ) {
      const at = Math.floor(d.receivedAt + rng.uniform(1, REPEAT_WITHIN_DAYS) * MS_DAY);
      if (at < nowMs) {
        const di = dayIndexOf(at);
        const seed: RepeatSeed = {
          at,
          ticketId: id,
          categoryCode: category.code,
          kind,
          point: d.point,
          street: d.street,
          address,
          caller,
        };
        const list = pending.get(di);
        if (list) list.push(seed);
        else pending.set(di, [seed]);
      }
    }
    if (words.misdispatched)
      misdispatch(ticket, words.misleading as string, categoryByCode, units, people.returnReasons, nowMs, ids);
    recorder.record(ticket, day);
    return ticket;
  }

  function* tickets(): Generator<DemoTicket> {
    for (const day of days) {
      const drafts: Draft[] = [];
      const repeats = pending.get(day.index) ?? [];
      pending.delete(day.index);
      // Repeats take the place of background calls, so the total stays exactly as asked.
      const bg = backgroundCounts[day.index];
      const kept = repeats.filter((r) => r.at < day.endMs).slice(0, bg);
      for (const r of kept) drafts.push(repeatDraft(r));
      for (let i = kept.length; i < bg; i++) drafts.push(backgroundDraft(day));
      for (const s of sources) for (let i = 0; i < s.dayCounts[day.index]; i++) drafts.push(plantedDraft(s, day));
      for (let i = 0; i < outsideCounts[day.index]; i++) drafts.push(outsideDraft(day));
      // a surge for the alerts on the last day, from its own random stream (data/demo/surges.ts)
      if (day.index === days.length - 1)
        plantSurges(drafts, {
          seed: opts.seed,
          dayStartMs: day.startMs,
          nowMs,
          categories: categories.map((c) => c.code),
          streets: streetTable,
          pointIn: (s, r) =>
            samplePointIn(r, model.streets[s].geometry, model.streets[s].bbox) ?? model.streets[s].labelPoint,
        });
      drafts.sort((a, b) => a.receivedAt - b.receivedAt);
      for (const d of drafts) yield finish(d, day);
    }
    finished = true;
  }

  return {
    settings,
    model,
    timeZone: zone,
    days,
    months,
    sources,
    units,
    tickets,
    truth() {
      if (!finished) throw new Error('demo truth is complete only after all tickets were generated');
      return recorder.finish();
    },
  };
}
