// The pure generator on a small fixture city: 20,000 tickets ending mid-July 2025 (Beijing time).
import { cellToParent, latLngToCell } from 'h3-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { MS_DAY, localDate } from '../../../data/demo/calendar.ts';
import { createDemo, type DemoRun } from '../../../data/demo/generator.ts';
import { distanceMetres } from '../../../data/demo/geometry.ts';
import { buildRegionModel } from '../../../data/demo/regions.ts';
import type { DemoTruth } from '../../../data/demo/truth.ts';
import type { DemoTicket } from '../../../data/demo/types.ts';
import { deadlinesFor } from '../../../data/policy/index.ts';
import { getCategory } from '../../../data/taxonomy/index.ts';
import { beijingDemo, fixtureModel } from './fixtures.ts';

const ZONE = 'Asia/Shanghai';
const NOW = new Date('2025-07-16T15:30:00+08:00');
const N = 20_000;
const model = fixtureModel();
const city = beijingDemo();

let run: DemoRun;
let tickets: DemoTicket[];
let truth: DemoTruth;
// Local calendar fields per ticket, computed once (Intl is slow per call).
const local = new Map<number, ReturnType<typeof localDate>>();
const month = (t: DemoTicket) => {
  const l = local.get(t.id) as ReturnType<typeof localDate>;
  return `${l.year}-${String(l.month).padStart(2, '0')}`;
};
const hourOf = (t: DemoTicket) => (local.get(t.id) as ReturnType<typeof localDate>).hour;
const weekdayOf = (t: DemoTicket) => (local.get(t.id) as ReturnType<typeof localDate>).weekday;

beforeAll(() => {
  run = createDemo(model, { tickets: N, seed: 42, now: NOW, ...city });
  tickets = [...run.tickets()];
  truth = run.truth();
  for (const t of tickets) local.set(t.id, localDate(t.receivedAt, ZONE));
});

const misdispatched = (t: DemoTicket) => t.events.some((e) => e.type === 'recategorized');

function firstTickets(seed: number, n: number): DemoTicket[] {
  const out: DemoTicket[] = [];
  for (const t of createDemo(model, { tickets: N, seed, now: NOW, ...city }).tickets()) {
    out.push(t);
    if (out.length === n) break;
  }
  return out;
}

const share = (xs: DemoTicket[], f: (t: DemoTicket) => boolean) => xs.filter(f).length / Math.max(1, xs.length);

describe('the region model', () => {
  it('refuses a database without streets, with a message that says what to do', () => {
    expect(() =>
      buildRegionModel([
        {
          level: 'district',
          code: '110101',
          nameZh: '东城区',
          parentCode: null,
          population: 1,
          geometry: null,
          labelPoint: null,
        },
      ]),
    ).toThrow(/import the geography first/);
  });

  it('weights streets by district population with an urban uplift', () => {
    const core = model.streets.find((s) => s.code === '990104005') as (typeof model.streets)[number];
    const outer = model.streets.find((s) => s.code === '990105004') as (typeof model.streets)[number];
    expect(core.coreKm).toBeLessThan(10);
    expect(outer.coreKm).toBeGreaterThan(30);
    expect(core.weight / core.areaKm2).toBeGreaterThan(5 * (outer.weight / outer.areaKm2));
  });
});

describe('determinism', () => {
  it('gives identical tickets, events, dispatches and callers for the same seed', () => {
    expect(JSON.stringify(firstTickets(42, 2000))).toBe(JSON.stringify(tickets.slice(0, 2000)));
  });

  it('gives different tickets for a different seed', () => {
    const other = firstTickets(43, 200);
    const same = other.filter(
      (t, i) => t.receivedAt === tickets[i].receivedAt && t.categoryCode === tickets[i].categoryCode,
    ).length;
    expect(same).toBeLessThan(20);
  });
});

