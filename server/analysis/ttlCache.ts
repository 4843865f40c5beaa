// A small time-to-live cache for the planning analyses (topics, forecast): their inputs are a year
// or more of rollups (seconds to read at 10 M tickets) and change slowly, while a planner adjusts
// weights or flips categories many times a minute. Entries live `ttlMs` and the cache holds at most
// `max` of them (oldest dropped first). In-process: each server instance has its own.
export class TtlCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 50,
  ) {}

  /** The cached value for key, or the one `load` produces (failures are not kept). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    const value = load();
    this.entries.set(key, { at: now, value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** One `make()` per object (a database): two databases in one process (tests, benches) never share state. */
export function perObject<V>(make: () => V): (key: object) => V {
  const values = new WeakMap<object, V>();
  return (key) => {
    let v = values.get(key);
    if (v === undefined) values.set(key, (v = make()));
    return v;
  };
}

/** One cache per database: two databases in one process (tests, benches) never share answers. */
export const perDatabase = <V>(ttlMs: number, max = 50): ((db: object) => TtlCache<V>) =>
  perObject(() => new TtlCache<V>(ttlMs, max));
