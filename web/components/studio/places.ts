// Street and district names for points (hexagon centres), from our own boundaries, read once.
import { shallowRef } from 'vue';
import type { RegionCollection } from '../../api/types.ts';
import { fetchRegions } from '../../composables/api.ts';
import { containsPoint } from '../../map/hexPlace.ts';
import { hexCentre } from '../../map/hexGeometry.ts';
import { districtOutlines } from './districts.ts';
import { nameOf } from './format.ts';

const streets = shallowRef<RegionCollection | null>(null);
const districts = shallowRef<RegionCollection | null>(null);
let requested = false;

function load(): void {
  if (requested) return;
  requested = true;
  Promise.all([fetchRegions('street'), districtOutlines()]).then(
    ([s, d]) => {
      streets.value = s;
      districts.value = d;
    },
    (err: unknown) => {
      requested = false;
      console.warn('street boundaries unavailable:', err);
    },
  );
}

const cache = new Map<string, { street: string; streetEn: string; district: string; districtEn: string } | null>();

/** "海淀区 · 中关村街道" for a cell, or '' until the boundaries are in (reactive: re-renders then). */
export function usePlaceOf() {
  load();
  return (cell: string, locale: string): string => {
    const s = streets.value;
    const d = districts.value;
    if (!s || !d) return '';
    let hit = cache.get(cell);
    if (hit === undefined) {
      const p = hexCentre(cell);
      const street = s.features.find((f) => containsPoint(f.geometry, p));
      const district = street
        ? d.features.find((f) => f.properties.code === street.properties.parentCode)
        : d.features.find((f) => containsPoint(f.geometry, p));
      hit =
        street || district
          ? {
              street: street?.properties.name ?? '',
              streetEn: street?.properties.nameEn ?? '',
              district: district?.properties.name ?? '',
              districtEn: district?.properties.nameEn ?? '',
            }
          : null;
      cache.set(cell, hit);
    }
    if (!hit) return '';
    return [nameOf(locale, hit.district, hit.districtEn), nameOf(locale, hit.street, hit.streetEn)]
      .filter(Boolean)
      .join(' · ');
  };
}
