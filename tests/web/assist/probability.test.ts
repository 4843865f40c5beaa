// The assistant's probabilities as shown: whole percent, never a certainty the model does not claim.
import { expect, it } from 'vitest';
import { probabilityText } from '../../../web/components/assist/probability.ts';

it('rounds to whole percent, but reads "> 99%" and "< 1%" at the ends', () => {
  expect([0.5, 0.123, 0.994, 0.995, 0.9999, 1, 0.005, 0.004, 0, Number.NaN].map(probabilityText)).toEqual([
    '50%',
    '12%',
    '99%',
    '> 99%',
    '> 99%',
    '> 99%',
    '1%',
    '< 1%',
    '0%',
    '—',
  ]);
});
