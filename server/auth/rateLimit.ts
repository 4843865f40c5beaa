// Sign-in attempts, counted so that guessing is slow and nobody can lock another user out:
//   - one username from one address: 5 failures in 15 minutes → 429 until the oldest ages out;
//   - one address (an IPv6 /64 counts as one): 20 failures in 15 minutes → 429 likewise;
//   - one username from anywhere: after 10 failures in 15 minutes, an address that has not signed
//     in as that user in the last 30 days waits 1 s, 2 s, 4 s … (up to 15 min) after the latest
//     failure; the addresses the user really signs in from are never slowed.
// Usernames compare exactly, as the accounts table does: 'ALICE' is not 'alice'. An attempt is
// counted when it starts (begin), before the ~0.1 s password check, so concurrent guesses cannot
// all pass the limit before the first failure is recorded; a success takes its count back and
// clears that username at that address. `acquire` waits while the limit is reached only by
// attempts still being checked (eight sign-ins of one account at once are not refused: they take
// turns), and refuses once it is reached by failures. Admins unlock a username or an address (POST
// /api/auth/unlock). In memory: one server process holds the counts; when the table is full, stale
// and below-the-limit counters go first, so a flood of new keys never unlocks anyone.
export interface LimitRule {
  max: number;
  windowMs: number;
}

export interface LimiterOptions {
  /** Failures of one username from anywhere after which untrusted addresses back off (10). */
  backoffAfter?: number;
  /** Longest backoff (15 min). */
  maxBackoffMs?: number;
  /** How long a successful sign-in makes an address the user's own (30 days). */
  trustMs?: number;
  /** Counters kept at most (100,000). */
  maxKeys?: number;
}

/** A started attempt: report how the password check ended. */
export interface Attempt {
  /** Right password: the attempt is taken back, the pair cleared and the address trusted. */
  succeed(): void;
  /** Wrong password: the attempt stays counted. */
  fail(): void;
  /** The check could not be made (database down): the attempt is taken back. */
  cancel(): void;
}

const WINDOW = 15 * 60_000;

