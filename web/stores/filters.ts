// The one filter state that drives the map layers and the side panel together.
import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { RangePreset } from '../composables/timeRange.ts';

export const useFilterStore = defineStore('filters', () => {
  const range = ref<RangePreset>('30d');
  /** category group shown on the map; null = all groups */
  const categoryGroup = ref<string | null>(null);
  /** region code (district for now); null = whole city */
  const region = ref<string | null>(null);

  function toggleCategoryGroup(code: string) {
    categoryGroup.value = categoryGroup.value === code ? null : code;
  }
  function toggleRegion(code: string) {
    region.value = region.value === code ? null : code;
  }
  return { range, categoryGroup, region, toggleCategoryGroup, toggleRegion };
});
