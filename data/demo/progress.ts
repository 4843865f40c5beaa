// Progress on the terminal: one line rewritten in place on a TTY, a line every few seconds in a log.
import type { DemoProgress } from './load.ts';

function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '?';
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

export function describeProgress(p: DemoProgress): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
  switch (p.phase) {
    case 'tickets':
      return `tickets ${p.done.toLocaleString('en')} / ${p.total.toLocaleString('en')} (${pct}%) · ${Math.round(p.rate).toLocaleString('en')}/s · ETA ${duration(p.etaMs)}`;
    case 'locate':
      return p.done < p.total ? 'locating points in streets and grid cells…' : `located in ${duration(p.elapsedMs)}`;
    case 'indexes':
      return `rebuilding indexes and keys ${p.done}/${p.total}`;
    case 'rollups':
      return p.done < p.total ? 'rebuilding rollups…' : `rollups rebuilt in ${duration(p.elapsedMs)}`;
    case 'done':
      return `done: ${p.done.toLocaleString('en')} tickets in ${duration(p.elapsedMs)}`;
  }
}

export function terminalProgress(out: NodeJS.WriteStream = process.stderr, everyMs = 5000): (p: DemoProgress) => void {
  let last = 0;
  let lastPhase = '';
  return (p) => {
    const line = describeProgress(p);
    if (out.isTTY) {
      out.write(`\r${line}`.padEnd(100) + (p.phase === 'done' ? '\n' : ''));
      return;
    }
    const now = Date.now();
    if (p.phase !== lastPhase || now - last >= everyMs || p.phase === 'done') {
      out.write(line + '\n');
      last = now;
      lastPhase = p.phase;
    }
  };
}