describe('volume and time range', () => {
  it('produces exactly the number of tickets asked for, with ids 1…N in order of receipt', () => {
    expect(tickets).toHaveLength(N);
    expect(tickets.every((t, i) => t.id === i + 1)).toBe(true);
    expect(tickets.every((t, i) => i === 0 || t.receivedAt >= tickets[i - 1].receivedAt)).toBe(true);
  });

  it('covers 25 month buckets in Beijing time, from 1 July 2023 to now', () => {
    const months = [...new Set(tickets.map(month))];
    const expected = ['2023-07', '2023-08', '2023-09', '2023-10', '2023-11', '2023-12'];
    for (let y = 2024; y <= 2025; y++)
      for (let m = 1; m <= 12; m++)
        if (`${y}-${String(m).padStart(2, '0')}` <= '2025-07') expected.push(`${y}-${String(m).padStart(2, '0')}`);
    expect(expected).toHaveLength(25);
    expect(months).toEqual(expected);
    expect(run.months).toEqual(months);
    expect(tickets[0].receivedAt).toBeGreaterThanOrEqual(new Date('2023-07-01T00:00:00+08:00').getTime());
    expect(tickets[tickets.length - 1].receivedAt).toBeLessThanOrEqual(NOW.getTime());
    for (const m of months) expect(tickets.filter((t) => month(t) === m).length).toBeGreaterThan(200);
  });

  it('puts nothing after now, and every instant is a whole millisecond (stored and read back unchanged)', () => {
    const now = NOW.getTime();
    const bad: string[] = [];
    const check = (what: string, v: number | null) => {
      if (v !== null && (v > now || !Number.isInteger(v))) bad.push(`${what}=${v}`);
    };
    for (const t of tickets) {
      for (const [k, v] of Object.entries({
        r: t.receivedAt,
        d: t.dispatchedAt,
        a: t.acceptedAt,
        p: t.repliedAt,
        c: t.callbackAt,
        x: t.closedAt,
        m: t.remindedAt,
        o: t.overdueAt,
        u: t.updatedAt,
      }))
        check(`${t.id}.${k}`, v);
      for (const v of [t.respondDueAt, t.resolveDueAt, t.remindAt])
        if (v !== null) expect(Number.isInteger(v)).toBe(true);
      for (const e of t.events) check(`event ${e.id}`, e.at);
      for (const d of t.dispatches)
        for (const v of [d.dispatchedAt, d.acceptedAt, d.returnedAt, d.ruledAt]) check(`dispatch ${d.id}`, v);
    }
    expect(bad).toEqual([]);
  });
});

describe('rhythms', () => {
  const groupShare = (m: string, group: string) =>
    share(
      tickets.filter((t) => month(t) === m),
      (t) => t.categoryCode.startsWith(group),
    );

  it('makes heating a winter matter: its December share is far above July', () => {
    expect(groupShare('2024-12', 'heating.')).toBeGreaterThan(0.08);
    expect(groupShare('2024-12', 'heating.')).toBeGreaterThan(10 * groupShare('2024-07', 'heating.'));
  });

  it('peaks heating complaints in the fortnight after first firing on 15 November', () => {
    const heat = tickets.filter((t) => t.categoryCode === 'heating.no_heat');
    const perDay = (from: string, to: string) =>
      heat.filter((t) => t.receivedAt >= Date.parse(from) && t.receivedAt < Date.parse(to)).length /
      ((Date.parse(to) - Date.parse(from)) / MS_DAY);
    expect(perDay('2024-11-15T00:00:00+08:00', '2024-11-29T00:00:00+08:00')).toBeGreaterThan(
      1.3 * perDay('2025-01-05T00:00:00+08:00', '2025-01-19T00:00:00+08:00'),
    );
  });

  it('makes waterlogging and roof leaks a July matter, not a January one', () => {
    expect(groupShare('2024-07', 'water.waterlogging')).toBeGreaterThan(
      10 * groupShare('2025-01', 'water.waterlogging'),
    );
    expect(groupShare('2024-07', 'property.roof_leak')).toBeGreaterThan(
      5 * groupShare('2025-01', 'property.roof_leak'),
    );
  });

  it('hears more noise in summer, and mostly in the evening and at night', () => {
    // The city's rhythm: background calls (planted places are steady or trending by design, and
    // two of the diminishing ones are about noise, strongest in the first summer).
    const noise = (m: string[]) =>
      share(
        tickets.filter((t) => t.source === 'background' && m.includes(month(t))),
        (t) => t.categoryCode.startsWith('noise.'),
      );
    expect(noise(['2023-07', '2023-08', '2024-07', '2024-08'])).toBeGreaterThan(
      1.8 * noise(['2023-12', '2024-01', '2024-12', '2025-01']),
    );
    const night = share(
      tickets.filter((t) => t.categoryCode === 'noise.construction'),
      (t) => {
        const h = hourOf(t);
        return h >= 20 || h < 2;
      },
    );
    expect(night).toBeGreaterThan(0.4);
  });

  it('is quiet before dawn and busiest on Mondays', () => {
    expect(share(tickets, (t) => hourOf(t) < 6)).toBeLessThan(0.08);
    const byWeekday = [0, 0, 0, 0, 0, 0, 0];
    for (const t of tickets) byWeekday[weekdayOf(t)]++;
    expect(byWeekday[1]).toBeGreaterThan(1.2 * byWeekday[0]);
    expect(byWeekday[1]).toBeGreaterThan(1.2 * byWeekday[6]);
  });
});

