// Login throttling with a clock the test moves: 5 failures lock a username for the rest of the
// 15-minute window, 20 failures from one address lock that address, a success clears the username.
import { describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../../server/auth/rateLimit.ts';

const MIN = 60_000;

function limiter(start = 1_700_000_000_000) {
  let now = start;
  const l = new LoginLimiter(undefined, undefined, () => now);
  return { l, advance: (ms: number) => (now += ms) };
}

describe('LoginLimiter', () => {
  it('allows four failures, then the fifth locks the username for exactly the rest of the window', () => {
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
    // From any address, and the username is compared without case.
    expect(l.retryAfter('ALICE', '10.9.9.9')).toBe(15 * 60 - 40);
    advance(60_500);
    expect(l.retryAfter('alice', '10.0.0.2')).toBe(Math.ceil((15 * MIN - 100_500) / 1000));
    // Another user is not affected.
    expect(l.retryAfter('bob', '10.0.0.2')).toBe(0);
  });

  it('lets the user try again once the oldest failure has aged out', () => {
    const { l, advance } = limiter();
    for (let i = 0; i < 5; i++) l.fail('alice', 'a');
    expect(l.retryAfter('alice', 'b')).toBe(900);
    advance(15 * MIN - 1000);
    expect(l.retryAfter('alice', 'b')).toBe(1);
    advance(1000);
    expect(l.retryAfter('alice', 'b')).toBe(0);
  });

  it('clears the username on a success', () => {
    const { l } = limiter();
    for (let i = 0; i < 4; i++) l.fail('alice', 'a');
    l.succeed('Alice');
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
    // A success clears the username, not the address.
    l.succeed('user19');
    expect(l.retryAfter('user19', '192.0.2.7')).toBe(15 * 60 - 19);
  });
});
