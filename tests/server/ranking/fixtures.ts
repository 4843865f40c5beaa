// A hand-built month of six streets, used by several test files. Hand computation under the
// DEFAULT policy (weights 0.10 / 0.45 / 0.45, basic = 0.8):
//
//   unit  dispatched inTime  calledBack solved  sat basic dis | resp   resol  satisf            composite
//   A        20       20        20        18     16   2    2   | 100    90     (16+1.6)/20 = 88   10 + 40.5 + 39.6   = 90.1
//   B        10        9        10         8      7   1    2   |  90    80     (7+0.8)/10  = 78    9 + 36   + 35.1   = 80.1
//   C        20       18        20        16     14   2    4   |  90    80     (14+1.6)/20 = 78    9 + 36   + 35.1   = 80.1
//   D        12        9        12         6      6   3    3   |  75    50     (6+2.4)/12  = 70  7.5 + 22.5 + 31.5   = 61.5
//   E         3        2         0         0      0   0    0   | 66.67  null   null              null (no callbacks → unranked)
//   F         3        2         3         2      1   1    1   | 66.67  66.67  (1+0.8)/3   = 60  6.667 + 30 + 27 = 63.6667 → 63.67
//
//   ranks (1224): A 1, B 2, C 2 (tie, B first by code), F 4, D 5, E unranked.
//   small-sample rule (minCalledBack 10): A, B, C, D eligible; F (3) and E (0) not.
import type { UnitMonthInput } from '../../../server/ranking/index.ts';

const counts = (
  dispatched: number,
  respondedInTime: number,
  calledBack: number,
  solved: number,
  satisfied: number,
  basic: number,
  dissatisfied: number,
  volume = dispatched,
) => ({ volume, dispatched, respondedInTime, calledBack, solved, satisfied, basic, dissatisfied });

export const SIX_STREETS: UnitMonthInput[] = [
  // Deliberately not in rank order, so sorting is exercised.
  { code: 'D', counts: counts(12, 9, 12, 6, 6, 3, 3), population: 40_000 },
  { code: 'C', counts: counts(20, 18, 20, 16, 14, 2, 4), population: 80_000 },
  { code: 'A', counts: counts(20, 20, 20, 18, 16, 2, 2), population: 50_000 },
  { code: 'F', counts: counts(3, 2, 3, 2, 1, 1, 1), population: 10_000 },
  { code: 'E', counts: counts(3, 2, 0, 0, 0, 0, 0), population: 5_000 },
  { code: 'B', counts: counts(10, 9, 10, 8, 7, 1, 2), population: 20_000 },
];
