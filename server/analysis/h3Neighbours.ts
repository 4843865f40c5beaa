// k-ring neighbour lists for H3 cells, with each cell's grid disk remembered: the disk of a cell
// never changes, and a city-wide map at res 8 asks for ~30,000 of them on every request (~100 ms
// of h3 calls, against ~10 ms of lookups). gistar.ts h3NeighbourLists with a remembered disk.
import { gridDisk } from 'h3-js';
import { h3NeighbourLists } from './gistar.ts';

/** Entries kept per k before the cache starts over (a few hundred thousand cells ≈ tens of MB). */
const MAX_ENTRIES = 400_000;
const disks = new Map<number, Map<string, string[]>>();

function diskOf(cell: string, k: number): string[] {
  let byCell = disks.get(k);
  if (!byCell) disks.set(k, (byCell = new Map()));
  let d = byCell.get(cell);
  if (!d) {
    if (byCell.size >= MAX_ENTRIES) byCell.clear();
    d = gridDisk(cell, k);
    byCell.set(cell, d);
  }
  return d;
}

export function cachedNeighbourLists(cells: ReadonlyArray<string>, k: number): number[][] {
  return h3NeighbourLists(cells, k, diskOf);
}

/** Rings of cells at grid distance inner+1..outer around each cell (localBaseline.ts ringIndex), from remembered disks. */
export function cachedRingLists(cells: ReadonlyArray<string>, inner: number, outer: number): number[][] {
  if (!Number.isInteger(inner) || inner < 0 || !Number.isInteger(outer) || outer <= inner)
    throw new RangeError(`ring needs 0 ≤ inner < outer, got ${inner}, ${outer}`);
  const index = new Map<string, number>();
  cells.forEach((c, i) => index.set(c, i));
  return cells.map((c) => {
    const near = new Set(diskOf(c, inner));
    const out: number[] = [];
    for (const other of diskOf(c, outer)) {
      if (near.has(other)) continue;
      const j = index.get(other);
      if (j !== undefined) out.push(j);
    }
    return out;
  });
}
