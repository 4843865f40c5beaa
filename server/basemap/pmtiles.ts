// A small PMTiles v3 writer (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md):
// a 127-byte header, one gzip'd root directory of varint columns, gzip'd JSON metadata, then the
// tile data. Enough for the archives the project builds itself (a few thousand tiles at most);
// larger archives would need leaf directories, and a city then uses a Protomaps extract instead.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

export const HEADER_BYTES = 127;
/** Readers fetch the first 16 KiB in one go: the header and the root directory must fit in it. */
export const ROOT_LIMIT = 16_384;

export interface TileInput {
  z: number;
  x: number;
  y: number;
  /** Uncompressed MVT bytes; the writer gzips them. */
  data: Uint8Array;
}

export interface ArchiveInfo {
  bounds: [number, number, number, number];
  center: [number, number, number];
  metadata: Record<string, unknown>;
}

function rotate(n: number, x: number, y: number, rx: number, ry: number): [number, number] {
  if (ry !== 0) return [x, y];
  return rx !== 0 ? [n - 1 - y, n - 1 - x] : [y, x];
}

/** The Hilbert tile id of the spec: tiles of lower zooms first, then the Hilbert index at z. */
export function tileId(z: number, x: number, y: number): number {
  if (z > 26) throw new Error('zoom above 26');
  if (x < 0 || y < 0 || x >= 2 ** z || y >= 2 ** z) throw new Error(`tile ${z}/${x}/${y} outside its zoom`);
  let id = (4 ** z - 1) / 3;
  let level = z - 1;
  let [tx, ty] = [x, y];
  for (let s = 2 ** (z - 1); s >= 1; s /= 2) {
    const rx = tx & s;
    const ry = ty & s;
    id += ((3 * rx) ^ ry) * 2 ** level;
    [tx, ty] = rotate(s, tx, ty, rx, ry);
    level--;
  }
  return id;
}

function varints(values: number[]): number[] {
  const out: number[] = [];
  for (let v of values) {
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
  }
  return out;
}

interface Entry {
  tileId: number;
  offset: number;
  length: number;
  runLength: number;
}

function directory(entries: Entry[]): Buffer {
  const ids: number[] = [];
  let last = 0;
  for (const e of entries) {
    ids.push(e.tileId - last);
    last = e.tileId;
  }
  const offsets = entries.map((e, i) => {
    const prev = entries[i - 1];
    return i > 0 && prev && e.offset === prev.offset + prev.length ? 0 : e.offset + 1;
  });
  const bytes = varints([
    entries.length,
    ...ids,
    ...entries.map((e) => e.runLength),
    ...entries.map((e) => e.length),
    ...offsets,
  ]);
  return gzipSync(Buffer.from(bytes));
}

function u64(buf: Buffer, at: number, v: number): void {
  buf.writeBigUInt64LE(BigInt(v), at);
}
const e7 = (deg: number) => Math.round(deg * 1e7);

/** An MVT archive with gzip'd tiles; identical tiles are stored once. */
export function writePmtiles(tiles: TileInput[], info: ArchiveInfo): Buffer {
  if (tiles.length === 0) throw new Error('an archive needs at least one tile');
  const sorted = tiles.map((t) => ({ ...t, id: tileId(t.z, t.x, t.y) })).sort((a, b) => a.id - b.id);
  const chunks: Buffer[] = [];
  const seen = new Map<string, { offset: number; length: number }>();
  const entries: Entry[] = [];
  let size = 0;
  let contents = 0;
  for (const t of sorted) {
    const hash = createHash('sha1').update(t.data).digest('hex');
    let at = seen.get(hash);
    if (!at) {
      const gz = gzipSync(t.data);
      at = { offset: size, length: gz.length };
      seen.set(hash, at);
      chunks.push(gz);
      size += gz.length;
      contents++;
    }
    const prev = entries[entries.length - 1];
    // A run: the same bytes as the previous tile at the next id.
    if (prev && prev.tileId + prev.runLength === t.id && prev.offset === at.offset) prev.runLength++;
    else entries.push({ tileId: t.id, offset: at.offset, length: at.length, runLength: 1 });
  }
  const root = directory(entries);
  if (HEADER_BYTES + root.length > ROOT_LIMIT)
    throw new Error(
      `root directory of ${root.length} bytes exceeds the first 16 KiB; leaf directories are not written`,
    );
  const metadata = gzipSync(Buffer.from(JSON.stringify(info.metadata)));

  const header = Buffer.alloc(HEADER_BYTES);
  header.write('PMTiles', 0, 'latin1');
  header.writeUInt8(3, 7);
  const rootAt = HEADER_BYTES;
  const metaAt = rootAt + root.length;
  const dataAt = metaAt + metadata.length;
  u64(header, 8, rootAt);
  u64(header, 16, root.length);
  u64(header, 24, metaAt);
  u64(header, 32, metadata.length);
  u64(header, 40, dataAt); // no leaf directories
  u64(header, 48, 0);
  u64(header, 56, dataAt);
  u64(header, 64, size);
  u64(header, 72, sorted.length);
  u64(header, 80, entries.length);
  u64(header, 88, contents);
  header.writeUInt8(0, 96); // not clustered: duplicates point back
  header.writeUInt8(2, 97); // internal compression: gzip
  header.writeUInt8(2, 98); // tile compression: gzip
  header.writeUInt8(1, 99); // tile type: MVT
  header.writeUInt8(Math.min(...sorted.map((t) => t.z)), 100);
  header.writeUInt8(Math.max(...sorted.map((t) => t.z)), 101);
  const [w, s, e, n] = info.bounds;
  header.writeInt32LE(e7(w), 102);
  header.writeInt32LE(e7(s), 106);
  header.writeInt32LE(e7(e), 110);
  header.writeInt32LE(e7(n), 114);
  header.writeUInt8(info.center[2], 118);
  header.writeInt32LE(e7(info.center[0]), 119);
  header.writeInt32LE(e7(info.center[1]), 123);
  return Buffer.concat([header, root, metadata, ...chunks]);
}
