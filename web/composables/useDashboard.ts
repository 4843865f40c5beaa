// Loads what the dashboard shows for the current filter state: the summary figures and the
// ticket points, always for the same from/to/region so the panel and the map agree.
import { computed, ref, shallowRef, watch } from 'vue';
import { storeToRefs } from 'pinia';
import type { AppConfig, CategoriesResponse, Summary, TicketPoints } from '../api/types.ts';
import { useFilterStore } from '../stores/filters.ts';
import { fetchCategories, fetchConfig, fetchSummary, fetchTicketPoints } from './api.ts';
import { rangeFor, type TimeRange } from './timeRange.ts';
import { assignGroupColors, OTHER_GROUP_COLOR } from '../map/palette.ts';

export type LoadState = 'loading' | 'ready' | 'error';

export function useDashboard() {
  const filters = useFilterStore();
  const { range, region } = storeToRefs(filters);

  const config = shallowRef<AppConfig | null>(null);
  const categories = shallowRef<CategoriesResponse | null>(null);
  /** the server's default range, which fixes "now" for every preset */
  const anchor = shallowRef<TimeRange | null>(null);
  const dataRange = shallowRef<Summary['dataRange'] | null>(null);
  /** figures for the selected region (the whole city when none is selected) */
  const summary = shallowRef<Summary | null>(null);
  /** city-wide figures, so the district ranking keeps every district while one is selected */
  const citySummary = shallowRef<Summary | null>(null);
  const points = shallowRef<TicketPoints | null>(null);
  /** group code → colour, fixed at first load from the default window's ranking */
  const groupColors = shallowRef<Map<string, string>>(new Map());
  const state = ref<LoadState>('loading');
  const errorDetail = ref<string | null>(null);
  const currentRange = computed(() => (anchor.value ? rangeFor(range.value, anchor.value) : null));

  /** group index per category index; -1 when a category names an unknown group */
  const groupOfCategory = computed(() => {
    const c = categories.value;
    if (!c) return new Int16Array(0);
    const idx = new Map(c.groups.map((g, i) => [g.code, i]));
    return Int16Array.from(c.categories, (cat) => idx.get(cat.groupCode) ?? -1);
  });

  /** colour by group index (position in categories.groups), for the point layer */
  const colorOfGroupIndex = computed(() => {
    const groups = categories.value?.groups ?? [];
    const colors = groupColors.value;
    return (g: number) => colors.get(groups[g]?.code ?? '') ?? OTHER_GROUP_COLOR;
  });

  let inflight: AbortController | null = null;

  async function load(): Promise<void> {
    inflight?.abort();
    const ctrl = (inflight = new AbortController());
    state.value = 'loading';
    errorDetail.value = null;
    try {
      if (!categories.value || !anchor.value) {
        const [cfg, cats, first] = await Promise.all([
          fetchConfig(ctrl.signal),
          fetchCategories(ctrl.signal),
          // no range: the server answers with its default window, which anchors every preset
          fetchSummary({}, ctrl.signal),
        ]);
        config.value = cfg;
        categories.value = cats;
        anchor.value = { from: first.from, to: first.to };
        dataRange.value = first.dataRange;
        groupColors.value = assignGroupColors([...first.byCategoryGroup].sort((a, b) => b.count - a.count).map((g) => g.code));
      }
      const r = rangeFor(range.value, anchor.value!);
      const filter = { ...r, region: region.value };
      const [city, scoped, p] = await Promise.all([
        fetchSummary(r, ctrl.signal),
        region.value ? fetchSummary(filter, ctrl.signal) : null,
        fetchTicketPoints(filter, ctrl.signal),
      ]);
      if (ctrl.signal.aborted) return;
      citySummary.value = city;
      summary.value = scoped ?? city;
      points.value = p;
      state.value = 'ready';
    } catch (err) {
      if (ctrl.signal.aborted) return; // superseded by a newer filter change
      state.value = 'error';
      errorDetail.value = err instanceof Error ? err.message : String(err);
      console.warn('dashboard load failed:', errorDetail.value);
    }
  }

  watch([range, region], load, { immediate: true });

  return { config, categories, summary, citySummary, points, state, errorDetail, dataRange, currentRange, groupOfCategory, groupColors, colorOfGroupIndex, reload: load };
}
