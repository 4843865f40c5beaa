// City time: days, weeks and months are bucketed in the city's zone. The zone is the imported city
// package's (server/city.ts sets it at start-up from the database); before a city is active it is
// CITY_TIME_ZONE from the environment, else UTC — never some particular city's.
let cityZone = process.env.CITY_TIME_ZONE || 'UTC';

/** The zone days, weeks and months are cut in. */
export function cityTimeZone(): string {
  return cityZone;
}

/** Called when a city becomes active (server/city.ts); throws on a zone the runtime does not know. */
export function setCityTimeZone(zone: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: zone });
  cityZone = zone;
}

/** Offset of `zone` from UTC at instant `at`, in minutes (e.g. +480 at UTC+8, −240 for America/New_York in summer). */
export function zoneOffsetMinutes(at: Date, zone: string = cityTimeZone()): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** The instant a calendar date (YYYY-MM-DD) begins in the city. */
export function startOfCityDay(date: string, zone: string = cityTimeZone()): Date {
  const naive = new Date(`${date}T00:00:00Z`);
  const first = new Date(naive.getTime() - zoneOffsetMinutes(naive, zone) * 60_000);
  // Re-check at the found instant in case the offset changed in between (DST zones).
  return new Date(naive.getTime() - zoneOffsetMinutes(first, zone) * 60_000);
}
