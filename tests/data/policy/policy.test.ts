import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY, deadlinesFor, parsePolicy } from '../../../data/policy/index.ts';

const iso = (d: Date) => d.toISOString();

describe('the default time-limit policy', () => {
  it('carries the defaults of the domain brief', () => {
    expect(DEFAULT_POLICY.timeZone).toBe('Asia/Shanghai');
    expect(DEFAULT_POLICY.respondWithinMinutes).toEqual({ emergency: 30, basic: 120, ordinary: 120, complex: 120 });
    expect(DEFAULT_POLICY.resolveWithinMinutes).toEqual({
      emergency: 120,
      basic: 1440,
      ordinary: 7 * 1440,
      complex: 15 * 1440,
    });
    expect(DEFAULT_POLICY.remindAtFraction).toBe(0.8);
    expect(DEFAULT_POLICY.rateWeights).toEqual({ response: 0.1, resolution: 0.45, satisfaction: 0.45 });
    expect(DEFAULT_POLICY.satisfactionWeights).toEqual({ satisfied: 1, basic: 0.8, dissatisfied: 0 });
    expect(DEFAULT_POLICY.ranking).toEqual({ redZoneMonths: 3, poorListUnjustifiedReturns: 2, minCallbacksToRank: 5 });
  });

  it('is what an empty policy file parses to', () => {
    expect(parsePolicy({})).toEqual(DEFAULT_POLICY);
  });
});

describe('deadlinesFor under the default policy', () => {
  // 09:15 on 1 March in Beijing.
  const received = new Date('2025-03-01T09:15:00+08:00');

  it('gives an emergency 30 minutes to respond and 2 hours to resolve, reminding at 96 minutes', () => {
    const d = deadlinesFor(received, 'emergency');
    expect(iso(d.respondDueAt)).toBe('2025-03-01T01:45:00.000Z');
    expect(iso(d.resolveDueAt)).toBe('2025-03-01T03:15:00.000Z');
    expect(iso(d.remindAt)).toBe('2025-03-01T02:51:00.000Z');
  });

  it('gives basic living needs 2 hours to respond and 24 hours to resolve, reminding at 19 h 12 min', () => {
    const d = deadlinesFor(received, 'basic');
    expect(iso(d.respondDueAt)).toBe('2025-03-01T03:15:00.000Z');
    expect(iso(d.resolveDueAt)).toBe('2025-03-02T01:15:00.000Z');
    expect(iso(d.remindAt)).toBe('2025-03-01T20:27:00.000Z');
  });

  it('gives ordinary matters 7 days, reminding after 5 days 14 h 24 min', () => {
    const d = deadlinesFor(received, 'ordinary');
    expect(iso(d.respondDueAt)).toBe('2025-03-01T03:15:00.000Z');
    expect(iso(d.resolveDueAt)).toBe('2025-03-08T01:15:00.000Z');
    expect(iso(d.remindAt)).toBe('2025-03-06T15:39:00.000Z');
  });

  it('gives complex matters 15 days, reminding after 12', () => {
    const d = deadlinesFor(received, 'complex');
    expect(iso(d.resolveDueAt)).toBe('2025-03-16T01:15:00.000Z');
    expect(iso(d.remindAt)).toBe('2025-03-13T01:15:00.000Z');
  });

  it('counts elapsed time across a local month boundary without shifting', () => {
    // 23:30 on 31 January in Beijing; the limit ends at 01:30 on 1 February local time.
    const d = deadlinesFor(new Date('2025-01-31T23:30:00+08:00'), 'emergency');
    expect(iso(d.resolveDueAt)).toBe('2025-01-31T17:30:00.000Z');
  });
});

describe('a non-default policy (Xining-style 1/3/7/11 days, 1 h response, reminder at half time)', () => {
  const xining = parsePolicy({
    respondWithinMinutes: { emergency: 60, basic: 60, ordinary: 60, complex: 60 },
    resolveWithinMinutes: { emergency: 1440, basic: 3 * 1440, ordinary: 7 * 1440, complex: 11 * 1440 },
    remindAtFraction: 0.5,
  });
  const received = new Date('2025-03-01T09:15:00+08:00');

  it('moves every deadline accordingly', () => {
    const e = deadlinesFor(received, 'emergency', xining);
    expect(iso(e.respondDueAt)).toBe('2025-03-01T02:15:00.000Z');
    expect(iso(e.resolveDueAt)).toBe('2025-03-02T01:15:00.000Z');
    expect(iso(e.remindAt)).toBe('2025-03-01T13:15:00.000Z');
    const c = deadlinesFor(received, 'complex', xining);
    expect(iso(c.resolveDueAt)).toBe('2025-03-12T01:15:00.000Z');
    expect(iso(c.remindAt)).toBe('2025-03-06T13:15:00.000Z');
  });

  it('keeps the defaults for everything it does not set', () => {
    expect(xining.rateWeights).toEqual(DEFAULT_POLICY.rateWeights);
    expect(xining.timeZone).toBe('Asia/Shanghai');
  });

  it('may override a single class and keep the other classes', () => {
    const p = parsePolicy({ resolveWithinMinutes: { complex: 30 * 1440 } });
    expect(p.resolveWithinMinutes).toEqual({ emergency: 120, basic: 1440, ordinary: 7 * 1440, complex: 30 * 1440 });
  });
});

describe('policy validation', () => {
  it('rejects rate weights that do not sum to 1', () => {
    expect(() => parsePolicy({ rateWeights: { response: 0.2 } })).toThrow(/sum to 1/);
  });

  it('rejects a response limit longer than the resolve limit', () => {
    expect(() => parsePolicy({ resolveWithinMinutes: { ordinary: 60 } })).toThrow(
      /respond limit exceeds resolve limit/,
    );
  });

  it('rejects an unknown time zone, zero limits and a reminder at or past the limit', () => {
    expect(() => parsePolicy({ timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => parsePolicy({ resolveWithinMinutes: { basic: 0 } })).toThrow();
    expect(() => parsePolicy({ remindAtFraction: 1 })).toThrow();
  });
});
