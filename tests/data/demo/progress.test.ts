import { describe, expect, it } from 'vitest';
import { describeProgress } from '../../../data/demo/progress.ts';

describe('progress lines', () => {
  it('show tickets written, total, rate and ETA while copying', () => {
    expect(
      describeProgress({
        phase: 'tickets',
        done: 120_000,
        total: 300_000,
        elapsedMs: 12_000,
        rate: 10_000,
        etaMs: 18_000,
      }),
    ).toBe('tickets 120,000 / 300,000 (40%) · 10,000/s · ETA 18s');
    expect(
      describeProgress({ phase: 'tickets', done: 0, total: 10_000_000, elapsedMs: 0, rate: 0, etaMs: null }),
    ).toContain('ETA ?');
    expect(
      describeProgress({ phase: 'tickets', done: 1, total: 10_000_000, elapsedMs: 1, rate: 1000, etaMs: 9_999_000 }),
    ).toContain('ETA 166m39s');
  });

  it('name the later phases', () => {
    expect(describeProgress({ phase: 'indexes', done: 3, total: 14, elapsedMs: 1, rate: 0, etaMs: null })).toBe(
      'rebuilding indexes and keys 3/14',
    );
    expect(
      describeProgress({ phase: 'done', done: 300_000, total: 300_000, elapsedMs: 95_000, rate: 0, etaMs: 0 }),
    ).toBe('done: 300,000 tickets in 1m35s');
  });
});
