// What the figures were measured on, printed at the top of every benchmark run.
import os from 'node:os';

export function machineLine(): string {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function row(name: string, figure: string, note = ''): void {
  console.log(`  ${name.padEnd(48)} ${figure.padStart(16)}  ${note}`);
}

/** The 1-minute load average, for figures measured on a shared machine. */
export function loadNow(): string {
  return `load ${os.loadavg()[0].toFixed(2)}`;
}
