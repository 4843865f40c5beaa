// The analysis thread (server/analysis/computeThread.ts) runs the studio's heavy arithmetic off the
// server's event loop: each task must give exactly what it gives in the server's thread, a task's
// own error must come back as an error (not be retried), and the event loop must stay free.
import { latLngToCell, gridDisk } from 'h3-js';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { computeTasks } from '../../../server/analysis/computeTasks.ts';
import { offThread, stopAnalysisThread, warmAnalysisThread } from '../../../server/analysis/computeThread.ts';
import {
  backtest,
  forecastMonth,
  packHistory,
  unpackHistory,
  type MonthlyHistory,
} from '../../../server/analysis/forecastModel.ts';
import { daysInMonth } from '../../../server/analysis/calendar.ts';
import { watchEventLoop } from '../../helpers/eventLoop.ts';

afterAll(() => stopAnalysisThread());

// 30 months of 40 places × 3 categories with a season and a rising place
function history(): MonthlyHistory {
  const places = gridDisk(latLngToCell(39.9, 116.4, 8), 3)
    .sort()
    .slice(0, 40);
  const units = [];
  for (const [p, place] of places.entries())
    for (const [c, category] of ['a.x', 'a.y', 'b.z'].entries())
      units.push({
        place,
        category,
        counts: Array.from(
          { length: 30 },
          (_, m) => ((p * 7 + c * 3 + m * 5) % 11) + (m % 12 === 0 ? 6 : 0) + (p === 3 ? m : 0),
        ),
      });
  return { firstMonth: 24_000, coveredDays: new Array(30).fill(30), units };
}

describe('analysis thread', () => {
  it('takes the history packed (one array of counts) and gives each unit the expected count it gives unpacked', async () => {
    const h = history();
    const p = packHistory(h);
    expect(p.places).toHaveLength(37); // a 3-ring: 37 cells
    expect(p.categories).toEqual(['a.x', 'a.y', 'b.z']);
    expect(p.counts).toHaveLength(37 * 3 * 30);
    expect(unpackHistory(p).units.map((u) => [u.place, u.category, Array.from(u.counts)])).toEqual(
      h.units.map((u) => [u.place, u.category, u.counts]),
    );
    const packed = await offThread('forecastMonths', p, 24_030, 2);
    const plain = [24_030, 24_031].map((m) => forecastMonth(h, m, daysInMonth(m)));
    expect(packed.map((m) => Array.from(m.expected))).toEqual(plain.map((m) => m.units.map((u) => u.expected)));
    expect(await offThread('backtest', p, { from: 24_013, to: 24_029 }, 10, 'place')).toEqual(
      backtest(h, { from: 24_013, to: 24_029 }, 10, 'place', daysInMonth),
    );
    expect(packed.map((m) => [m.target, m.days, m.categories])).toEqual(
      plain.map((m) => [m.target, m.days, m.categories]),
    );
  });

  it('gives the forecast, its backtest and emerging hot spots exactly as the server thread does, with the event loop free', async () => {
    const warn = vi.spyOn(console, 'warn');
    const h = history();
    const p = packHistory(h);
    const loop = watchEventLoop();
    const [f, bt] = await Promise.all([
      offThread('forecastMonths', p, 24_030, 2),
      offThread('backtest', p, { from: 24_013, to: 24_029 }, 10, 'place'),
    ]);
    const worst = loop.stop();
    expect(f).toEqual(computeTasks.forecastMonths(p, 24_030, 2));
    expect(f).toHaveLength(2);
    expect(f[0].expected.length).toBeGreaterThan(100);
    expect(bt).toEqual(computeTasks.backtest(p, { from: 24_013, to: 24_029 }, 10, 'place'));
    expect(bt).toHaveLength(17);

    const cells = [...new Set(h.units.map((u) => u.place))];
    const counts = cells.map((c) => Array.from(h.units.filter((u) => u.place === c)[0].counts).slice(18));
    const opts = { fdr: true, trendAlpha: 0.05 };
    const e = await offThread('emergingExcess', cells, counts, 1, 2, opts);
    expect(e).toEqual(computeTasks.emergingExcess(cells, counts, 1, 2, opts));
    expect(cells).toHaveLength(37);
    expect(e.result.places).toHaveLength(37);
    expect(e.countTrends).toHaveLength(37);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(worst).toBeLessThan(1000);
  });

  it('never queues a forecast behind a running backtest (a thread each)', async () => {
    // 3,000 units: the backtest's 17 months are 17 forecasts, and the forecast is one
    const big: MonthlyHistory = {
      firstMonth: 24_000,
      coveredDays: new Array(30).fill(30),
      units: Array.from({ length: 3000 }, (_, i) => ({
        place: `p${i % 1000}`,
        category: ['a.x', 'a.y', 'b.z'][i % 3],
        counts: Array.from({ length: 30 }, (_, m) => ((i * 7 + m * 5) % 11) + (m % 12 === 0 ? 6 : 0)),
      })),
    };
    warmAnalysisThread();
    // both threads loaded first
    await Promise.all([
      offThread('forecastMonths', packHistory(history()), 24_030, 1),
      offThread('backtest', packHistory(history()), { from: 24_028, to: 24_029 }, 5, 'place'),
    ]);
    const order: string[] = [];
    const packed = packHistory(big);
    const bt = offThread('backtest', packed, { from: 24_013, to: 24_029 }, 10, 'place').then(() =>
      order.push('backtest'),
    );
    const f = offThread('forecastMonths', packed, 24_030, 1).then(() => order.push('forecast'));
    await Promise.all([bt, f]);
    expect(order).toEqual(['forecast', 'backtest']);
  });

  it("returns a task's own error as an error", async () => {
    const warn = vi.spyOn(console, 'warn');
    const cells = [latLngToCell(39.9, 116.4, 8)];
    // a ring of width 0 is refused by the task itself (h3Neighbours.ts)
    await expect(
      offThread('emergingExcess', cells, [[1, 2, 3]], 1, 0, { fdr: true, trendAlpha: 0.05 }),
    ).rejects.toThrow(/ring needs 0 ≤ inner < outer/);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});
