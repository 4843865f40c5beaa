// Count distributions against reference values from SciPy 1.17 (scipy.special gammaln, gammainc,
// gammaincc, betainc; scipy.stats poisson, nbinom, norm, gamma), to the digits given.
import { describe, expect, it } from 'vitest';
import {
  betaI,
  countMidP,
  gammaP,
  gammaQ,
  gammaQuantile,
  logGamma,
  negBinomialCdf,
  negBinomialPmf,
  negBinomialSf,
  normalQuantile,
  poissonCdf,
  poissonInterval,
  poissonPmf,
  poissonSf,
  signedZ,
} from '../../../server/analysis/distributions.ts';

const close = (a: number, b: number, rel = 1e-10) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-300);

describe('special functions', () => {
  it('log-gamma', () => {
    close(logGamma(0.3), 1.0957979948180756);
    close(logGamma(10.5), 13.940625219403763);
    close(logGamma(1000.7), 5910.055746911473);
    expect(Math.abs(logGamma(1))).toBeLessThan(1e-14);
  });
  it('regularized incomplete gamma and beta', () => {
    close(gammaP(3.5, 2), 0.22022259152428406);
    close(gammaP(50, 60), 0.9155933189063082);
    close(gammaQ(50, 80), 0.0001307839765914092, 1e-9);
    close(betaI(2.5, 4, 0.3), 0.3521975859067672);
    close(betaI(200, 3, 0.99), 0.6712381710383889, 1e-9);
  });
});

describe('Poisson and negative binomial', () => {
  it('Poisson pmf, cdf and upper tail', () => {
    close(poissonCdf(5, 10), 0.06708596287903189);
    close(poissonSf(15, 10), 0.08345847293466284); // P(X ≥ 15) = sf(14)
    close(poissonPmf(7, 3.2), 0.027789259206343495);
    expect(poissonSf(0, 3)).toBe(1);
    expect(poissonCdf(3, 0)).toBe(1);
  });
  it('negative binomial by mean and size (μ = 12, r = 3)', () => {
    close(negBinomialCdf(4, 12, 3), 0.148032);
    close(negBinomialSf(30, 12, 3), 0.03169126500570579, 1e-9);
    close(negBinomialPmf(10, 12, 3), 0.0566935683072);
  });
  it('mid-p: Poisson when the variance is the mean, the moment-matched negative binomial above it', () => {
    const pois = countMidP(20, 10);
    close(pois.upper, 0.0025213013188574445, 1e-9);
    close(pois.lower, 0.9974786986811426, 1e-9);
    close(pois.twoSided, 2 * 0.0025213013188574445, 1e-9);
    // mean 10, variance 30 → r = 10² / 20 = 5
    close(countMidP(20, 10, 30).upper, 0.05277602344895953, 1e-9);
    close(countMidP(3, 10, 30).lower, 0.0666057003505563, 1e-9);
    // Nothing expected: 0 is no evidence, anything else is.
    expect(countMidP(0, 0)).toEqual({ upper: 0.5, lower: 0.5, twoSided: 1 });
    expect(countMidP(2, 0).twoSided).toBe(0);
  });
});

describe('quantiles and intervals', () => {
  it('normal quantile (Acklam, relative error < 1.2e-9)', () => {
    close(normalQuantile(0.975), 1.959963984540054, 2e-9);
    close(normalQuantile(1e-10), -6.361340902404056, 2e-9);
    close(normalQuantile(0.3), -0.5244005127080409, 2e-9);
    close(signedZ(0.05, 1), 1.959963984540054, 2e-9);
    close(signedZ(0.05, -1), -1.959963984540054, 2e-9);
    expect(signedZ(1, 1)).toBe(0);
    expect(signedZ(0, -1)).toBe(-40);
  });
  it('gamma quantiles and the exact Poisson interval (Garwood)', () => {
    close(gammaQuantile(0.5, 3.5, 2), 1.5864527988803787, 1e-12);
    const [lo, hi] = poissonInterval(10);
    close(lo, 4.7953886961324335, 1e-12);
    close(hi, 18.39035604201778, 1e-12);
    const [lo0, hi0] = poissonInterval(0);
    expect(lo0).toBe(0);
    close(hi0, 3.6888794541139354, 1e-12);
  });
});
