// Poisson upper tail P(X ≥ n) for X ~ Poisson(λ): how surprising n tickets are where the
// background predicts λ. Summed from n upward in log space, so 1e-30 stays 1e-30 instead of
// 1 − (1 − 1e-30) = 0. The terms fall geometrically once i > λ; summing stops when they no longer
// change the total.

function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

export function poissonUpperTail(n: number, lambda: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`lambda must be a finite non-negative number, got ${lambda}`);
  if (n === 0) return 1;
  if (lambda === 0) return 0;
  if (lambda >= n) {
    // The tail is large here: 1 − P(X < n), summed from 0 (at most n terms).
    let lower = 0;
    let term = Math.exp(-lambda);
    for (let i = 0; i < n; i++) {
      lower += term;
      term *= lambda / (i + 1);
    }
    return Math.max(0, Math.min(1, 1 - lower));
  }
  let logTerm = -lambda + n * Math.log(lambda) - logFactorial(n);
  let sum = 0;
  for (let i = n; i < n + 10_000; i++) {
    const term = Math.exp(logTerm);
    sum += term;
    if (term < sum * 1e-17) break;
    logTerm += Math.log(lambda) - Math.log(i + 1);
  }
  return Math.min(1, sum);
}
