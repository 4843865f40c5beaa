// Login attempts: after 5 failures for one username (from anywhere) or 20 from one address within
// 15 minutes, further attempts get 429 with Retry-After until the oldest failure ages out. A
// success clears the username's failures. In memory: one server process holds the counts.
export interface LimitRule {
  max: number;
  windowMs: number;
}

export class LoginLimiter {
  private failures = new Map<string, number[]>();
  constructor(
    private readonly perUser: LimitRule = { max: 5, windowMs: 15 * 60_000 },
    private readonly perAddress: LimitRule = { max: 20, windowMs: 15 * 60_000 },
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string, windowMs: number): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(username: string, address: string): number {
    let wait = 0;
    for (const [key, rule] of [[`u:${username.toLowerCase()}`, this.perUser], [`a:${address}`, this.perAddress]] as const) {
      const list = this.recent(key, rule.windowMs);
      if (list.length >= rule.max) wait = Math.max(wait, Math.ceil((list[list.length - rule.max]! + rule.windowMs - this.now()) / 1000));
    }
    return wait;
  }

  fail(username: string, address: string) {
    const t = this.now();
    for (const key of [`u:${username.toLowerCase()}`, `a:${address}`]) this.failures.set(key, [...(this.failures.get(key) ?? []), t]);
    if (this.failures.size > 100_000) this.failures.clear();
  }

  succeed(username: string) {
    this.failures.delete(`u:${username.toLowerCase()}`);
  }
}
