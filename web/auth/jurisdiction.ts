// An official's jurisdiction as the workspace's locked drill-down steps (none for city-wide roles).
import type { RegionStep } from '../stores/filters.ts';
import type { Me } from './types.ts';

export function jurisdictionSteps(me: Me | null): RegionStep[] {
  const s = me?.scope;
  if (!s || s.level === 'city' || !s.code) return [];
  return [
    { code: s.code, level: s.level, name: s.nameZh ?? s.code, nameEn: s.nameEn ?? s.nameZh ?? s.code, bounds: null },
  ];
}

/** The unit an official answers for: their street, or for a district official their district. */
export const ownUnitCode = (me: Me | null): string | null =>
  me && me.scope.level !== 'city' ? (me.scope.code ?? null) : null;
