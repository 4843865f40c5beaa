// Loads what the workspace shows for the current filter state: figures for this and the previous
// period, the drill-down children's counts and the ticket points — always for the same filter,
// so the panel, the map and the lists agree.
import { computed, ref, shallowRef, watch } from 'vue';
import { storeToRefs } from 'pinia';
import type { AppConfig, CategoriesResponse, Summary, TicketPoints } from '../api/types.ts';
import type { TicketPage, WorkspaceFilter, WorkspaceSummary } from '../components/workspace/types.ts';
import { useFilterStore } from '../stores/filters.ts';
import { fetchCategories, fetchTicketPage, fetchWorkspacePoints, fetchWorkspaceSummary } from './api.ts';
import { customRange, previousRange, rangeFor, type TimeRange } from './timeRange.ts';
import { assignGroupColors, OTHER_GROUP_COLOR } from '../map/palette.ts';
import { loadConfig } from './city.ts';

export type LoadState = 'loading' | 'ready' | 'error';

export function useDashboard() {
  const filters = useFilterStore();
  const { range, customFrom, customTo, category, channel, kind, status, urgency, path } = storeToRefs(filters);

  const config = shallowRef<AppConfig | null>(null);
  const categories = shallowRef<CategoriesResponse | null>(null);
  /** the server's default range, which fixes "now" for every preset */
  const anchor = shallowRef<TimeRange | null>(null);
  const dataRange = shallowRef<Summary['dataRange'] | null>(null);
  const summary = shallowRef<WorkspaceSummary | null>(null);
  /** the same filter over the period of the same length just before */
  const previous = shallowRef<WorkspaceSummary | null>(null);
  const points = shallowRef<TicketPoints | null>(null);
  /** the tickets of the chosen grid cell (the last drill-down step) */
  const gridTickets = shallowRef<TicketPage | null>(null);
  const groupColors = shallowRef<Map<string, string>>(new Map());
  const state = ref<LoadState>('loading');
  const errorDetail = ref<string | null>(null);

  const currentRange = computed<TimeRange | null>(() => {
    if (range.value === 'custom' && customFrom.value && customTo.value)
      return customRange(customFrom.value, customTo.value);
    if (!anchor.value) return null;
    return rangeFor(range.value === 'custom' ? '30d' : range.value, anchor.value);
  });

  const filter = computed<WorkspaceFilter | null>(() => {
    const r = currentRange.value;
    if (!r) return null;
    return {
      ...r,
      region: path.value.at(-1)?.code ?? null,
      category: category.value,
      channel: channel.value,
      kind: kind.value,
      status: status.value,
      urgency: urgency.value,
    };
  });

  const groupOfCategory = computed(() => {
    const c = categories.value;
    if (!c) return new Int16Array(0);
    const idx = new Map(c.groups.map((g, i) => [g.code, i]));
    return Int16Array.from(c.categories, (cat) => idx.get(cat.groupCode) ?? -1);
  });

  const colorOfGroupIndex = computed(() => {
    const groups = categories.value?.groups ?? [];
    const colors = groupColors.value;
    return (g: number) => colors.get(groups[g]?.code ?? '') ?? OTHER_GROUP_COLOR;
  });

  let inflight: AbortController | null = null;
  // the city's settings are loaded before the app mounts: the map can start at once
  void loadConfig().then(
    (cfg) => (config.value = cfg),
    () => undefined,
  );

  /** the first summary while it waits to be used as this period's (see boot) */
  let firstSummary: { key: string; summary: WorkspaceSummary } | null = null;

  /**
   * The first summary has no range and no filter, so the server answers with its default window
   * (which anchors every preset, and whose groups fix the colours); when the view is that window
   * unfiltered, it is this period's summary too and is not asked for again.
   */
  async function boot(signal: AbortSignal): Promise<void> {
    const unranged = emptyFilter();
    const [cfg, cats, first] = await Promise.all([
      loadConfig(),
      fetchCategories(signal),
      fetchWorkspaceSummary(unranged, signal),
    ]);
    config.value = cfg;
    firstSummary = { key: JSON.stringify({ ...unranged, from: first.from, to: first.to }), summary: first };
    categories.value = cats;
    anchor.value = { from: first.from, to: first.to };
    dataRange.value = first.dataRange;
    groupColors.value = assignGroupColors(
      [...first.byCategoryGroup].sort((a, b) => b.count - a.count).map((g) => g.code),
    );
  }

  async function load(): Promise<void> {
    inflight?.abort();
    const ctrl = (inflight = new AbortController());
    state.value = 'loading';
    errorDetail.value = null;
    try {
      if (!categories.value || !anchor.value) await boot(ctrl.signal);
      if (ctrl.signal.aborted) return; // the anchor's arrival started a newer load
      const f = filter.value!;
      const isGrid = path.value.at(-1)?.level === 'grid';
      const reuse = firstSummary?.key === JSON.stringify(f) ? firstSummary.summary : null;
      firstSummary = null;
      // all at once: points first (the map is what the eye goes to), then the figures
      const [p, now, before, grid] = await Promise.all([
        fetchWorkspacePoints(f, ctrl.signal).then((p) => {
          if (!ctrl.signal.aborted) points.value = p;
          return p;
        }),
        reuse ?? fetchWorkspaceSummary(f, ctrl.signal),
        fetchWorkspaceSummary({ ...f, ...previousRange(f) }, ctrl.signal),
        isGrid ? fetchTicketPage(f, { limit: 200 }, ctrl.signal) : null,
      ]);
      if (ctrl.signal.aborted) return;
      points.value = p;
      summary.value = now;
      previous.value = before;
      gridTickets.value = grid;
      state.value = 'ready';
    } catch (err) {
      if (ctrl.signal.aborted) return; // superseded by a newer filter change
      state.value = 'error';
      errorDetail.value = err instanceof Error ? err.message : String(err);
      console.warn('workspace load failed:', errorDetail.value);
    }
  }

  watch(() => JSON.stringify(filter.value), load, { immediate: true });

  return {
    config,
    categories,
    summary,
    previous,
    points,
    gridTickets,
    state,
    errorDetail,
    dataRange,
    currentRange,
    filter,
    groupOfCategory,
    groupColors,
    colorOfGroupIndex,
    reload: load,
  };
}

/** No range: the server answers with its default window, which anchors every preset. */
function emptyFilter(): WorkspaceFilter {
  return { from: '', to: '', region: null, category: null, channel: [], kind: [], status: [], urgency: [] };
}
