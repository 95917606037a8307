import { describe, expect, it } from 'vitest';
import { flattenPages } from '../../api/audit';
import { entry, importEntry } from '../../test/audit-fixtures';
import { flagKeysOf, lastFlagChanges, requestIdOf, requestNote, targetLabel } from './records';

describe("each flag's last change", () => {
  it('takes the newest entry per flag, imports included, segments not', () => {
    const newest = importEntry({ at: 3000 });
    const older = entry({ action: 'flag_state.update', target: 'flag:beta', at: 2000, actor: 'user:u2' });
    const oldest = entry({ action: 'flag.create', target: 'flag:gamma', at: 1000 });
    const seg = entry({ action: 'segment.update', target: 'segment:testers', at: 4000 });
    const m = lastFlagChanges([seg, newest, older, oldest]);
    expect(Object.fromEntries(m)).toEqual({
      beta: { at: 3000, actor: 'system:import' },
      banner: { at: 3000, actor: 'system:import' },
      gamma: { at: 1000, actor: 'user:u1' },
    });
    expect(flagKeysOf(seg)).toEqual([]);
    // An import entry without before/after still names its flags through `keys`.
    expect(flagKeysOf(importEntry({ before: null, after: null, keys: ['x'] }))).toEqual(['x']);
  });

  it('reads pages in order and shows an entry seen on two pages once', () => {
    const [a, b, c] = [entry({ action: 'x', target: 'flag:a' }), entry({ action: 'x', target: 'flag:b' }), entry({ action: 'x', target: 'flag:c' })];
    expect(flattenPages([{ items: [a, b], next: 'n' }, { items: [b, c], next: null }]).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
  });
});

describe('records of changes that came from a change request', () => {
  const name = (a: string) => ({ 'user:ada': 'Ada', 'user:bob': 'Bob' })[a] ?? a;
  const ref = { id: 'r1', title: 'Turn on checkout', author: 'user:bob', approvers: ['user:ada'] };

  it('names who approved it', () => {
    expect(requestNote(ref, name).approval).toBe('approved by Ada');
  });

  it('gives the reason of an owner who applied it without approvals', () => {
    expect(requestNote({ ...ref, approvers: [], bypass: { by: 'user:ada', reason: 'outage' } }, name).approval).toBe('applied without approvals by Ada: “outage”');
  });

  it('says how late a scheduled change applied', () => {
    const n = requestNote({ ...ref, scheduledAt: new Date(2026, 11, 8, 14, 0).getTime(), lateByMs: 90_000 }, name);
    expect([n.scheduled, n.late]).toEqual(['scheduled for Tue 8 Dec 2026, 14:00', 'applied 1 min 30 s late']);
  });

  it('finds the request of a record from it and of a request\'s own record', () => {
    expect(requestIdOf(entry({ action: 'flag_state.update', target: 'flag:x', request: ref }))).toBe('r1');
    expect(requestIdOf(entry({ action: 'change_request.approve', target: 'change_request:r9' }))).toBe('r9');
    expect(requestIdOf(entry({ action: 'flag.update', target: 'flag:x' }))).toBeNull();
  });

  it("heads a request's own record with the request's title", () => {
    const e = entry({ action: 'change_request.approve', target: 'change_request:r9', after: { id: 'r9', title: 'Turn on checkout', status: 'approved' } });
    expect(targetLabel(e)).toBe('change request “Turn on checkout”');
  });
});
