// Password storage: scrypt with its parameters in the stored form, a fresh salt per hash, and the
// rule every new password meets.
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordProblem, verifyPassword } from '../../../server/auth/password.ts';

describe('password hashing', () => {
  it('stores scrypt$15$8$1$<16-byte salt>$<32-byte key> in base64url', async () => {
    const h = await hashPassword('correct horse battery');
    const parts = h.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '15', '8', '1']);
    expect(parts).toHaveLength(6);
    expect(parts[4]).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(parts[4]!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64url')).toHaveLength(32);
    expect(h).not.toContain('correct horse');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const h = await hashPassword('密码-correct-1');
    expect(await verifyPassword('密码-correct-1', h)).toBe(true);
    expect(await verifyPassword('密码-correct-2', h)).toBe(false);
    expect(await verifyPassword('', h)).toBe(false);
  });

  it('salts every hash: one password hashed twice gives two different strings, both valid', async () => {
    const [a, b] = await Promise.all([hashPassword('same-password'), hashPassword('same-password')]);
    expect(a).not.toBe(b);
    expect(a.split('$')[4]).not.toBe(b.split('$')[4]);
    expect(await verifyPassword('same-password', a)).toBe(true);
    expect(await verifyPassword('same-password', b)).toBe(true);
  });

  it('treats the NFC and NFD spellings of a password as the same password', async () => {
    const h = await hashPassword('cafe\u0301-password');
    expect(await verifyPassword('caf\u00e9-password', h)).toBe(true);
  });

  it('refuses stored values that are not its scrypt form', async () => {
    expect(await verifyPassword('x', 'bcrypt$2b$10$abc')).toBe(false);
    expect(await verifyPassword('x', '')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$15$8$1$$')).toBe(false);
  });

  it('names the rule a new password breaks', () => {
    expect(passwordProblem('123456789')).toBe('must be at least 10 characters');
    expect(passwordProblem('abcdefghi')).toBe('must be at least 10 characters');
    expect(passwordProblem('1234567890')).toBe('must not be digits only');
    expect(passwordProblem('x'.repeat(201))).toBe('must be at most 200 characters');
    expect(passwordProblem(' abcdefghij')).toBe('must not start or end with a space');
    expect(passwordProblem('abcdefghij\t')).toBe('must not start or end with a space');
    expect(passwordProblem('abcdefghij')).toBeNull();
    expect(passwordProblem('abc def ghij')).toBeNull();
    expect(passwordProblem('x'.repeat(200))).toBeNull();
    expect(passwordProblem('12345abcde')).toBeNull();
  });
});
