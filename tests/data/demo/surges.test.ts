// The demo's planted surge (data/demo/surges.ts): on the last day, 30 tickets of the water-outage
// category in one street, evenly over 2 hours ending 20 minutes before `now`, in place of as many
// background tickets (the total stays as asked), the same for the same seed.
import { describe, expect, it } from 'vitest';
import { createDemo } from '../../../data/demo/generator.ts';
import { SURGE_ENDS_BEFORE_NOW_MS, SURGE_MINUTES, SURGE_TICKETS, surgeCategory } from '../../../data/demo/surges.ts';
import { beijingDemo, fixtureModel } from './fixtures.ts';

const NOW = new Date('2025-07-16T15:30:00+08:00');
const N = 20_000;

describe('planted surge', () => {
  it('30 water-outage tickets in one street in the 2 hours before now − 20 min; the total unchanged', () => {
    const model = fixtureModel();
    // 13 months: the volume a day this test was written for (the default 25 spreads it twice as thin,
    // and a surge replaces background calls of the last, partial day).
    const tickets = [...createDemo(model, { tickets: N, seed: 42, now: NOW, months: 13, ...beijingDemo() }).tickets()];
    expect(tickets.length).toBe(N);
    const surge = tickets.filter((t) => t.source === 'surge');
    expect(surge.length).toBe(SURGE_TICKETS);
    expect(new Set(surge.map((t) => t.categoryCode))).toEqual(new Set(['water.outage']));
    expect(new Set(surge.map((t) => t.plannedStreetCode)).size).toBe(1);
    const end = NOW.getTime() - SURGE_ENDS_BEFORE_NOW_MS;
    for (const t of surge) {
      expect(t.receivedAt).toBeGreaterThanOrEqual(end - SURGE_MINUTES * 60_000);
      expect(t.receivedAt).toBeLessThan(end);
    }
    // within ~100 m of one another
    const lons = surge.map((t) => t.lon!);
    const lats = surge.map((t) => t.lat!);
    expect(Math.max(...lons) - Math.min(...lons)).toBeLessThanOrEqual(0.0016);
    expect(Math.max(...lats) - Math.min(...lats)).toBeLessThanOrEqual(0.0012);
    const again = [
      ...createDemo(model, { tickets: N, seed: 42, now: NOW, months: 13, ...beijingDemo() }).tickets(),
    ].filter((t) => t.source === 'surge');
    expect(again.map((t) => [t.receivedAt, t.lon, t.lat])).toEqual(surge.map((t) => [t.receivedAt, t.lon, t.lat]));
  });

  it('picks the outage category of a taxonomy, else one about water, else the first', () => {
    expect(surgeCategory(['noise.x', 'water.pipe_leak', 'water.outage'])).toBe('water.outage');
    expect(surgeCategory(['noise.x', 'water.pipe_leak'])).toBe('water.pipe_leak');
    expect(surgeCategory(['noise.x'])).toBe('noise.x');
    expect(surgeCategory([])).toBeNull();
  });
});
