// The parts of a 每月一题 score: weight × percentile rank × 100 per component (topicScore.ts),
// which sum to the score. Pure: unit-tested.
export const TOPIC_PARTS = ['volume', 'growth', 'spread', 'unresolved', 'dissatisfied', 'recurrence'] as const;
export type TopicPart = (typeof TOPIC_PARTS)[number];

export function scoreParts(
  candidate: { components: Record<TopicPart, { rank: number }> },
  weights: Record<TopicPart, number>,
): { key: TopicPart; points: number }[] {
  return TOPIC_PARTS.map((key) => ({ key, points: weights[key] * candidate.components[key].rank * 100 }));
}
