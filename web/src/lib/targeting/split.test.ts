import { describe, expect, it } from 'vitest';
import { addBucket, evenWeights, rebalance, removeBucket } from './split';

const sum = (w: number[]) => w.reduce((a, b) => a + b, 0);

describe('percentage splits', () => {
  it('spreads evenly', () => {
    expect(evenWeights(3)).toEqual([34, 33, 33]);
    expect(evenWeights(1)).toEqual([100]);
    expect(sum(evenWeights(7))).toBe(100);
  });

  it('always sums to 100 whatever a slider is moved to', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let n = 2; n <= 6; n++) {
      let w = evenWeights(n);
      for (let step = 0; step < 200; step++) {
        const i = Math.floor(rand() * n);
        const v = Math.round(rand() * 120) - 10; // out of range too
        w = rebalance(w, i, v);
        expect(sum(w)).toBe(100);
        expect(w.every((x) => Number.isInteger(x) && x >= 0)).toBe(true);
        expect(w[i]).toBe(Math.max(0, Math.min(100, v)));
      }
    }
  });

  it('shares the rest in proportion', () => {
    expect(rebalance([50, 30, 20], 0, 80)).toEqual([80, 12, 8]);
    expect(rebalance([100, 0, 0], 0, 40)).toEqual([40, 30, 30]);
    expect(rebalance([60, 40], 1, 100)).toEqual([0, 100]);
  });

  it('adds and removes buckets, still at 100', () => {
    expect(sum(addBucket([50, 50]))).toBe(100);
    expect(addBucket([50, 50])).toHaveLength(3);
    expect(removeBucket([20, 30, 50], 2)).toEqual([40, 60]);
    expect(removeBucket([0, 0, 100], 2)).toEqual([50, 50]);
  });
});
