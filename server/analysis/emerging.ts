// Emerging Hot Spot Analysis (EHSA) pattern classes, after ArcGIS Pro "How Emerging Hot
// Spot Analysis works": each location's series of Gi* confidence bins over time, plus a
// Mann-Kendall test on its Gi* z-score series, puts it in one of 17 classes (no pattern,
// and new / consecutive / intensifying / persistent / diminishing / sporadic / oscillating
// / historical, each hot and cold). Planners use them to tell a new problem (新热点) from
// one that has been there all along (持续热点) or is getting worse (增强热点).
//
// The published definitions overlap and leave cases open; the rules here make them a
// partition (every series gets exactly one class). Decisions:
// - Significant = |bin| ≥ 1 (90% confidence or more). Hot = bin ≥ 1, cold = bin ≤ −1.
// - "≥ 90% of steps" means count ≥ ceil(0.9·n), computed exactly in integers as
//   10·count ≥ 9·n (n = 10 → 9 steps, n = 12 → 11, n = 20 → 18). "< 90%" is its negation.
// - The trend is significant when the Mann-Kendall p ≤ trendAlpha (default 0.05); its
//   direction is the sign of the Mann-Kendall z. Intensifying hot = significant upward
//   trend; intensifying cold = significant DOWNWARD trend (z getting more negative), and
//   diminishing mirrors that.
// - The final step's state decides the side, checked first:
//   final hot  → ≥90% hot: intensifying / diminishing (significant trend up / down),
//                  otherwise persistent;
//                < 90% hot: oscillating if any step was significantly cold;
//                  else new if no earlier step was hot;
//                  else consecutive if the hot steps are exactly one unbroken run of ≥ 2
//                  ending at the final step;
//                  else sporadic (hot, then not, then hot again: "on-again off-again").
//   final cold → the mirror image.
//   final not significant → historical hot if ≥90% of steps were hot, historical cold if
//                  ≥90% were cold, otherwise no pattern — also when the series had both
//                  hot and cold bins.
// - So Persistent (and Intensifying, Diminishing) require the final step to be hot; a
//   ≥90%-hot series whose final step is not significant is Historical. A ≥90%-hot series
//   whose final step is significantly COLD is an oscillating cold spot, not historical
//   hot: the map must never show a place that is cold now as a hot spot.
// - A cold history beats New / Consecutive: a place that was significantly cold and is
//   now hot is oscillating (as in the R package sfdep, where New and Consecutive require
//   no significant step of either sign before). ArcGIS's text allows either reading.
// - n = 0 is no pattern. With n = 1 a hot step is "≥ 90% hot", so persistent (Mann-Kendall
//   reports no trend below 3 steps). EHSA is meant for ten or more steps; short series get
//   a class by the same rules, not an error.
// Colours: ColorBrewer "Reds" and "Blues" (Brewer, colorbrewer2.org), 8 steps each. The
// red/blue hue axis survives protanopia, deuteranopia and tritanopia, so hot vs cold is
// always readable; WITHIN a side the classes differ only by lightness (darkest = the most
// pressing now), so the legend must carry the labels too. No pattern is neutral grey.

export const EMERGING_PATTERNS = [
  { id: 'no_pattern', zh: '无显著模式', en: 'No pattern detected', colour: '#d9d9d9' },
  { id: 'new_hot', zh: '新热点', en: 'New hot spot', colour: '#ef3b2c' },
  { id: 'consecutive_hot', zh: '连续热点', en: 'Consecutive hot spot', colour: '#cb181d' },
  { id: 'intensifying_hot', zh: '增强热点', en: 'Intensifying hot spot', colour: '#67000d' },
  { id: 'persistent_hot', zh: '持续热点', en: 'Persistent hot spot', colour: '#a50f15' },
  { id: 'diminishing_hot', zh: '减弱热点', en: 'Diminishing hot spot', colour: '#fcbba1' },
  { id: 'sporadic_hot', zh: '零星热点', en: 'Sporadic hot spot', colour: '#fb6a4a' },
  { id: 'oscillating_hot', zh: '振荡热点', en: 'Oscillating hot spot', colour: '#fc9272' },
  { id: 'historical_hot', zh: '历史热点', en: 'Historical hot spot', colour: '#fee0d2' },
  { id: 'new_cold', zh: '新冷点', en: 'New cold spot', colour: '#4292c6' },
  { id: 'consecutive_cold', zh: '连续冷点', en: 'Consecutive cold spot', colour: '#2171b5' },
  { id: 'intensifying_cold', zh: '增强冷点', en: 'Intensifying cold spot', colour: '#08306b' },
  { id: 'persistent_cold', zh: '持续冷点', en: 'Persistent cold spot', colour: '#08519c' },
  { id: 'diminishing_cold', zh: '减弱冷点', en: 'Diminishing cold spot', colour: '#c6dbef' },
  { id: 'sporadic_cold', zh: '零星冷点', en: 'Sporadic cold spot', colour: '#6baed6' },
  { id: 'oscillating_cold', zh: '振荡冷点', en: 'Oscillating cold spot', colour: '#9ecae1' },
  { id: 'historical_cold', zh: '历史冷点', en: 'Historical cold spot', colour: '#deebf7' },
] as const;

