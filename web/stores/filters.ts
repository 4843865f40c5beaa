// The one filter state that drives every map layer, figure and list of the workspace together.
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RangePreset } from '../composables/timeRange.ts';

/** One step of the drill-down path (city → district → street → grid). */
export interface RegionStep {
  code: string;
  level: 'district' | 'street' | 'grid';
  name: string;
  nameEn: string;
  /** [[w, s], [e, n]], to fit the map when going back up */
  bounds: [[number, number], [number, number]] | null;
}

export const FILTER_LISTS = ['channel', 'kind', 'status', 'urgency'] as const;
export type FilterList = (typeof FILTER_LISTS)[number];

export const useFilterStore = defineStore('filters', () => {
  const range = ref<RangePreset | 'custom'>('30d');
  /** custom window as city dates (YYYY-MM-DD, both inclusive) when range is 'custom' */
  const customFrom = ref<string | null>(null);
  const customTo = ref<string | null>(null);
  /** a category group code or a single category code; null = all */
  const category = ref<string | null>(null);
  const channel = ref<string[]>([]);
  const kind = ref<string[]>([]);
  const status = ref<string[]>([]);
  const urgency = ref<string[]>([]);
  /** drill-down path; the last step is the region every query is scoped to */
  const path = ref<RegionStep[]>([]);
  /** an official's jurisdiction: the first steps of the path, which going back up never leaves */
  const locked = ref<RegionStep[]>([]);

  const region = computed<string | null>({
    get: () => path.value.at(-1)?.code ?? null,
    // kept for callers that set a district code directly
    set: (code) => {
      path.value =
        code && locked.value.length === 0
          ? [{ code, level: 'district', name: code, nameEn: code, bounds: null }]
          : [...locked.value];
    },
  });
  /** the category filter under its older name (the legend toggles groups) */
  const categoryGroup = computed<string | null>({ get: () => category.value, set: (v) => (category.value = v) });

  function toggleCategoryGroup(code: string) {
    category.value = category.value === code ? null : code;
  }
  function toggleRegion(code: string) {
    region.value = region.value === code ? null : code;
  }
  function drillInto(step: RegionStep) {
    const i = path.value.findIndex((s) => s.code === step.code);
    path.value = i >= 0 ? path.value.slice(0, i + 1) : [...path.value, step];
  }
  /** back up to a depth: 0 is the whole city */
  function backTo(depth: number) {
    path.value = path.value.slice(0, Math.max(depth, locked.value.length));
  }
  /** Start at (and never leave) a jurisdiction; a new one (another user signed in) starts over. */
  function lockTo(steps: RegionStep[]) {
    if (steps.map((s) => s.code).join('/') === locked.value.map((s) => s.code).join('/')) return;
    locked.value = steps;
    path.value = [...steps];
  }
  function setCustom(from: string, to: string) {
    customFrom.value = from;
    customTo.value = to;
    range.value = 'custom';
  }
  function clearFilters() {
    category.value = null;
    channel.value = [];
    kind.value = [];
    status.value = [];
    urgency.value = [];
  }
  return {
    range,
    customFrom,
    customTo,
    category,
    channel,
    kind,
    status,
    urgency,
    path,
    locked,
    region,
    categoryGroup,
    toggleCategoryGroup,
    toggleRegion,
    drillInto,
    backTo,
    lockTo,
    setCustom,
    clearFilters,
  };
});
