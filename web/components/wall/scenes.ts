// The wall's rotation of scenes and its interval from the URL. Pure.
//
// The list: the fixed scenes in SCENE_ORDER (a new scene is one entry here, one caption and one
// map layer in WallPage.vue), then the districts in groups — the central ones together, the others
// by compass sector around the city centre, at most GROUP_SIZE each — so a whole cycle of a
// 16-district city is 8 scenes (about 2½ minutes at 20 s), not 20. A wall bound to one district
// shows that district alone.

// 'governance': the adopted topics' progress and the key-problem ledger (治理闭环)
export const SCENE_ORDER = ['city', 'hotspots', 'emerging', 'topic', 'governance'] as const;
export type FixedScene = (typeof SCENE_ORDER)[number];

export interface DistrictRef {
  code: string;
  nameZh: string;
  nameEn: string;
  /** a point inside the district (lon, lat) and its area (any unit), for grouping */
  at?: [number, number];
  area?: number;
}

/** One object type per fixed scene, so `kind` narrows. */
export type Scene =
  | { [K in FixedScene]: { kind: K } }[FixedScene]
  | { kind: 'districts'; key: string; members: DistrictRef[]; central: boolean };

export const DEFAULT_INTERVAL_S = 20;
export const MIN_INTERVAL_S = 5;
export const MAX_INTERVAL_S = 600;
export const GROUP_SIZE = 4;
/** The central group: the districts nearest the centre, up to this many. */
export const CENTRAL_SIZE = 6;

/** `?interval=20` in seconds; missing or nonsense → the default, out of range → clamped. */
export function intervalFromQuery(raw: unknown): number {
  const v = Number(Array.isArray(raw) ? raw[0] : raw);
  if (raw === undefined || raw === null || raw === '' || !Number.isFinite(v)) return DEFAULT_INTERVAL_S;
  return Math.min(MAX_INTERVAL_S, Math.max(MIN_INTERVAL_S, v));
}

/**
 * Districts in groups: the central ones — the small, dense districts of a city centre: area at most
 * half the median district's, at most CENTRAL_SIZE — first; the rest ordered by bearing from the
 * centre of those and cut into even runs of at most GROUP_SIZE (compass sectors, so each scene
 * frames a compact part of the city). Without positions and areas: runs of GROUP_SIZE by code.
 */
export function groupDistricts(districts: readonly DistrictRef[]): { members: DistrictRef[]; central: boolean }[] {
  const sorted = [...districts].sort((a, b) => (a.code < b.code ? -1 : 1));
  if (sorted.length <= 1) return sorted.map((d) => ({ members: [d], central: false }));
  if (sorted.some((d) => !d.at || !(d.area! > 0)))
    return chunks(sorted, GROUP_SIZE).map((members) => ({ members, central: false }));
  const areas = sorted.map((d) => d.area!).sort((a, b) => a - b);
  const median = areas[Math.floor(areas.length / 2)]!;
  const central = [...sorted]
    .sort((a, b) => a.area! - b.area!)
    .filter((d) => d.area! <= median / 2)
    .slice(0, CENTRAL_SIZE);
  const core = central.length ? central : sorted;
  const cx = core.reduce((s, d) => s + d.at![0], 0) / core.length;
  const cy = core.reduce((s, d) => s + d.at![1], 0) / core.length;
  const kx = Math.cos((cy * Math.PI) / 180);
  const centralCodes = new Set(central.map((d) => d.code));
  const bearing = (d: DistrictRef) => (Math.atan2(d.at![1] - cy, (d.at![0] - cx) * kx) + 2 * Math.PI) % (2 * Math.PI);
  const around = sorted
    .filter((d) => !centralCodes.has(d.code))
    .sort((a, b) => bearing(a) - bearing(b) || (a.code < b.code ? -1 : 1));
  const out: { members: DistrictRef[]; central: boolean }[] = central.length
    ? [{ members: central.sort((a, b) => (a.code < b.code ? -1 : 1)), central: true }]
    : [];
  // even runs (10 → 4, 3, 3 rather than 4, 4, 2)
  const groups = Math.ceil(around.length / GROUP_SIZE);
  let start = 0;
  for (let g = 0; g < groups; g++) {
    const size = Math.ceil((around.length - start) / (groups - g));
    out.push({ members: around.slice(start, start + size), central: false });
    start += size;
  }
  return out;
}

function chunks<T>(xs: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export function buildScenes(districts: readonly DistrictRef[]): Scene[] {
  return [
    ...SCENE_ORDER.map((kind) => ({ kind }) as Scene),
    ...groupDistricts(districts).map((g) => ({
      kind: 'districts' as const,
      key: g.members.map((m) => m.code).join('+'),
      members: g.members,
      central: g.central,
    })),
  ];
}

export function sceneKey(s: Scene): string {
  return s.kind === 'districts' ? `districts:${s.key}` : s.kind;
}

/** Next index, wrapping both ways. */
export function step(index: number, by: number, count: number): number {
  return count === 0 ? 0 : (((index + by) % count) + count) % count;
}
