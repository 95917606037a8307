import { describe, expect, it } from 'vitest';
import { Backoff } from '../../src/backoff';

describe('backoff', () => {
  it('doubles from 1 s to a 30 s cap, each wait anywhere from 0 to the cap', () => {
    const top = new Backoff(() => 0.999999);
    expect(Array.from({ length: 8 }, () => top.next())).toEqual([999, 1999, 3999, 7999, 15999, 29999, 29999, 29999]);
    top.reset();
    expect(top.next()).toBe(999);
    expect(new Backoff(() => 0).next()).toBe(0);
  });

  it('spreads a fleet of clients evenly over the window', () => {
    const buckets = new Array(10).fill(0);
    const b = () => new Backoff();
    for (let i = 0; i < 10000; i++) buckets[Math.floor(b().next() / 100)]++;
    for (const n of buckets) expect(n).toBeLessThan(1300);
  });
});
