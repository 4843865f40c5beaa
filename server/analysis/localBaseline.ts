// Local baseline for hot spots: each cell's count minus the mean count of the ring of cells around
// its neighbourhood (grid distance innerK+1 .. outerK). Why: Gi* on raw counts finds where people
// are — every cell of a dense district is a "hot spot" every step, so a new problem there can
// never look new. On the excess over the surroundings, a uniformly busy street is ~0 and a place
// that stands out from its own streets is hot. It answers "what is unusual HERE", not "where is
// demand highest"; the endpoints offer both (baseline=none|local) and say which one they used.
//
// Decisions: the ring excludes the neighbourhood itself (innerK = the Gi* k), so a hot spot does
// not raise its own baseline; cells outside the study area are not in the ring (as in Gi*); a
// cell with no ring cell in the study keeps its raw count (baseline 0).
import { gridDisk } from 'h3-js';

export interface RingIndex {
  /** ring[i] = indices of the cells forming i's baseline ring. */
  ring: number[][];
}

export function ringIndex(cells: readonly string[], innerK: number, outerK: number): RingIndex {
  if (!Number.isInteger(innerK) || innerK < 0 || !Number.isInteger(outerK) || outerK <= innerK) {
    throw new RangeError(`ring needs 0 ≤ innerK < outerK, got ${innerK}, ${outerK}`);
  }
  const index = new Map<string, number>();
  cells.forEach((c, i) => index.set(c, i));
  return {
    ring: cells.map((c) => {
      const inner = new Set(gridDisk(c, innerK));
      const out: number[] = [];
      for (const other of gridDisk(c, outerK)) {
        if (inner.has(other)) continue;
        const j = index.get(other);
        if (j !== undefined) out.push(j);
      }
      return out;
    }),
  };
}

/** counts[i] − mean(counts over ring[i]). */
export function localExcess(counts: ArrayLike<number>, rings: RingIndex): Float64Array {
  const out = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    const r = rings.ring[i];
    let s = 0;
    for (const j of r) s += counts[j];
    out[i] = counts[i] - (r.length > 0 ? s / r.length : 0);
  }
  return out;
}
