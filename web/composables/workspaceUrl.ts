// The workspace's view in the address bar: time range, filters, drill-down path and map mode, so a
// link, a bookmark, a reload or the Back button shows the same view. Each change the user makes is
// one history entry; a query the page did not write (Back, a pasted link) is applied to the store.
import { watch, type Ref } from 'vue';
import { useRoute, useRouter, type LocationQuery, type LocationQueryRaw } from 'vue-router';
import { FILTER_LISTS, useFilterStore, type RegionStep } from '../stores/filters.ts';
import { isRangePreset } from './timeRange.ts';
import { fetchRegions } from './api.ts';
import { FILTER_VALUES } from '../components/workspace/filterValues.ts';

const LEVELS = ['district', 'street', 'grid'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const CODE = /^[A-Za-z0-9._-]{1,64}$/;

export interface WorkspaceView {
  range: string;
  from: string | null;
  to: string | null;
  category: string | null;
  lists: Record<(typeof FILTER_LISTS)[number], string[]>;
  region: string[];
  mode: 'choropleth' | 'points';
}

/** The query for a view; defaults are left out, so the plain page has a plain address. */
export function viewToQuery(v: WorkspaceView): Record<string, string> {
  const q: Record<string, string> = {};
  if (v.range === 'custom' && v.from && v.to) {
    q.from = v.from;
    q.to = v.to;
  } else if (v.range !== '30d') q.range = v.range;
  if (v.category) q.category = v.category;
  for (const k of FILTER_LISTS) if (v.lists[k].length) q[k] = [...v.lists[k]].sort().join(',');
  if (v.region.length) q.region = v.region.join(',');
  if (v.mode !== 'choropleth') q.mode = v.mode;
  return q;
}

const one = (v: LocationQuery[string]) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : null;

/** A view from a query; anything unknown or malformed falls back to the default. */
export function queryToView(q: LocationQuery): WorkspaceView {
  const from = one(q.from);
  const to = one(q.to);
  const custom = !!from && !!to && DATE.test(from) && DATE.test(to) && from <= to;
  const range = one(q.range);
  const lists = Object.fromEntries(
    FILTER_LISTS.map((k) => [k, (one(q[k]) ?? '').split(',').filter((x) => FILTER_VALUES[k].includes(x))]),
  ) as WorkspaceView['lists'];
  const category = one(q.category);
  return {
    range: custom ? 'custom' : isRangePreset(range) ? range : '30d',
    from: custom ? from : null,
    to: custom ? to : null,
    category: category && CODE.test(category) ? category : null,
    lists,
    region: (one(q.region) ?? '')
      .split(',')
      .filter((c) => CODE.test(c))
      .slice(0, LEVELS.length),
    mode: one(q.mode) === 'points' ? 'points' : 'choropleth',
  };
}

const sameQuery = (a: Record<string, string>, b: LocationQuery | LocationQueryRaw) => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === (one(b[k] as LocationQuery[string]) ?? undefined));
};

/** Names and levels of path codes read from a link: each step looked up among its parent's children. */
async function resolveSteps(codes: string[], firstLevel: number, known: RegionStep[]): Promise<RegionStep[] | null> {
  const steps: RegionStep[] = [];
  for (let i = 0; i < codes.length; i++) {
    const level = LEVELS[firstLevel + i];
    if (!level) return null;
    const have = known.find((s) => s.code === codes[i] && s.level === level);
    if (have) {
      steps.push(have);
      continue;
    }
    const fc = await fetchRegions(level, i === 0 ? null : codes[i - 1]).catch(() => null);
    const f = fc?.features.find((x) => x.properties.code === codes[i]);
    if (!f) return null;
    steps.push({ code: codes[i]!, level, name: f.properties.name, nameEn: f.properties.nameEn, bounds: null });
  }
  return steps;
}

export function useWorkspaceUrl(mode: Ref<'choropleth' | 'points'>): void {
  const route = useRoute();
  const router = useRouter();
  const filters = useFilterStore();

  const current = (): WorkspaceView => ({
    range: filters.range,
    from: filters.customFrom,
    to: filters.customTo,
    category: filters.category,
    lists: { channel: filters.channel, kind: filters.kind, status: filters.status, urgency: filters.urgency },
    region: filters.path.map((s) => s.code),
    mode: mode.value,
  });

  let applying = 0;
  async function apply(q: LocationQuery) {
    const v = queryToView(q);
    const token = ++applying;
    if (v.range === 'custom') filters.setCustom(v.from!, v.to!);
    else filters.range = v.range as typeof filters.range;
    filters.category = v.category;
    for (const k of FILTER_LISTS) filters[k] = v.lists[k];
    mode.value = v.mode;
    // an official's path always starts with their jurisdiction; a link outside it opens at it
    const floor = filters.locked.map((s) => s.code);
    const codes = floor.length && floor.some((c, i) => v.region[i] !== c) ? floor : v.region;
    if (codes.join(',') !== filters.path.map((s) => s.code).join(',')) {
      const first = filters.locked[0] ? LEVELS.indexOf(filters.locked[0].level) : 0;
      const steps = await resolveSteps(codes, first, [...filters.path, ...filters.locked]);
      if (token !== applying) return;
      filters.path = steps ?? [...filters.locked];
    }
    applying = 0;
    write(true);
  }

  function write(replace: boolean) {
    if (applying || route.name !== 'map') return;
    const q = viewToQuery(current());
    if (sameQuery(q, route.query)) return;
    void (replace ? router.replace({ query: q }) : router.push({ query: q }));
  }

  // a link with a view opens it; a bare address shows the view the store kept, and says so
  if (Object.keys(route.query).length) void apply(route.query);
  else write(true);

  watch(
    () => JSON.stringify(viewToQuery(current())),
    () => write(false),
  );
  watch(
    () => route.query,
    (q) => {
      if (route.name !== 'map' || sameQuery(viewToQuery(current()), q)) return;
      void apply(q);
    },
  );
}
