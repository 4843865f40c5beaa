// Districts and streets by code, for naming jurisdictions and picking one. Loaded once per visit
// of the admin page (the street boundaries come along; the page only keeps names).
import { shallowRef } from 'vue';
import { fetchRegions } from '../../composables/api.ts';

export interface RegionName {
  code: string;
  nameZh: string;
  nameEn: string;
  parentCode: string | null;
  level: 'district' | 'street';
}

const regions = shallowRef<Map<string, RegionName> | null>(null);
let pending: Promise<void> | null = null;

export function useRegionNames() {
  pending ??= Promise.all([fetchRegions('district'), fetchRegions('street')]).then(
    ([d, s]) => {
      const m = new Map<string, RegionName>();
      for (const [fc, level] of [
        [d, 'district'],
        [s, 'street'],
      ] as const) {
        for (const f of fc.features)
          m.set(f.properties.code, {
            code: f.properties.code,
            nameZh: f.properties.name,
            nameEn: f.properties.nameEn,
            parentCode: f.properties.parentCode,
            level,
          });
      }
      regions.value = m;
    },
    (err: unknown) => {
      pending = null;
      console.warn('region names unavailable:', err);
    },
  );
  return regions;
}
