import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from './change';
import { forgetOwnWrites, isOwnChange, markOwnWrite } from './own';

const c = (over: Partial<ChangeEvent> = {}): ChangeEvent => ({
  id: '1', projectId: 'p1', environmentId: 'e-dev', actor: 'user:ada', actorName: 'Ada', action: 'flag_state.update', target: 'flag:hero', keys: ['hero'], revisions: {}, at: 0, ...over,
});

afterEach(forgetOwnWrites);

describe("this tab's own changes", () => {
  it('are recognised by environment and key, for a short while', () => {
    markOwnWrite('e-dev', 'hero', 1000);
    expect(isOwnChange(c(), 'user:ada', 2000)).toBe(true);
    expect(isOwnChange(c({ environmentId: 'e-prod' }), 'user:ada', 2000)).toBe(false);
    expect(isOwnChange(c(), 'user:ada', 60_000)).toBe(false);
  });

  it("are never someone else's change to the same flag", () => {
    markOwnWrite('e-dev', 'hero', 1000);
    expect(isOwnChange(c({ actor: 'user:bob' }), 'user:ada', 2000)).toBe(false);
  });
});