export type EmergingPattern = (typeof EMERGING_PATTERNS)[number];
export type EmergingPatternId = EmergingPattern['id'];
export const EMERGING_PATTERN_IDS: readonly EmergingPatternId[] = EMERGING_PATTERNS.map((c) => c.id);

/** The part of a Mann-Kendall result the classification reads. */
export interface TrendSummary {
  z: number;
  p: number;
}

export interface EmergingOptions {
  /** A trend is significant when p ≤ trendAlpha. Default 0.05. */
  trendAlpha?: number;
}

/** ≥ 90% of n, exactly: count ≥ ceil(0.9·n). */
export function atLeastNinetyPercent(count: number, n: number): boolean {
  return 10 * count >= 9 * n;
}

type Side = 'hot' | 'cold';

function finalSideClass(
  side: Side,
  own: boolean[],
  other: boolean[],
  trend: TrendSummary,
  trendAlpha: number,
): EmergingPatternId {
  const n = own.length;
  const ownCount = own.filter(Boolean).length;
  if (atLeastNinetyPercent(ownCount, n)) {
    const significant = trend.p <= trendAlpha && trend.z !== 0;
    // For cold spots "intensifying" means z falling further below zero.
    const up = side === 'hot' ? trend.z > 0 : trend.z < 0;
    if (significant) return up ? `intensifying_${side}` : `diminishing_${side}`;
    return `persistent_${side}`;
  }
  if (other.some(Boolean)) return `oscillating_${side}`;
  if (ownCount === 1) return `new_${side}`;
  let run = 0;
  while (run < n && own[n - 1 - run]) run++;
  if (run === ownCount) return `consecutive_${side}`; // run ≥ 2 here, since ownCount ≥ 2
  return `sporadic_${side}`;
}

/**
 * EHSA class of one location from its confidence bins over time (−3..3, oldest first) and
 * the Mann-Kendall test of its Gi* z-scores. Rules and their order: see the header.
 */
export function classifyEmerging(
  bins: ArrayLike<number>,
  trend: TrendSummary,
  options: EmergingOptions = {},
): EmergingPatternId {
  const trendAlpha = options.trendAlpha ?? 0.05;
  if (!(trendAlpha > 0 && trendAlpha < 1)) throw new RangeError(`trendAlpha must be in (0, 1), got ${trendAlpha}`);
  const n = bins.length;
  if (n === 0) return 'no_pattern';
  const hot: boolean[] = [];
  const cold: boolean[] = [];
  for (let t = 0; t < n; t++) {
    const b = bins[t];
    if (!Number.isInteger(b) || b < -3 || b > 3)
      throw new RangeError(`bin ${b} at step ${t} is not an integer in −3..3`);
    hot.push(b >= 1);
    cold.push(b <= -1);
  }
  if (hot[n - 1]) return finalSideClass('hot', hot, cold, trend, trendAlpha);
  if (cold[n - 1]) return finalSideClass('cold', cold, hot, trend, trendAlpha);
  if (atLeastNinetyPercent(hot.filter(Boolean).length, n)) return 'historical_hot';
  if (atLeastNinetyPercent(cold.filter(Boolean).length, n)) return 'historical_cold';
  return 'no_pattern';
}
