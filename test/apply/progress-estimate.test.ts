import { expect, it } from 'vitest';
import { describeRemaining, estimate } from '../../src/apply/progress-estimate.ts';

it('no total, no estimate', () => {
  expect(estimate({ done: 5, total: 0 })).toBeUndefined();
  expect(estimate({ done: 5, total: Number.NaN })).toBeUndefined();
});

it('percent alone before a rate can be measured', () => {
  expect(estimate({ done: 28, total: 51 })).toEqual({ percent: 54 });
  expect(estimate({ done: 28, total: 51, delta: 3, seconds: 0 })).toEqual({ percent: 54 });
});

it('rate over the interval, and the time left at that rate', () => {
  // 40 blocks in 2 s since the last sample: 20 a second, 60 left: 3 s
  expect(estimate({ done: 40, total: 100, delta: 40, seconds: 2 })).toEqual({ percent: 40, rate: 20, remaining_s: 3 });
  // a slow rate keeps a decimal; the time left rounds up
  expect(estimate({ done: 1, total: 10, delta: 1, seconds: 3 })).toEqual({ percent: 10, rate: 0.3, remaining_s: 27 });
});

it('nothing moving: a rate of 0 and no time left to promise', () => {
  expect(estimate({ done: 1000, total: 3000, delta: 0, seconds: 5 })).toEqual({ percent: 33, rate: 0 });
});

it('percent stays within 0 to 100 when counts overshoot', () => {
  expect(estimate({ done: 120, total: 100, delta: 20, seconds: 1 })).toEqual({
    percent: 100,
    rate: 20,
    remaining_s: 0,
  });
  expect(estimate({ done: -1, total: 100 })).toEqual({ percent: 0 });
});

it('says the time left in words people read', () => {
  expect(describeRemaining(42)).toBe('about 42 s left');
  expect(describeRemaining(125)).toBe('about 2 min 5 s left');
  expect(describeRemaining(7260)).toBe('about 2 h 1 min left');
});
