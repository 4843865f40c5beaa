// Count distributions for tests on expected counts: log-gamma, the regularized incomplete gamma and
// beta functions, Poisson and negative binomial tails, mid-p values, and the quantiles the
// intervals need (standard normal, gamma).
//
// Follows Press, Teukolsky, Vetterling & Flannery, "Numerical Recipes in C", 2nd ed. (1992):
// §6.1 gammln (here Lanczos with g = 7, n = 9, relative error ~1e-15), §6.2 gser/gcf (series below
// x < a + 1, Lentz's continued fraction above), §6.4 betai/betacf. The normal quantile is Acklam's
// rational approximation (relative error < 1.15e-9 over the whole range, tails included), which
// keeps z meaningful for the tiny p-values the FDR works with. Gamma quantiles are found by
// Newton's method on the incomplete gamma function from the Wilson–Hilferty start, safeguarded by
// bisection (converges to ~1e-15 relative in a handful of steps).
//
// Decisions:
// - The negative binomial is parametrised by its mean μ and size r: Var = μ + μ²/r (r → ∞ is
//   Poisson). A count model given a mean and a variance uses Poisson when the variance does not
//   exceed the mean (under-dispersion is not modelled) and the moment-matched negative binomial
//   r = μ² / (Var − μ) otherwise.
// - p-values of a discrete count are mid-p (Lancaster 1961): P(X > o) + ½P(X = o) on the upper
//   side, P(X < o) + ½P(X = o) on the lower. Exact tails (P(X ≥ o)) of a count with a small mean
//   can never be small enough: at μ = 0.5 the smallest upper tail is P(X ≥ 1) = 0.39, and a map of
//   such places rejects far less than α. Mid-p has mean ½ under the null and holds per-place type-I
//   errors near α (tests/server/analysis/calibration.test.ts measures it).
// - Two-sided p = min(1, 2·min(upper, lower)).

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = LANCZOS[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a). */
export function gammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`gammaP needs a > 0, x ≥ 0, got ${a}, ${x}`);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when small. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) throw new RangeError(`gammaQ needs a > 0, x ≥ 0, got ${a}, ${x}`);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return Math.min(1, sum * Math.exp(-x + a * Math.log(x) - logGamma(a)));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.min(1, Math.exp(-x + a * Math.log(x) - logGamma(a)) * h);
}

/** Regularized incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  if (!(a > 0) || !(b > 0) || !(x >= 0 && x <= 1))
    throw new RangeError(`betaI needs a, b > 0 and 0 ≤ x ≤ 1, got ${a}, ${b}, ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return Math.min(1, (front * betaContinuedFraction(a, b, x)) / a);
  return Math.max(0, 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b);
}

function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITER; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

const checkCount = (k: number) => {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`a count must be a non-negative integer, got ${k}`);
};
const checkMean = (mu: number) => {
  if (!(mu >= 0) || !Number.isFinite(mu)) throw new RangeError(`a mean must be finite and ≥ 0, got ${mu}`);
};

/** P(X = k), X ~ Poisson(μ). */
export function poissonPmf(k: number, mu: number): number {
  checkCount(k);
  checkMean(mu);
  if (mu === 0) return k === 0 ? 1 : 0;
  return Math.exp(k * Math.log(mu) - mu - logGamma(k + 1));
}

/** P(X ≤ k), X ~ Poisson(μ). */
export function poissonCdf(k: number, mu: number): number {
  checkCount(k);
  checkMean(mu);
  return mu === 0 ? 1 : gammaQ(k + 1, mu);
}

/** P(X ≥ k), X ~ Poisson(μ). */
export function poissonSf(k: number, mu: number): number {
  checkCount(k);
  checkMean(mu);
  if (k === 0) return 1;
  return mu === 0 ? 0 : gammaP(k, mu);
}

/** P(X = k), X ~ NB(mean μ, size r): Var = μ + μ²/r. */
export function negBinomialPmf(k: number, mu: number, r: number): number {
  checkCount(k);
  checkMean(mu);
  if (!(r > 0)) throw new RangeError(`size must be > 0, got ${r}`);
  if (mu === 0) return k === 0 ? 1 : 0;
  const p = r / (r + mu);
  return Math.exp(logGamma(k + r) - logGamma(r) - logGamma(k + 1) + r * Math.log(p) + k * Math.log1p(-p));
}

/** P(X ≤ k), X ~ NB(mean μ, size r) = I_p(r, k + 1), p = r/(r + μ). */
export function negBinomialCdf(k: number, mu: number, r: number): number {
  checkCount(k);
  checkMean(mu);
  if (!(r > 0)) throw new RangeError(`size must be > 0, got ${r}`);
  if (mu === 0) return 1;
  return betaI(r, k + 1, r / (r + mu));
}

