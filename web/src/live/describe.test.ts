import { describe, expect, it } from 'vitest';
import type { ChangeEvent } from './change';
import { describeChange } from './describe';

const c = (over: Partial<ChangeEvent> = {}): ChangeEvent => ({
  id: '1', projectId: 'p1', environmentId: 'e-prod', actor: 'user:ada', actorName: 'Ada', action: 'flag_state.update', target: 'flag:checkout', keys: ['checkout'], revisions: {}, at: 0, ...over,
});

describe('a change in words', () => {
  it('says which way a switch went once the new state is read', () => {
    expect(describeChange(c(), { who: 'Ada', envName: 'production', before: true, after: false })).toBe('Ada turned off checkout in production');
    expect(describeChange(c(), { who: 'Ada', envName: 'production', before: false, after: true })).toBe('Ada turned on checkout in production');
  });

  it('says "changed" while the new state is not read yet, or when only the rules changed', () => {
    expect(describeChange(c(), { who: 'Ada', envName: 'production', before: true, after: true })).toBe('Ada changed checkout in production');
  });

  it('names what happened to the flag itself, in no environment', () => {
    expect(describeChange(c({ action: 'flag.archive', environmentId: null }), { who: 'Bob', envName: null })).toBe('Bob archived checkout');
  });
});
