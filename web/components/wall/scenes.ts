// The wall's rotation of scenes (city → hot spots → emerging problems → this month's topic →
// the governance loop's progress → each district) and its interval from the URL. Pure.

export type Scene =
  | { kind: 'city' }
  | { kind: 'hotspots' }
  | { kind: 'emerging' }
  | { kind: 'topic' }
  | { kind: 'governance' }
  | { kind: 'district'; code: string; nameZh: string; nameEn: string };

export const DEFAULT_INTERVAL_S = 20;
export const MIN_INTERVAL_S = 5;
export const MAX_INTERVAL_S = 600;

/** `?interval=20` in seconds; missing or nonsense → the default, out of range → clamped. */
export function intervalFromQuery(raw: unknown): number {
  const v = Number(Array.isArray(raw) ? raw[0] : raw);
  if (raw === undefined || raw === null || raw === '' || !Number.isFinite(v)) return DEFAULT_INTERVAL_S;
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, v));
}

export function buildScenes(districts: readonly { code: string; nameZh: string; nameEn: string }[]): Scene[] {
  return [
    { kind: 'city' },
    { kind: 'hotspots' },
    { kind: 'emerging' },
    { kind: 'topic' },
    // the adopted topics' progress and the key-problem ledger (治理闭环)
    { kind: 'governance' },
    ...[...districts].sort((a, b) => (a.code < b.code ? -1 : 1)).map((d) => ({ kind: 'district' as const, ...d })),
  ];
}

export function sceneKey(s: Scene): string {
  return s.kind === 'district' ? `district:${s.code}` : s.kind;
}

/** Next index, wrapping both ways. */
export function step(index: number, by: number, count: number): number {
  return count === 0 ? 0 : (((index + by) % count) + count) % count;
}
