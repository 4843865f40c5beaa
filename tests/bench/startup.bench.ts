// README's promise: the first `npm start` (empty data folder: geography + demo year) under 3 minutes,
// later starts under 20 s. Runs the real start command in a fresh folder and times "dashboard ready".
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { row } from './machine.ts';

/** The started server's log so far, and a wait for a line (its background work reports there). */
export interface ServerLog {
  waitFor(text: string, timeoutMs: number): Promise<void>;
}

/** `during(url)` runs against the started server before it is stopped (e.g. the wall benchmark). */
function startOnce(
  dir: string,
  port: number,
  during?: (url: string, log: ServerLog) => Promise<void>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    // Its own process group, so stopping it stops npx's children (the server) too.
    const child = spawn('npx', ['tsx', 'server/main.ts', '--demo'], {
      env: { ...process.env, DATABASE_URL: '', PGLITE_DIR: dir, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let out = '';
    let ready = false;
    const waiters: (() => void)[] = [];
    const log: ServerLog = {
      waitFor: (text, timeoutMs) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`no "${text}" from the server in ${timeoutMs} ms`)),
            timeoutMs,
          );
          const check = () => {
            if (!out.includes(text)) return false;
            clearTimeout(timer);
            resolve();
            return true;
          };
          if (!check()) waiters.push(() => void check());
        }),
    };
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      for (const w of waiters) w();
      if (!ready && out.includes('dashboard ready')) {
        ready = true;
        const ms = performance.now() - t0;
        child.once('exit', () => resolve(ms));
        const stop = () => process.kill(-child.pid!, 'SIGTERM');
        if (during)
          during(`http://127.0.0.1:${port}`, log).then(stop, (err) => {
            stop();
            reject(err);
          });
        else stop();
      }
    });
    child.once('exit', (code) => {
      if (!out.includes('dashboard ready')) reject(new Error(`start exited with ${code}:\n${out}`));
    });
  });
}

export async function run(
  opts: { afterWarmStart?: (url: string, log: ServerLog) => Promise<void> } = {},
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-start-'));
  try {
    const cold = await startOnce(dir, 8899);
    row('first start, embedded PGlite + demo year', `${(cold / 1000).toFixed(1)} s`, 'target < 180 s');
    const warm = await startOnce(dir, 8899, opts.afterWarmStart);
    row('later start, same data folder', `${(warm / 1000).toFixed(1)} s`, 'target < 20 s');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
