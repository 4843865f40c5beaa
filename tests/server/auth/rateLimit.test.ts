// Login throttling with a clock the test moves. Brute force is kept out without handing anyone a
// lockout of another user: 5 failures lock one username *from one address* (not from everywhere),
// 20 failures lock an address, a username failing from many addresses slows down only addresses
// it has never signed in from, an attempt is counted before the password is checked (so
// concurrent guesses cannot all slip through), an admin can unlock, and a flood of keys evicts
// the least useful counters instead of forgetting every lock.
import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../server/auth/rateLimit.ts';

const MIN = 60_000;

function limiter(start = 1_700_000_000_000, opts?: ConstructorParameters<typeof LoginLimiter>[3]) {
  let now = start;
  const l = new LoginLimiter(undefined, undefined, () => now, opts);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('LoginLimiter', () => {
  it('allows four failures, then the fifth locks the username at that address for exactly the rest of the window', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 4; i++) {
      expect(l.retryAfter('alice', '10.0.0.1')).toBe(0);
      l.fail('alice', '10.0.0.1');
      advance(10_000);
    }
    expect(l.retryAfter('alice', '10.0.0.1')).toBe(0);
    l.fail('alice', '10.0.0.1');
    // The oldest of the five failures was 40 s ago: it ages out 15 min after it happened.
    expect(l.retryAfter('alice', '10.0.0.1')).toBe(15 * 60 - 40);
    advance(60_500);
    expect(l.retryAfter('alice', '10.0.0.1')).toBe(Math.ceil((15 * MIN - 100_500) / 1000));
    // The real alice at her own desk is not locked out by someone guessing elsewhere (M7) …
    expect(l.retryAfter('alice', '10.0.0.2')).toBe(0);
    // … and a lower-case variant is another username, not alice (usernames compare exactly).
    expect(l.retryAfter('ALICE', '10.0.0.1')).toBe(0);
    expect(l.retryAfter('bob', '10.0.0.1')).toBe(0);
  });

  it('lets the pair try again once the oldest failure has aged out', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 5; i++) l.fail('alice', 'a');
    expect(l.retryAfter('alice', 'a')).toBe(900);
    advance(15 * MIN - 1000);
    expect(l.retryAfter('alice', 'a')).toBe(1);
    advance(1000);
    expect(l.retryAfter('alice', 'a')).toBe(0);
  });

  it('clears the pair on a success', () => {
    const { l } = limiter();
    for (let i = 0; i < 4; i++) l.fail('alice', 'a');
    l.succeed('alice', 'a');
    l.fail('alice', 'a');
    expect(l.retryAfter('alice', 'a')).toBe(0);
    for (let i = 0; i < 4; i++) l.fail('alice', 'a');
    expect(l.retryAfter('alice', 'a')).toBe(900);
  });

  it('locks an address after 20 failures across usernames, and only that address', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 19; i++) {
      l.fail(`user${i}`, '192.0.2.7');
      advance(1000);
    }
    expect(l.retryAfter('fresh', '192.0.2.7')).toBe(0);
    l.fail('user19', '192.0.2.7');
    expect(l.retryAfter('fresh', '192.0.2.7')).toBe(15 * 60 - 19);
    expect(l.retryAfter('fresh', '192.0.2.8')).toBe(0);
    // A success clears the pair, not the address.
    l.succeed('user19', '192.0.2.7');
    expect(l.retryAfter('user19', '192.0.2.7')).toBe(15 * 60 - 19);
  });

  it('counts an IPv6 /64 as one address, and an IPv4-mapped address as the IPv4 one', () => {
    const { l } = limiter();
    for (let i = 0; i < 20; i++) l.fail(`u${i}`, `2001:db8:1:2::${i.toString(16)}`);
    expect(l.retryAfter('x', '2001:db8:1:2:ffff::1')).toBeGreaterThan(0);
    expect(l.retryAfter('x', '2001:db8:1:3::1')).toBe(0);
    for (let i = 0; i < 5; i++) l.fail('carol', '::ffff:198.51.100.4');
    expect(l.retryAfter('carol', '198.51.100.4')).toBe(900);
  });

  it('slows a username guessed from many addresses with a growing backoff, except from addresses it signed in from', () => {
    const { l, advance } = limiter();
    // alice signs in from her office once: that address is hers from now on
    const office = '198.51.100.10';
    const first = l.begin('alice', office);
    if ('wait' in first) throw new Error('not allowed');
    first.succeed();
    // a botnet: one guess from each of 12 addresses (no pair, no address ever reaches its limit)
    for (let i = 0; i < 12; i++) {
      // the first ten go through at once; from then on each new address waits
      if (i < 10) expect(l.retryAfter('alice', `203.0.113.${i}`)).toBe(0);
      else expect(l.retryAfter('alice', `203.0.113.${i}`)).toBe(2 ** (i - 10));
      l.fail('alice', `203.0.113.${i}`);
      if (i < 9) advance(1000);
    }
    // after 10 failures from anywhere, a new address waits 2^(n-10) s after the latest one: n = 12 → 4 s
    expect(l.retryAfter('alice', '203.0.113.200')).toBe(4);
    advance(4000);
    expect(l.retryAfter('alice', '203.0.113.200')).toBe(0);
    l.fail('alice', '203.0.113.200');
    expect(l.retryAfter('alice', '203.0.113.201')).toBe(8);
    // alice herself, from the office, is never slowed by the botnet
    expect(l.retryAfter('alice', office)).toBe(0);
    // nor is another user
    expect(l.retryAfter('bob', '203.0.113.201')).toBe(0);
  });

  it('reserves an attempt before the password is checked: concurrent attempts beyond the limit wait (H1)', () => {
    const { l } = limiter();
    const started = Array.from({ length: 40 }, () => l.begin('alice', '10.0.0.9'));
    const allowed = started.filter((a) => !('wait' in a));
    expect(allowed).toHaveLength(5);
    expect(started.slice(5).every((a) => 'wait' in a && a.wait === 900)).toBe(true);
    // the checks come back: one was the right password, which frees its slot and clears the pair
    for (const a of allowed.slice(0, 4)) if (!('wait' in a)) a.fail();
    const last = allowed[4]!;
    if ('wait' in last) throw new Error('unreachable');
    last.succeed();
    expect(l.retryAfter('alice', '10.0.0.9')).toBe(0);
    // a check that could not run (the database was down) gives its slot back without counting
    const a = l.begin('dave', '10.0.0.9');
    if ('wait' in a) throw new Error('not allowed');
    a.cancel();
    for (let i = 0; i < 4; i++) l.fail('dave', '10.0.0.9');
    expect(l.retryAfter('dave', '10.0.0.9')).toBe(0);
  });

  it('lets concurrent sign-ins of one account from one address take turns; concurrent guesses beyond the limit are still refused', async () => {
    const { l } = limiter();
    const check = async (username: string, right: boolean) => {
      const a = await l.acquire(username, '10.0.0.3');
      if ('wait' in a) return 'refused';
      await new Promise((r) => setTimeout(r, 5)); // the password check
      if (right) a.succeed();
      else a.fail();
      return right ? 'signed in' : 'checked';
    };
    expect(await Promise.all(Array.from({ length: 8 }, () => check('alice', true)))).toEqual(
      Array(8).fill('signed in'),
    );
    const guesses = await Promise.all(Array.from({ length: 8 }, () => check('bob', false)));
    expect([guesses.filter((g) => g === 'checked').length, guesses.filter((g) => g === 'refused').length]).toEqual([
      5, 3,
    ]);
  });

  it('lets an admin unlock a username everywhere, or an address', () => {
    const { l } = limiter();
    for (let i = 0; i < 5; i++) l.fail('alice', '10.0.0.1');
    for (let i = 0; i < 12; i++) l.fail('alice', `203.0.113.${i}`);
    for (let i = 0; i < 20; i++) l.fail(`u${i}`, '192.0.2.1');
    expect(l.retryAfter('alice', '10.0.0.1')).toBeGreaterThan(0);
    expect(l.retryAfter('alice', '203.0.113.99')).toBeGreaterThan(0);
    expect(l.unlock({ username: 'alice' })).toBeGreaterThan(0);
    expect(l.retryAfter('alice', '10.0.0.1')).toBe(0);
    expect(l.retryAfter('alice', '203.0.113.99')).toBe(0);
    expect(l.retryAfter('x', '192.0.2.1')).toBeGreaterThan(0);
    l.unlock({ address: '192.0.2.1' });
    expect(l.retryAfter('x', '192.0.2.1')).toBe(0);
  });

  it('evicts stale and single counters when full, never every lock at once (a flood of keys does not unlock anyone)', () => {
    const { l, advance } = limiter(undefined, { maxKeys: 1000 });
    for (let i = 0; i < 5; i++) l.fail('alice', '10.0.0.1');
    advance(1000);
    // 5,000 one-off failures from as many addresses and usernames
    for (let i = 0; i < 5000; i++) l.fail(`flood${i}`, `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    expect(l.size()).toBeLessThanOrEqual(1000);
    expect(l.retryAfter('alice', '10.0.0.1')).toBe(15 * 60 - 1);
  });
});
