import { describe, expect, it } from 'vitest';
import type { FlagdFlag } from '../api/types';
import { staleReason } from './stale';

const state = (s: Partial<FlagdFlag>): FlagdFlag => ({ state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', ...s });
const DAY = 86_400_000;
const old = { key: 'f', createdAt: Date.now() - 30 * DAY };

describe('stale flags', () => {
  it('enabled with no targeting is fully rolled out', () => {
    expect(staleReason(old, state({}), new Set(['f']), 7)).toEqual({ kind: 'rolled-out', variant: 'off' });
  });
  it('a 100% split is fully rolled out', () => {
    expect(staleReason(old, state({ targeting: { fractional: [['on', 100], ['off', 0]] } }), new Set(['f']), 7)).toEqual({ kind: 'rolled-out', variant: 'on' });
  });
  it('targeting with rules is not', () => {
    expect(staleReason(old, state({ targeting: { if: [{ '==': [{ var: 'a' }, 1] }, 'on'] } }), new Set(['f']), 7)).toBeNull();
  });
  it('not evaluated in N days is stale; a young flag is not', () => {
    const t = { targeting: { if: [{ '==': [{ var: 'a' }, 1] }, 'on'] } };
    expect(staleReason(old, state(t), new Set(), 7)).toEqual({ kind: 'unused', days: 7 });
    expect(staleReason({ key: 'f', createdAt: Date.now() - DAY }, state(t), new Set(), 7)).toBeNull();
    expect(staleReason(old, state(t), null, 7)).toBeNull();
  });
  it('a disabled flag is not rolled out', () => {
    expect(staleReason(old, state({ state: 'DISABLED' }), new Set(['f']), 7)).toBeNull();
  });
});
