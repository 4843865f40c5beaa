// Ranking by score (排名). Higher score is better. Ties share a rank and the next rank skips
// ("1224", standard competition ranking), so a rank always says "how many units are strictly
// ahead, plus one" — the reading officials use ("we are 5th: four streets beat us"). Ties are
// judged on the published (rounded) score. Within a tie, and among unranked units, rows are
// ordered by code so the table is the same on every run and engine.

export interface Scored {
  code: string;
  /** The rounded score; null = unranked (a weighted rate had no denominator). */
  score: number | null;
}

export type Ranked<T extends Scored> = T & {
  /** 1-based competition rank; null when unranked. */
  rank: number | null;
};

/** Plain code-unit comparison: locale-independent, so the order does not depend on the server's ICU. */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Ranked units first (score descending, code ascending within a tie), then unranked units by code.
 * `rankable` says which units with a score take part (default: all); the others keep their score
 * but get no rank (the minimum sample, policy.isRankable).
 */
export function rankByScore<T extends Scored>(
  units: readonly T[],
  rankable: (u: T) => boolean = () => true,
): Ranked<T>[] {
  const takesPart = (u: T) => u.score !== null && rankable(u);
  const ranked = units.filter(takesPart);
  const unranked = units.filter((u) => !takesPart(u));
  ranked.sort((a, b) => (b.score as number) - (a.score as number) || compareCodes(a.code, b.code));
  unranked.sort((a, b) => compareCodes(a.code, b.code));

  const out: Ranked<T>[] = [];
  ranked.forEach((u, i) => {
    const prev = out[i - 1];
    // Same score as the row above → same rank; otherwise rank = position (skips after a tie).
    const rank = prev !== undefined && prev.score === u.score ? (prev.rank as number) : i + 1;
    out.push({ ...u, rank });
  });
  for (const u of unranked) out.push({ ...u, rank: null });
  return out;
}

/** The rank a score would get against other units' scores: 1 + the number strictly ahead. */
export function rankAmong(score: number, others: Iterable<number | null>): number {
  let ahead = 0;
  for (const s of others) if (s !== null && s > score) ahead += 1;
  return ahead + 1;
}

/**
 * Month-over-month change: previous rank − current rank, so a positive number is places gained
 * (a town rising from 300th to 36th gained 264). Null when the unit is unranked in either month.
 */
export function rankChange(previous: number | null | undefined, current: number | null): number | null {
  if (previous === null || previous === undefined || current === null) return null;
  return previous - current;
}

/** Rank changes for a whole table against last month's ranks (a unit absent last month gets null). */
export function rankChanges<T extends { code: string; rank: number | null }>(
  current: readonly T[],
  previousRanks: ReadonlyMap<string, number | null>,
): Array<T & { previousRank: number | null; rankChange: number | null }> {
  return current.map((u) => {
    const previousRank = previousRanks.get(u.code) ?? null;
    return { ...u, previousRank, rankChange: rankChange(previousRank, u.rank) };
  });
}