describe('channels, kinds and places', () => {
  it('takes about 70% by phone, a few % from grid patrols, the rest online', () => {
    expect(share(tickets, (t) => t.channel === 'phone')).toBeGreaterThan(0.62);
    expect(share(tickets, (t) => t.channel === 'phone')).toBeLessThan(0.76);
    expect(share(tickets, (t) => t.channel === 'grid')).toBeGreaterThan(0.02);
    for (const c of ['wechat', 'app', 'web', 'weibo', 'mailbox', 'media'])
      expect(tickets.some((t) => t.channel === c)).toBe(true);
  });

  it('has about a quarter consultations, few praises, and grid reports are reports', () => {
    expect(share(tickets, (t) => t.kind === 'consultation')).toBeGreaterThan(0.18);
    expect(share(tickets, (t) => t.kind === 'consultation')).toBeLessThan(0.32);
    expect(share(tickets, (t) => t.kind === 'praise')).toBeLessThan(0.04);
    expect(share(tickets, (t) => t.kind === 'praise')).toBeGreaterThan(0.005);
    expect(tickets.filter((t) => t.channel === 'grid').every((t) => t.kind === 'report')).toBe(true);
  });

  it('records WeChat/app points as GCJ-02 and web points as BD-09, offset from the stored WGS-84 point', () => {
    const t = tickets.find((x) => x.channel === 'wechat' && x.lon !== null) as DemoTicket;
    expect(t.sourceCrs).toBe('GCJ02');
    const offset = distanceMetres([t.lon as number, t.lat as number], [t.sourceLon as number, t.sourceLat as number]);
    expect(offset).toBeGreaterThan(100);
    expect(offset).toBeLessThan(1000);
    expect(tickets.find((x) => x.channel === 'web' && x.lon !== null)?.sourceCrs).toBe('BD09');
    expect(tickets.find((x) => x.channel === 'phone' && x.lon !== null)?.sourceCrs).toBe('WGS84');
  });

  it('leaves about 0.5% without coordinates but with an address', () => {
    const noPoint = tickets.filter((t) => t.lon === null);
    expect(noPoint.length / N).toBeGreaterThan(0.002);
    expect(noPoint.length / N).toBeLessThan(0.01);
    for (const t of noPoint) {
      expect(t.address.length).toBeGreaterThan(5);
      expect(t.h3r8).toBeNull();
    }
    expect(truth.unlocated.count).toBe(noPoint.length);
  });

  it('puts a handful just outside the city edge, and every other point inside its planned street', () => {
    const outside = tickets.filter((t) => t.source === 'outside');
    expect(outside.length).toBeGreaterThanOrEqual(5);
    expect(truth.outside.ticketIds).toEqual(outside.map((t) => t.id));
    for (const t of outside) {
      expect(model.index.locate(t.lon as number, t.lat as number)).toBe(-1);
      const [x0, y0, x1, y1] = model.bbox;
      expect(t.lon as number).toBeGreaterThan(x0 - 0.03);
      expect(t.lon as number).toBeLessThan(x1 + 0.03);
      expect(t.lat as number).toBeGreaterThan(y0 - 0.03);
      expect(t.lat as number).toBeLessThan(y1 + 0.03);
    }
    const misplaced = tickets.filter(
      (t) =>
        t.lon !== null &&
        t.source !== 'outside' &&
        model.streets[model.index.locate(t.lon, t.lat as number)]?.code !== t.plannedStreetCode,
    );
    expect(misplaced.map((t) => t.id)).toEqual([]);
  });

  it('computes H3 cells at resolutions 7, 8 and 9 from the stored point', () => {
    for (const t of tickets.slice(0, 500).filter((x) => x.lon !== null)) {
      expect(t.h3r9).toBe(latLngToCell(t.lat as number, t.lon as number, 9));
      expect(t.h3r8).toBe(cellToParent(t.h3r9 as string, 8));
      expect(t.h3r7).toBe(cellToParent(t.h3r9 as string, 7));
    }
  });

  it('is denser in the urban core than in the outskirts, per km²', () => {
    const perKm2 = (prefix: string) => {
      const streets = model.streets.filter((s) => s.code.startsWith(prefix));
      const area = streets.reduce((a, s) => a + s.areaKm2, 0);
      return tickets.filter((t) => t.plannedStreetCode?.startsWith(prefix)).length / area;
    };
    expect(perKm2('990104')).toBeGreaterThan(4 * perKm2('990105'));
    // District population matters: the 1.3 M district beats the 0.7 M one of the same size.
    expect(perKm2('990104')).toBeGreaterThan(1.3 * perKm2('990101'));
  });

  it('gives every caller a plausible Chinese name and an 11-digit mobile number', () => {
    for (const t of tickets.slice(0, 1000)) {
      expect(t.caller.name).toMatch(/^[\u4e00-\u9fff]{2,3}$/);
      expect(t.caller.phone).toMatch(/^1[3-9]\d{9}$/);
    }
  });
});