/** P(X ≥ k), X ~ NB(mean μ, size r) = I_{1−p}(k, r). */
export function negBinomialSf(k: number, mu: number, r: number): number {
  checkCount(k);
  checkMean(mu);
  if (!(r > 0)) throw new RangeError(`size must be > 0, got ${r}`);
  if (k === 0) return 1;
  if (mu === 0) return 0;
  return betaI(k, r, mu / (r + mu));
}

export interface CountPValues {
  /** Mid-p of "more than expected": P(X > o) + ½P(X = o). */
  upper: number;
  /** Mid-p of "fewer than expected": P(X < o) + ½P(X = o). */
  lower: number;
  /** min(1, 2·min(upper, lower)). */
  twoSided: number;
}

/**
 * Mid-p values of an observed count o against a count model with this mean and variance:
 * Poisson when variance ≤ mean, else the negative binomial with the same two moments.
 */
export function countMidP(o: number, mean: number, variance: number = mean): CountPValues {
  checkCount(o);
  checkMean(mean);
  if (mean === 0) {
    // Nothing expected: any count is as far out as it gets, none is exactly the null.
    return o === 0 ? { upper: 0.5, lower: 0.5, twoSided: 1 } : { upper: 0, lower: 1, twoSided: 0 };
  }
  const nb = variance > mean * (1 + 1e-12);
  const r = nb ? (mean * mean) / (variance - mean) : Infinity;
  const pmf = nb ? negBinomialPmf(o, mean, r) : poissonPmf(o, mean);
  // One tail directly — the one that can be tiny — and the other as the rest of 1.
  let below: number;
  let above: number;
  if (o > mean) {
    above = nb ? negBinomialSf(o + 1, mean, r) : poissonSf(o + 1, mean);
    below = Math.max(0, 1 - above - pmf);
  } else {
    below = o === 0 ? 0 : nb ? negBinomialCdf(o - 1, mean, r) : poissonCdf(o - 1, mean);
    above = Math.max(0, 1 - below - pmf);
  }
  const upper = Math.min(1, above + 0.5 * pmf);
  const lower = Math.min(1, below + 0.5 * pmf);
  return { upper, lower, twoSided: Math.min(1, 2 * Math.min(upper, lower)) };
}

// Acklam's coefficients.
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const B = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

/** Φ⁻¹(p): the standard normal quantile, for 0 < p < 1 (±Infinity at 0 and 1). */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
      ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/**
 * The z-score whose two-sided p-value is p, signed: what a map shows as "z" for a test that is
 * not itself a z-test. p = 0 gives ±40 (beyond any p a double holds).
 */
export function signedZ(p: number, sign: number): number {
  if (sign === 0 || p >= 1) return 0;
  const z = p <= 0 ? 40 : Math.min(40, -normalQuantile(p / 2));
  return sign > 0 ? z : -z;
}

/** The p-quantile of Gamma(shape, rate): x with P(shape, rate·x) = p. */
export function gammaQuantile(p: number, shape: number, rate = 1): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  if (!(shape > 0) || !(rate > 0)) throw new RangeError(`shape and rate must be > 0, got ${shape}, ${rate}`);
  if (p === 0) return 0;
  if (p === 1) return Infinity;
  // Start from Wilson–Hilferty (or the small-x expansion P ≈ x^a/Γ(a+1)), then Newton steps kept
  // inside a bracket that every step narrows; a step leaving the bracket is replaced by halving it.
  const z = normalQuantile(p);
  const c = 1 / (9 * shape);
  let x = shape * (1 - c + z * Math.sqrt(c)) ** 3;
  if (!(x > 0)) x = Math.exp((Math.log(p) + logGamma(shape + 1)) / shape);
  let lo = 0;
  let hi = Infinity;
  const logNorm = logGamma(shape);
  for (let i = 0; i < 200; i++) {
    const f = gammaP(shape, x) - p;
    if (f < 0) lo = x;
    else hi = x;
    if (f === 0) break;
    const density = Math.exp((shape - 1) * Math.log(x) - x - logNorm);
    let next = density > 0 ? x - f / density : NaN;
    if (!(next > lo && next < hi)) next = hi === Infinity ? Math.max(2 * x, x + 1) : 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * x) {
      x = next;
      break;
    }
    x = next;
  }
  return x / rate;
}

/**
 * Exact (Garwood 1936) confidence interval for a Poisson mean from one observed count:
 * [Γ⁻¹(α/2; o), Γ⁻¹(1 − α/2; o + 1)], the lower limit 0 when o = 0.
 */
export function poissonInterval(o: number, level = 0.95): [number, number] {
  checkCount(o);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must be in (0, 1), got ${level}`);
  const a = 1 - level;
  return [o === 0 ? 0 : gammaQuantile(a / 2, o), gammaQuantile(1 - a / 2, o + 1)];
}
