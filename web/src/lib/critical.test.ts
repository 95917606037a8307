import { describe, expect, it } from 'vitest';
import { isCritical } from './critical';

describe('critical environments', () => {
  it('are what the environment says', () => {
    expect(isCritical({ critical: true })).toBe(true);
    expect(isCritical({ critical: false })).toBe(false);
  });

  it('are not critical when there is no environment', () => {
    expect(isCritical(undefined)).toBe(false);
  });
});
