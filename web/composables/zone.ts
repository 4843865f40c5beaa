// Calendar arithmetic in an IANA time zone, daylight saving included. Pure (the zone is a
// parameter): the city's zone comes from /api/config through composables/city.ts.

const partsFormats = new Map<string, Intl.DateTimeFormat>();

function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormats.set(zone, f);
  }
  return f;
}

/** The wall-clock fields of an instant in a zone. */
export function zonedFields(
  ms: number,
  zone: string,
): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const p: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(new Date(ms)))
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year!, mo: p.month!, d: p.day!, h: p.hour! % 24, mi: p.minute!, s: p.second! };
}

/** How far the zone's wall clock is ahead of UTC at an instant, in ms (+8 h for Shanghai, −4/−5 h for New York). */
export function zoneOffsetMs(ms: number, zone: string): number {
  const f = zonedFields(ms, zone);
  const wall = Date.UTC(f.y, f.mo - 1, f.d, f.h, f.mi, f.s);
  return wall - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant a wall-clock time of a date ('YYYY-MM-DD', time 'HH:MM[:SS]') happens in a zone.
 * A time skipped by a daylight-saving jump is read with the offset before the jump (02:30 on a
 * spring-forward night is 03:30), a repeated one as its first occurrence.
 */
export function zonedInstant(date: string, zone: string, time = '00:00:00'): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h = 0, mi = 0, s = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // the zone's offsets a day either side: one of them is in force at the wanted instant (no zone
  // changes its offset twice within two days)
  const before = wall - zoneOffsetMs(wall - 86_400_000, zone);
  const after = wall - zoneOffsetMs(wall + 86_400_000, zone);
  const reads = (t: number) => t + zoneOffsetMs(t, zone) === wall;
  const valid = [before, after].filter(reads).sort((a, b) => a - b);
  return new Date(valid[0] ?? before);
}

/** The zone's date ('YYYY-MM-DD') of an instant. */
export function zonedDate(ms: number, zone: string): string {
  const f = zonedFields(ms, zone);
  return `${f.y}-${String(f.mo).padStart(2, '0')}-${String(f.d).padStart(2, '0')}`;
}

/** Calendar arithmetic on 'YYYY-MM-DD' (UTC noon avoids any zone's edges). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