describe('life cycle', () => {
  const dispatched = () => tickets.filter((t) => t.dispatches.length > 0);

  it('orders every closed, dispatched ticket: received ≤ dispatched ≤ accepted ≤ replied ≤ callback ≤ closed', () => {
    const closed = dispatched().filter((t) => t.status === 'closed');
    expect(closed.length).toBeGreaterThan(N / 2);
    const bad: number[] = [];
    for (const t of closed) {
      const chain = [t.receivedAt, t.dispatchedAt, t.acceptedAt, t.repliedAt, t.callbackAt, t.closedAt];
      const ordered = chain.every((v, i) => v !== null && (i === 0 || v >= (chain[i - 1] as number)));
      if (!ordered || t.solved === null || t.satisfaction === null) bad.push(t.id);
    }
    expect(bad).toEqual([]);
  });

  it('answers most consultations on the call, without dispatch or deadlines', () => {
    const consultations = tickets.filter((t) => t.kind === 'consultation');
    expect(share(consultations, (t) => t.dispatches.length === 0)).toBeGreaterThan(0.8);
    for (const t of consultations.filter((x) => x.dispatches.length === 0 && x.source !== 'outside')) {
      expect(t.dispatchedAt).toBeNull();
      expect(t.resolveDueAt).toBeNull();
      // A call is answered 3–15 minutes after it came in: one still on the line at now is open.
      if (t.receivedAt > NOW.getTime() - 15 * 60_000 && t.status === 'received') continue;
      expect(t.status).toBe('closed');
      expect(t.events.map((e) => e.type)).toEqual(['received', 'answered']);
    }
  });

  it('sets deadlines from the policy for every dispatched ticket', () => {
    const bad: number[] = [];
    for (const t of dispatched()) {
      const d = deadlinesFor(new Date(t.receivedAt), t.urgency);
      const ok =
        t.respondDueAt === d.respondDueAt.getTime() &&
        t.resolveDueAt === d.resolveDueAt.getTime() &&
        t.remindAt === d.remindAt.getTime();
      if (!ok || t.urgency !== getCategory(t.categoryCode).urgency) bad.push(t.id);
    }
    expect(bad).toEqual([]);
  });

  it('writes one event per state change, chained, in time order, ending at the ticket status', () => {
    const bad: string[] = [];
    for (const t of tickets) {
      const states = t.events.filter((e) => e.toStatus !== null);
      const first = states[0];
      if (first.type !== 'received' || first.fromStatus !== null || first.at !== t.receivedAt)
        bad.push(`${t.id}: first event ${first.type}`);
      for (let i = 1; i < states.length; i++)
        if (states[i].fromStatus !== states[i - 1].toStatus) bad.push(`${t.id}: chain breaks at ${states[i].type}`);
      if (states[states.length - 1].toStatus !== t.status)
        bad.push(`${t.id}: ends at ${states[states.length - 1].toStatus}, status ${t.status}`);
      for (let i = 1; i < t.events.length; i++) {
        if (t.events[i].at < t.events[i - 1].at) bad.push(`${t.id}: events out of time order`);
        if (t.events[i].id !== t.events[i - 1].id + 1) bad.push(`${t.id}: event ids not consecutive`);
      }
      const at = (type: string) => t.events.find((e) => e.type === type)?.at ?? null;
      const pairs: [string, number | null, number | null][] = [
        ['dispatched', at('dispatched'), t.dispatchedAt],
        ['accepted', at('accepted'), t.acceptedAt],
        ['callback', at('callback'), t.callbackAt],
        ['closed', at('closed') ?? at('answered') ?? at('forwarded'), t.closedAt],
        ['reminded', at('reminded'), t.remindedAt],
        ['overdue', at('overdue'), t.overdueAt],
      ];
      for (const [what, event, field] of pairs)
        if (event !== field) bad.push(`${t.id}: ${what} event ${event} vs field ${field}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('keeps recent tickets open (the cut at each state is tested one ticket at a time in lifecycle.test.ts)', () => {
    const lastDays = tickets.filter((t) => t.receivedAt > NOW.getTime() - 3 * MS_DAY);
    const open = lastDays.filter((t) => t.status !== 'closed');
    expect(open.length).toBeGreaterThan(lastDays.length / 10);
    for (const s of ['in_progress', 'replied'])
      expect(
        open.some((t) => t.status === s),
        s,
      ).toBe(true);
    expect(open.some((t) => t.status === 'dispatched' || t.status === 'accepted' || t.status === 'received')).toBe(
      true,
    );
  });

  it('marks overdue exactly the tickets not replied by their resolve deadline, some still open', () => {
    const now = NOW.getTime();
    for (const t of dispatched()) {
      const late =
        (t.resolveDueAt as number) <= now && (t.repliedAt === null || t.repliedAt > (t.resolveDueAt as number));
      expect(t.overdueAt !== null, `ticket ${t.id}`).toBe(late);
    }
    expect(tickets.some((t) => t.overdueAt !== null && t.status !== 'closed' && t.status !== 'callback')).toBe(true);
    const overdueShare = share(dispatched(), (t) => t.overdueAt !== null);
    expect(overdueShare).toBeGreaterThan(0.03);
    expect(overdueShare).toBeLessThan(0.25);
  });

  it('returns a few % of dispatches, re-dispatching justified ones to another street of the district', () => {
    const returned = dispatched().filter((t) => t.returnCount > 0);
    const rate = returned.length / dispatched().length;
    expect(rate).toBeGreaterThan(0.01);
    expect(rate).toBeLessThan(0.06);
    for (const t of returned.filter((x) =>
      x.dispatches.some((d) => d.role === 'territorial' && d.returnJustified !== null),
    )) {
      const [first, again] = t.dispatches.filter((d) => d.role === 'territorial');
      expect(first).toMatchObject({ active: false, unitCode: t.plannedStreetCode });
      expect(first.returnReason).toBeTruthy();
      expect(again.active).toBe(true);
      expect(again.dispatchedAt).toBe(first.ruledAt);
      if (first.returnJustified) {
        expect(again.unitCode).not.toBe(first.unitCode);
        expect(again.unitCode.slice(0, 6)).toBe(first.unitCode.slice(0, 6));
      } else expect(again.unitCode).toBe(first.unitCode);
    }
  });

  it('dispatches to the territorial street, and in parallel to the line department when the category says so', () => {
    const bad: number[] = [];
    for (const t of dispatched()) {
      const c = getCategory(t.categoryCode);
      const first = t.dispatches[0];
      // A wrong dispatch planted by the demo (see the next test) is a returned line dispatch: not the category's.
      const line = t.dispatches
        .filter((d) => d.role === 'line' && !(misdispatched(t) && d.returnJustified === true))
        .map((d) => d.unitCode);
      const ok =
        first.role === 'territorial' &&
        first.unitKind === 'street' &&
        first.unitCode === t.plannedStreetCode &&
        (c.parallel ? line.length === 1 && line[0] === c.departmentCode : line.length === 0);
      if (!ok) bad.push(t.id);
    }
    expect(bad).toEqual([]);
  });

  it("plants wrong dispatches (派错): the confusable category's unit returns it as not its duty and the hotline recategorizes", () => {
    const planted = dispatched().filter((t) => t.events.some((e) => e.type === 'recategorized'));
    // About 1% of dispatched tickets: the calls whose words point at a category of another unit.
    expect(planted.length / dispatched().length).toBeGreaterThan(0.003);
    expect(planted.length / dispatched().length).toBeLessThan(0.03);
    for (const t of planted) {
      const e = t.events.find((x) => x.type === 'recategorized')!;
      const data = e.data as { from: string; to: string; returnedAt: number };
      expect(data.to).toBe(t.categoryCode);
      expect(data.from).not.toBe(t.categoryCode);
      const wrong = t.dispatches.find((d) => d.unitCode === e.unitCode)!;
      expect(wrong).toMatchObject({
        role: 'line',
        active: false,
        returnJustified: true,
        returnedAt: data.returnedAt,
        ruledAt: e.at,
      });
      expect(wrong.unitCode).toBe(getCategory(data.from).departmentCode);
      expect(wrong.unitCode).not.toBe(getCategory(t.categoryCode).departmentCode);
      expect(e.fromStatus).toBeNull();
      expect(t.returnCount).toBeGreaterThanOrEqual(1);
      // Ids still follow time within the ticket.
      const ids = [...t.events].sort((a, b) => a.at - b.at).map((x) => x.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
  });

  it('words calls the way callers do: rarely the category name, many phrasings per category', () => {
    const heating = tickets.filter((t) => t.categoryCode === 'heating.no_heat');
    expect(heating.length).toBeGreaterThan(30);
    const named = share(heating, (t) => t.description.includes('暖气不热'));
    expect(named).toBeLessThan(0.2);
    expect(new Set(heating.map((t) => t.description)).size).toBeGreaterThan(heating.length * 0.8);
  });

  it('rates most called-back tickets solved and satisfied, but not all', () => {
    const called = tickets.filter((t) => t.satisfaction !== null);
    const solved = share(called, (t) => t.solved === true);
    const satisfied = share(called, (t) => t.satisfaction === 'satisfied');
    expect(solved).toBeGreaterThan(0.6);
    expect(solved).toBeLessThan(0.95);
    expect(satisfied).toBeGreaterThan(0.55);
    expect(called.some((t) => t.satisfaction === 'basic')).toBe(true);
    expect(called.some((t) => t.satisfaction === 'dissatisfied')).toBe(true);
  });
});

describe('planted ground truth', () => {
  const cellMonth = (cell: string) => {
    const m = new Map<string, number>();
    for (const t of tickets) if (t.h3r8 === cell) m.set(month(t), (m.get(month(t)) ?? 0) + 1);
    return m;
  };
  const medianCellPerMonth = (() => {
    let cached: number | null = null;
    return () => {
      if (cached !== null) return cached;
      const counts = new Map<string, number>();
      for (const t of tickets) if (t.h3r8) counts.set(t.h3r8, (counts.get(t.h3r8) ?? 0) + 1);
      const sorted = [...counts.values()].sort((a, b) => a - b);
      cached = sorted[Math.floor(sorted.length / 2)] / truth.months.length;
      return cached;
    };
  })();

  it('plants 4 persistent, 3 new, 3 intensifying and 3 diminishing hotspots in distinct H3 res-8 cells', () => {
    expect(truth.hotspots.map((h) => h.pattern)).toEqual([
      ...['persistent', 'persistent', 'persistent', 'persistent', 'new', 'new', 'new'],
      ...['intensifying', 'intensifying', 'intensifying', 'diminishing', 'diminishing', 'diminishing'],
    ]);
    expect(new Set(truth.hotspots.map((h) => h.h3r8)).size).toBe(13);
    for (const h of truth.hotspots) {
      expect(model.streets.some((s) => s.code === h.streetCode)).toBe(true);
      expect(tickets.filter((t) => t.source === h.id).length).toBe(h.planted);
    }
  });

  it('plants every kind on ordinary ground: no planted cell’s own background is among the busiest tenth of cells', () => {
    // "Not on an already-hot background": the background calls (source 'background') of each res-8
    // cell over the whole demo; a planted cell's must be below the 90th percentile of all cells'.
    const background = new Map<string, number>();
    for (const t of tickets)
      if (t.h3r8 && t.source === 'background') background.set(t.h3r8, (background.get(t.h3r8) ?? 0) + 1);
    const sorted = [...background.values()].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))];
    const p25 = sorted[Math.floor(0.25 * (sorted.length - 1))];
    for (const h of truth.hotspots) {
      const own = background.get(h.h3r8) ?? 0;
      expect(own, `${h.id}: ${own} background calls, 90th percentile ${p90}`).toBeLessThan(p90);
      // …and not in the empty outskirts either: somewhere people live.
      expect(own, `${h.id}: ${own} background calls, 25th percentile ${p25}`).toBeGreaterThan(p25);
    }
  });

  it('keeps each persistent hotspot far above a typical cell in every full month', () => {
    for (const h of truth.hotspots.filter((x) => x.pattern === 'persistent')) {
      const byMonth = cellMonth(h.h3r8);
      for (const m of truth.months.slice(0, -1))
        expect(byMonth.get(m) ?? 0, `${h.id} ${m}`).toBeGreaterThanOrEqual(Math.max(6, 5 * medianCellPerMonth()));
    }
  });

  it('lets new hotspots appear only in the last two months', () => {
    for (const h of truth.hotspots.filter((x) => x.pattern === 'new')) {
      const before = tickets.filter((t) => t.h3r8 === h.h3r8 && t.receivedAt < NOW.getTime() - 60 * MS_DAY).length;
      const after = tickets.filter((t) => t.h3r8 === h.h3r8 && t.receivedAt >= NOW.getTime() - 60 * MS_DAY).length;
      expect(after).toBeGreaterThan(40);
      expect(before / (truth.months.length - 2.5)).toBeLessThan(after / 2 / 4); // monthly rate before ≪ after
      expect(h.months.every((m) => m >= '2025-05')).toBe(true);
    }
  });

  // The first 3 months and the last 3 complete ones of the cell, planted tickets and background.
  const ends = (cell: string) => {
    const byMonth = cellMonth(cell);
    const m = truth.months;
    const n = m.length;
    return {
      first: [0, 1, 2].reduce((a, i) => a + (byMonth.get(m[i]) ?? 0), 0),
      last: [n - 4, n - 3, n - 2].reduce((a, i) => a + (byMonth.get(m[i]) ?? 0), 0),
    };
  };

  it('grows intensifying hotspots month on month', () => {
    for (const h of truth.hotspots.filter((x) => x.pattern === 'intensifying')) {
      const { first, last } = ends(h.h3r8);
      expect(last).toBeGreaterThan(2.5 * first);
      const planted = truth.months.slice(0, -1).map((k) => h.plantedByMonth[k] ?? 0);
      expect(planted.at(-1)).toBeGreaterThan(planted[0]);
    }
  });

  it('fades diminishing hotspots month on month, still above a typical cell at the end', () => {
    for (const h of truth.hotspots.filter((x) => x.pattern === 'diminishing')) {
      const planted = truth.months.slice(0, -1).map((k) => h.plantedByMonth[k] ?? 0);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      // Planted: steady before the last year, then under half of that in its last three complete months.
      expect(sum(planted.slice(0, 3))).toBeGreaterThan(2 * sum(planted.slice(-3)));
      const { last } = ends(h.h3r8);
      expect(last / 3).toBeGreaterThan(2 * medianCellPerMonth());
    }
  });

  it('plants recurring clusters: one category within the radius, over many distinct weeks', () => {
    expect(truth.clusters.length).toBeGreaterThanOrEqual(5);
    for (const c of truth.clusters) {
      const own = tickets.filter((t) => t.source === c.id);
      expect(own.length).toBe(c.planted);
      for (const t of own) {
        expect(t.categoryCode).toBe(c.categoryCode);
        expect(t.address).toBe(c.address);
        expect(distanceMetres([t.lon as number, t.lat as number], c.centre)).toBeLessThanOrEqual(c.radiusMetres + 1);
      }
      expect(c.weeks).toBeGreaterThanOrEqual(6);
    }
    const roof = truth.clusters.find((c) => c.categoryCode === 'property.roof_leak') as DemoTruth['clusters'][number];
    expect(roof.planted).toBeGreaterThanOrEqual(150);
    expect(roof.months.every((m) => /-0[678]$/.test(m))).toBe(true);
    const sewer = truth.clusters.find((c) => c.categoryCode === 'water.sewer') as DemoTruth['clusters'][number];
    expect(sewer.weeks).toBeGreaterThanOrEqual(40);
  });

  it('plants repeat callers: same phone and category within 7 days, pointing at the earlier ticket', () => {
    const byId = new Map(tickets.map((t) => [t.id, t]));
    const repeats = tickets.filter((t) => t.repeatOf !== null);
    expect(repeats.length).toBe(truth.repeats.count);
    expect(repeats.length / N).toBeGreaterThan(0.01);
    for (const r of repeats) {
      const first = byId.get(r.repeatOf as number) as DemoTicket;
      expect(first.id).toBeLessThan(r.id);
      expect(r.caller).toEqual(first.caller);
      expect(r.categoryCode).toBe(first.categoryCode);
      expect(r.receivedAt - first.receivedAt).toBeLessThanOrEqual(7 * MS_DAY);
      expect(r.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(MS_DAY);
      if (r.lon !== null && first.lon !== null)
        expect(distanceMetres([r.lon, r.lat as number], [first.lon, first.lat as number])).toBeLessThan(30);
    }
  });

  it('plants streets that improve and streets that slip, visible in their realised monthly resolution', () => {
    expect(truth.units.filter((u) => u.direction === 'improving').length).toBeGreaterThanOrEqual(2);
    expect(truth.units.filter((u) => u.direction === 'slipping').length).toBeGreaterThanOrEqual(2);
    for (const u of truth.units) {
      const months = truth.months;
      const from = months.indexOf(u.fromMonth);
      const to = months.indexOf(u.toMonth);
      const rate = (ms: string[]) => {
        const r = ms.map((m) => u.realised[m]).filter(Boolean);
        return (
          r.reduce((a, x) => a + x.solved, 0) /
          Math.max(
            1,
            r.reduce((a, x) => a + x.calledBack, 0),
          )
        );
      };
      const before = rate(months.slice(0, from));
      const after = rate(months.slice(to + 1, months.length - 1));
      if (u.direction === 'improving') expect(after - before, u.unitCode).toBeGreaterThan(0.15);
      else expect(before - after, u.unitCode).toBeGreaterThan(0.15);
    }
  });
});
