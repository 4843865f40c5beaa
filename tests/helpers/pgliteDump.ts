// A PGlite data folder as a compact tar for tests to start from. PGlite's dumpDataDir copies the
// files as they are: WAL since the last checkpoint (replayed on every load) and the segments the
// WAL keeps for reuse. After a bulk load that was most of the dump (the browser tests' demo:
// 235 of 462 MB WAL, ~40 s to load on a busy machine). A CHECKPOINT first leaves nothing to
// replay, and only the WAL segment holding that checkpoint is kept; PostgreSQL goes on from it.
import { dumpPglite, type Database } from '../../db/client.ts';

const BLOCK = 512;

/** `name` of a ustar header (prefix + name), without a leading slash. */
function entryName(header: Buffer): string {
  const field = (from: number, len: number) =>
    header
      .subarray(from, from + len)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const prefix = field(345, 155);
  const name = field(0, 100);
  return (prefix ? `${prefix}/${name}` : name).replace(/^\/+/, '');
}

/** The tar without the pg_wal segments other than `keep` (a WAL file name). */
export function dropWalSegments(tar: Buffer, keep: string): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + BLOCK <= tar.length) {
    const header = tar.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break; // end of archive
    const size = parseInt(header.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
    const end = at + BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    const segment = /(?:^|\/)pg_wal\/([0-9A-F]{24})$/.exec(entryName(header));
    if (!segment || segment[1] === keep) parts.push(tar.subarray(at, end));
    at = end;
  }
  parts.push(Buffer.alloc(2 * BLOCK)); // the two zero blocks that end an archive
  return Buffer.concat(parts);
}

/** A checkpointed dump of `db` (an embedded PGlite) holding only the WAL it needs. */
export async function compactPgliteDump(db: Database): Promise<Buffer> {
  await db.query('CHECKPOINT');
  const [wal] = await db.query<{ file: string }>(
    'SELECT pg_walfile_name(checkpoint_lsn) AS file FROM pg_control_checkpoint()',
  );
  return dropWalSegments(Buffer.from(await (await dumpPglite(db)).arrayBuffer()), wal!.file);
}
