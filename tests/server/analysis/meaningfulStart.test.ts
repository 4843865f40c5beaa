// Backtests start at the first month of meaningful volume; stray records before it are counted.
import { describe, expect, it } from 'vitest';
import { meaningfulStart } from '../../../server/analysis/sql/scope.ts';

describe('the first month of meaningful volume', () => {
  it('skips stray records years before the history begins and counts them', () => {
    const months = [
      { month: '2000-01', tickets: 20 },
      { month: '2003-06', tickets: 8 },
      ...['2025-01', '2025-02', '2025-03', '2025-04', '2025-05'].map((month, i) => ({
        month,
        tickets: 6000 + 100 * i,
      })),
    ];
    // Median 6,000 (of 7 months: 20, 8, 6000…6400 → 6100); 5% of it is 305: 2000-01 and 2003-06 are strays.
    expect(meaningfulStart(months)).toEqual({ first: '2025-01', strayTickets: 28 });
  });

  it('keeps a history that starts small but not negligibly', () => {
    expect(
      meaningfulStart([
        { month: '2025-03', tickets: 400 },
        { month: '2025-01', tickets: 100 },
        { month: '2025-02', tickets: 300 },
      ]),
    ).toEqual({ first: '2025-01', strayTickets: 0 });
    expect(meaningfulStart([])).toEqual({ first: null, strayTickets: 0 });
  });
});
