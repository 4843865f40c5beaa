import { describe, expect, it } from 'vitest';
import { erfc, normalCdf, twoSidedP } from '../../../server/analysis/normal.ts';

// Reference values are the standard quantiles and table entries (Abramowitz & Stegun,
// Handbook of Mathematical Functions, Table 26.1), to 16 digits:
//   Φ(1.6448536269514722) = 0.95,  Φ(1.959963984540054) = 0.975,  Φ(2.5758293035489004) = 0.995
//   Φ(1) = 0.8413447460685429,  Φ(3) = 0.9986501019683699
//   two-sided p(5) = 2·(1 − Φ(5)) = 5.733031437583866e-7,  p(8) = 1.244192114854348e-15
// The method promises |error| < 1e-7 on Φ (7 decimals) and < 1.2e-7 RELATIVE error in the tails.
describe('standard normal', () => {
  it('gives one half at zero and a p-value of exactly one', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(twoSidedP(0)).toBe(1);
  });

  it('hits the 90, 95 and 99 percent two-sided quantiles', () => {
    expect(normalCdf(1.6448536269514722)).toBeCloseTo(0.95, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(2.5758293035489004)).toBeCloseTo(0.995, 7);
    expect(twoSidedP(1.6448536269514722)).toBeCloseTo(0.1, 7);
    expect(twoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 7);
    expect(twoSidedP(2.5758293035489004)).toBeCloseTo(0.01, 7);
  });

  it('matches table values and is symmetric', () => {
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 7);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 7);
    expect(normalCdf(3)).toBeCloseTo(0.9986501019683699, 7);
    for (const z of [0.3, 1.1, 2.2, 4.4]) expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 12);
  });

  it('keeps tiny tail p-values accurate relative to their size', () => {
    expect(Math.abs(twoSidedP(5) / 5.733031437583866e-7 - 1)).toBeLessThan(1.2e-7);
    expect(Math.abs(twoSidedP(-8) / 1.244192114854348e-15 - 1)).toBeLessThan(1.2e-7);
    expect(erfc(0)).toBeCloseTo(1, 7);
    expect(erfc(-30)).toBe(2);
    expect(twoSidedP(40)).toBe(0);
  });

  it('passes NaN through rather than inventing a probability', () => {
    expect(twoSidedP(Number.NaN)).toBeNaN();
    expect(normalCdf(Number.NaN)).toBeNaN();
  });
});