/** One counting address: IPv4-mapped IPv6 as IPv4, an IPv6 address as its /64. */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export class LoginLimiter {
  /** 'p:' username+address, 'a:' address, 'u:' username from untrusted addresses → failure times. */
  private failures = new Map<string, number[]>();
  /** 't:' username+address → trusted until. */
  private trusted = new Map<string, number>();
  /** Attempts started and not yet settled, by counter key. */
  private pending = new Map<string, number>();
  /** Callers of acquire waiting for an attempt to settle. */
  private waiters: (() => void)[] = [];
  private readonly opts: Required<LimiterOptions>;

  constructor(
    private readonly perPair: LimitRule = { max: 5, windowMs: WINDOW },
    private readonly perAddress: LimitRule = { max: 20, windowMs: WINDOW },
    private readonly now: () => number = Date.now,
    opts: LimiterOptions = {},
  ) {
    this.opts = { backoffAfter: 10, maxBackoffMs: WINDOW, trustMs: 30 * 24 * 3600_000, maxKeys: 100_000, ...opts };
  }

  private keys(username: string, address: string) {
    const a = addressKey(address);
    return { pair: `p:${username}\n${a}`, addr: `a:${a}`, user: `u:${username}`, trust: `t:${username}\n${a}` };
  }

  private ruleOf(key: string): LimitRule {
    if (key.startsWith('p:')) return this.perPair;
    if (key.startsWith('a:')) return this.perAddress;
    return { max: this.opts.backoffAfter, windowMs: WINDOW };
  }

  private recent(key: string): number[] {
    const t = this.now();
    const { windowMs } = this.ruleOf(key);
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  private isTrusted(trustKey: string): boolean {
    const until = this.trusted.get(trustKey);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.trusted.delete(trustKey);
    return false;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(username: string, address: string): number {
    const k = this.keys(username, address);
    const t = this.now();
    let waitMs = 0;
    for (const key of [k.pair, k.addr]) {
      const rule = this.ruleOf(key);
      const list = this.recent(key);
      if (list.length >= rule.max) waitMs = Math.max(waitMs, list[list.length - rule.max]! + rule.windowMs - t);
    }
    if (!this.isTrusted(k.trust)) {
      const list = this.recent(k.user);
      if (list.length >= this.opts.backoffAfter) {
        const backoff = Math.min(this.opts.maxBackoffMs, 1000 * 2 ** (list.length - this.opts.backoffAfter));
        waitMs = Math.max(waitMs, list[list.length - 1]! + backoff - t);
      }
    }
    return waitMs > 0 ? Math.ceil(waitMs / 1000) : 0;
  }

  /**
   * Start an attempt: `{ wait }` (seconds) when it must not be made, or the attempt, already
   * counted as a failure until the check says otherwise.
   */
  begin(username: string, address: string): { wait: number } | Attempt {
    const wait = this.retryAfter(username, address);
    if (wait > 0) return { wait };
    const t = this.now();
    const k = this.keys(username, address);
    const counted = [k.pair, k.addr, ...(this.isTrusted(k.trust) ? [] : [k.user])];
    for (const key of counted) {
      this.push(key, t);
      this.pending.set(key, (this.pending.get(key) ?? 0) + 1);
    }
    let settled = false;
    const done = () => {
      for (const key of counted) {
        const n = (this.pending.get(key) ?? 1) - 1;
        if (n > 0) this.pending.set(key, n);
        else this.pending.delete(key);
      }
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) w();
    };
    const takeBack = () => {
      for (const key of counted) {
        const list = this.failures.get(key);
        const i = list?.lastIndexOf(t) ?? -1;
        if (list && i >= 0) list.splice(i, 1);
        if (list && list.length === 0) this.failures.delete(key);
      }
    };
    return {
      succeed: () => {
        if (settled) return;
        settled = true;
        takeBack();
        this.succeed(username, address);
        done();
      },
      fail: () => {
        if (settled) return;
        settled = true;
        done();
      },
      cancel: () => {
        if (settled) return;
        settled = true;
        takeBack();
        done();
      },
    };
  }

  /**
   * begin, but while the limit is reached with attempts of this username or address still being
   * checked, wait for them to settle and look again (at most `maxWaitMs`).
   */
  async acquire(username: string, address: string, maxWaitMs = 30_000): Promise<{ wait: number } | Attempt> {
    const k = this.keys(username, address);
    const until = Date.now() + maxWaitMs;
    for (;;) {
      const r = this.begin(username, address);
      if (!('wait' in r)) return r;
      const inFlight = [k.pair, k.addr, k.user].some((key) => (this.pending.get(key) ?? 0) > 0);
      if (!inFlight || Date.now() >= until) return r;
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, Math.max(1, until - Date.now())).unref?.();
      });
    }
  }

  /** Record a failure (an attempt not started with begin). */
  fail(username: string, address: string) {
    const t = this.now();
    const k = this.keys(username, address);
    for (const key of [k.pair, k.addr, ...(this.isTrusted(k.trust) ? [] : [k.user])]) this.push(key, t);
  }

  /** A right password: the username is cleared at this address, which becomes the user's own. */
  succeed(username: string, address: string) {
    const k = this.keys(username, address);
    this.failures.delete(k.pair);
    this.trusted.delete(k.trust);
    this.trusted.set(k.trust, this.now() + this.opts.trustMs);
    if (this.trusted.size > this.opts.maxKeys) {
      // oldest first (insertion order)
      for (const key of this.trusted.keys()) {
        this.trusted.delete(key);
        if (this.trusted.size <= this.opts.maxKeys * 0.9) break;
      }
    }
  }

  /** An admin lifts the counts of a username (at every address) and/or of an address; returns how many counters went. */
  unlock(what: { username?: string; address?: string }): number {
    let n = 0;
    const addr = what.address !== undefined ? addressKey(what.address) : undefined;
    for (const key of [...this.failures.keys()]) {
      const [kind, rest] = [key.slice(0, 2), key.slice(2)];
      const [user, a] = kind === 'p:' ? rest.split('\n') : kind === 'u:' ? [rest, undefined] : [undefined, rest];
      const hit = (what.username !== undefined && user === what.username) || (addr !== undefined && a === addr);
      if (hit && this.failures.delete(key)) n++;
    }
    return n;
  }

  /** Counters held (for tests and the eviction rule). */
  size(): number {
    return this.failures.size;
  }

  private push(key: string, t: number) {
    const list = this.failures.get(key);
    if (list) {
      list.push(t);
      // most recently touched last, so eviction meets the stalest first
      this.failures.delete(key);
      this.failures.set(key, list);
    } else this.failures.set(key, [t]);
    if (this.failures.size > this.opts.maxKeys) this.evict();
  }

  /**
   * Over the cap: drop counters with nothing left in their window, then those below their limit
   * (stalest first), down to 90 %; counters that hold a lock go last, and only if nothing else is left.
   */
  private evict() {
    const target = Math.floor(this.opts.maxKeys * 0.9);
    for (const key of [...this.failures.keys()]) this.recent(key);
    if (this.failures.size <= target) return;
    for (const [key, list] of this.failures) {
      if (this.failures.size <= target) return;
      if (list.length < this.ruleOf(key).max) this.failures.delete(key);
    }
    for (const key of this.failures.keys()) {
      if (this.failures.size <= target) return;
      this.failures.delete(key);
    }
  }
}
