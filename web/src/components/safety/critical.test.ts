import { describe, expect, it } from 'vitest';
import { isCritical } from './critical';

describe('critical environments', () => {
  it('are what the environment says when it says', () => {
    expect(isCritical({ key: 'staging', critical: true })).toBe(true);
    expect(isCritical({ key: 'production', critical: false })).toBe(false);
  });

  it('are production and prod when the server does not say', () => {
    expect([isCritical({ key: 'production' }), isCritical({ key: 'prod' }), isCritical({ key: 'Prod' }), isCritical({ key: 'development' })]).toEqual([true, true, true, false]);
  });
});
