// The active city, from GET /api/config (server/city.ts): its names, time zone, levels, map
// bounds, provenance and language. Loaded once before the app mounts (main.ts); every time shown,
// every map fitted and every place that names the city or one of its levels reads it here, so no
// code path knows any particular city. Without a city package (city: null) pages still work:
// times in UTC, maps fitted to the regions' extent (or the world), neutral titles.
import { computed, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import type { AppConfig, CityInfo } from '../api/types.ts';
import { cityLocale } from '../i18n/index.ts';
import { bounds as geometryBounds } from '../map/labelPoint.ts';
import { fetchConfig, fetchRegions } from './api.ts';
import { zonedDate, zonedInstant } from './zone.ts';

export type Bounds = [[number, number], [number, number]];
type Names = CityInfo['names'];

/** The whole earth but the poles: the view of last resort. */
export const WORLD_BOUNDS: Bounds = [
  [-170, -60],
  [170, 75],
];

/** /api/config as last loaded; null until it answers. */
export const appConfig = shallowRef<AppConfig | null>(null);
let loading: Promise<AppConfig> | null = null;

/** /api/config, fetched once (a failure is retried by the next call). Sets the default language. */
export function loadConfig(): Promise<AppConfig> {
  loading ??= fetchConfig().then(
    (c) => {
      appConfig.value = c;
      cityLocale(c.city?.locale);
      return c;
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/** For tests: a config as if the server had answered it. */
export function setConfigForTest(c: AppConfig | null): void {
  appConfig.value = c;
  loading = c ? Promise.resolve(c) : null;
  extent.value = null;
  extentLoading = null;
}

export const activeCity = (): CityInfo | null => appConfig.value?.city ?? null;

/** The zone every day, week, month and clock is shown in: the city's, else UTC. */
export const cityZone = (): string => activeCity()?.timeZone ?? 'UTC';

/** A name in a UI language: zh-CN → zh, en → en, else the local name. */
export function namesIn(names: Names, locale: string): string {
  return (locale.startsWith('zh') ? names.zh : names.en) ?? names.local;
}

/** The city's name in a UI language; null without a city. */
export function cityName(locale: string): string | null {
  const c = activeCity();
  return c ? namesIn(c.names, locale) : null;
}

/** What the city calls one of its levels ("Borough", "街乡镇"), or null when it does not say. */
export function levelName(level: string, locale: string): string | null {
  const l = activeCity()?.levels.find((x) => x.level === level);
  return l ? namesIn(l.names, locale) : null;
}

/** The city's note on where its boundaries come from, in a UI language; null without one. */
export function cityProvenance(locale: string): string | null {
  const p = activeCity()?.provenance;
  return p ? namesIn(p, locale) : null;
}

// --- time in the city's zone ---------------------------------------------------------------

/** The instant a city date (YYYY-MM-DD) begins, daylight saving included. */
export const cityDayStart = (date: string): string => zonedInstant(date, cityZone()).toISOString();

/** The instant of a wall-clock time on a city date ('23:59:59'). */
export const cityWallTime = (date: string, time: string): string => zonedInstant(date, cityZone(), time).toISOString();

/** The city date (YYYY-MM-DD) of an instant. */
export const cityDateOf = (iso: string | number | Date): string => zonedDate(new Date(iso).getTime(), cityZone());

/** Intl.DateTimeFormat options with the city's zone. */
export const inCityZone = (o: Intl.DateTimeFormatOptions): Intl.DateTimeFormatOptions => ({
  ...o,
  timeZone: cityZone(),
});

/** Formats an instant in the city's zone. */
export function formatCityTime(value: string | number | Date, locale: string, o: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, inCityZone(o)).format(new Date(value));
}

/** Formats a calendar date ('YYYY-MM-DD'): the date itself, whatever the zone. */
export function formatDay(day: string, locale: string, o: Intl.DateTimeFormatOptions): string {
  return new Intl.DateTimeFormat(locale, { ...o, timeZone: 'UTC' }).format(new Date(`${day}T12:00:00Z`));
}

// --- where the city is -----------------------------------------------------------------------

const extent = shallowRef<Bounds | null>(null);
let extentLoading: Promise<Bounds> | null = null;

/** The city's extent for fitting a map: the config's bounds, else the districts' extent once loaded, else the world. */
export function cityBounds(): Bounds {
  return activeCity()?.bounds ?? extent.value ?? WORLD_BOUNDS;
}

/** True when cityBounds() is the city's (not the world while the districts load). */
export const cityBoundsKnown = (): boolean => Boolean(activeCity()?.bounds ?? extent.value);

/**
 * The city's extent, loading the top-level regions for it when the config gives none (a database
 * without a city package). Resolves to the world when there are no regions either.
 */
export function loadCityBounds(): Promise<Bounds> {
  const known = activeCity()?.bounds ?? extent.value;
  if (known) return Promise.resolve(known);
  extentLoading ??= fetchRegions('district').then(
    (fc) => {
      const all = fc.features.filter((f) => f.geometry).map((f) => geometryBounds(f.geometry));
      if (all.length === 0) return WORLD_BOUNDS;
      const b: Bounds = [
        [Math.min(...all.map((x) => x[0][0])), Math.min(...all.map((x) => x[0][1]))],
        [Math.max(...all.map((x) => x[1][0])), Math.max(...all.map((x) => x[1][1]))],
      ];
      extent.value = b;
      return b;
    },
    () => {
      extentLoading = null;
      return WORLD_BOUNDS;
    },
  );
  return extentLoading;
}

/**
 * How far a map may be panned and zoomed out around the city: its extent and one and a half times
 * as much again on every side; zoomed out until the city is about 120 px across. The whole world
 * when the city's extent is not known.
 */
export function mapLimits(): { maxBounds: Bounds | undefined; minZoom: number } {
  if (!cityBoundsKnown()) return { maxBounds: undefined, minZoom: 0 };
  const [[w, s], [e, n]] = cityBounds();
  const dx = Math.max(e - w, 0.05);
  const dy = Math.max(n - s, 0.05);
  // Web Mercator stretches latitude by 1/cos(lat); a 512 px world at zoom 0
  const span = Math.max(dx, dy / Math.cos((((s + n) / 2) * Math.PI) / 180));
  const minZoom = Math.min(10, Math.max(0, Math.log2((120 * 360) / (512 * span))));
  return {
    maxBounds: [
      [Math.max(-180, w - 1.5 * dx), Math.max(-85, s - 1.5 * dy)],
      [Math.min(180, e + 1.5 * dx), Math.min(85, n + 1.5 * dy)],
    ],
    minZoom: Math.round(minZoom * 10) / 10,
  };
}

/** "Community district" → "community district" mid-sentence; an acronym ("NTA") stays as it is. */
export function lowerFirst(s: string): string {
  return /^\p{Lu}\p{Ll}/u.test(s) || /^\p{Lu}$/u.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s;
}

/** English plural of a level's name ("Borough" → "Boroughs", "Community district" → "Community districts"). */
export function pluralEn(s: string): string {
  if (/[^aeiou]y$/i.test(s)) return `${s.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/i.test(s)) return `${s}es`;
  return `${s}s`;
}

/** The city's names and levels in the page's language, for components. */
export function useCity() {
  const { t, te, locale } = useI18n();
  const name = computed(() => cityName(locale.value));
  /** A level's name as the city calls it ("Borough", "街乡镇"), else the product's word for it. */
  const level = (l: string): string =>
    levelName(l, locale.value) ?? (te(`workspacePage.levels.${l}`) ? t(`workspacePage.levels.${l}`) : l);
  /** The same, for the middle of an English sentence. */
  const levelLower = (l: string): string => (locale.value.startsWith('zh') ? level(l) : lowerFirst(level(l)));
  /** The units of a level, as a heading or tab ("Boroughs", "Districts", "街乡镇"). */
  const levels = (l: string): string => {
    const own = levelName(l, locale.value);
    if (own) return locale.value.startsWith('zh') ? own : pluralEn(own);
    return te(`tables.${l}`) ? t(`tables.${l}`) : level(l);
  };
  /** A level's words for interpolation: {level}, {levelLower}, {levels}, {levelsLower}. */
  const levelWords = (l: string) => {
    const ls = levels(l);
    return {
      level: level(l),
      levelLower: levelLower(l),
      levels: ls,
      levelsLower: locale.value.startsWith('zh') ? ls : lowerFirst(ls),
    };
  };
  /** A string naming the city ({city}), or its city-neutral form (`key` + "NoCity") without a city. */
  const withCity = (key: string, named: Record<string, unknown> = {}): string =>
    name.value ? t(key, { ...named, city: name.value }) : t(`${key}NoCity`, named);
  /** The city's name, else "the whole city" (全市). */
  const cityLabel = computed(() => name.value ?? t('workspacePage.city'));
  const provenance = computed(() => cityProvenance(locale.value));
  return {
    city: computed(activeCity),
    name,
    cityLabel,
    level,
    levelLower,
    levels,
    levelWords,
    withCity,
    provenance,
    zone: computed(cityZone),
  };
}
