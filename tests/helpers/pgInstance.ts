// A throw-away PostgreSQL + PostGIS cluster owned by one test file, so fault tests can stop and
// restart "the database" without touching the shared server other tests use. initdb and pg_ctl
// refuse to run as root: as root they run as the postgres user in a temp folder it owns.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = process.env.PG_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PgInstance {
  /** postgres://postgres@127.0.0.1:port/postgres (trust auth, local only). */
  url: string;
  port: number;
  dir: string;
  start(): Promise<void>;
  /** 'fast' disconnects clients and shuts down cleanly; 'immediate' is a crash without checkpoint. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function asPostgres(cmd: string, args: string[]): Promise<string> {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, cmd), ...args]]
    : [path.join(BIN, cmd), args];
  const { stdout } = await run(file, argv, { timeout: 120_000 });
  return stdout;
}

export async function startPgInstance(): Promise<PgInstance> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const uid = Number(stdout.trim());
    const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
    fs.chownSync(dir, uid, gid);
  }
  await asPostgres('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--locale=C.UTF-8',
    '--no-sync',
  ]);
  const port = await freePort();
  // Small and fast: no fsync (the data is thrown away), the socket in the temp folder.
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100 -c shared_buffers=64MB`;
  const log = path.join(dir, 'server.log');
  const inst: PgInstance = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async start() {
      await asPostgres('pg_ctl', ['-D', data, '-o', opts, '-l', log, '-w', '-t', '60', 'start']);
    },
    async stop(mode = 'fast') {
      await asPostgres('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    async destroy() {
      await inst.stop('immediate').catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await inst.start();
  return inst;
}
