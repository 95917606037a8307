import { describe, expect, it } from 'vitest';
import { request } from '../../test/request-fixtures';
import { requestActions, reviewBlock } from './permissions';

const ada = { actor: 'user:ada', role: 'owner' as const };
const bob = { actor: 'user:bob', role: 'editor' as const };
const cy = { actor: 'user:cy', role: 'admin' as const };
const vi = { actor: 'user:vi', role: 'viewer' as const };

describe('who may act on a change request', () => {
  it('a member with the policy role who is not the author may approve and reject', () => {
    const a = requestActions(request(), ada);
    expect([a.approve, a.reject]).toEqual([true, true]);
  });

  it('the author may never review their own request', () => {
    const a = requestActions(request(), bob);
    expect([a.approve, a.reject]).toEqual([false, false]);
    expect(reviewBlock(request(), bob)).toBe('You proposed it: someone else must review it.');
  });

  it('the member who made the API token that proposed it may not review it either', () => {
    const r = request({ author: 'token:t1', authorOwner: 'user:ada' });
    expect(requestActions(r, ada).approve).toBe(false);
  });

  it('a role below the policy minimum may not review', () => {
    const r = request({ policy: { approvals: 1, minRole: 'admin', ownerBypass: false } });
    expect(requestActions(r, { actor: 'user:ed', role: 'editor' }).approve).toBe(false);
    expect(reviewBlock(r, { actor: 'user:ed', role: 'editor' })).toBe('Reviewing it needs the admin role.');
  });

  it('without a policy, reviewers need the editor role', () => {
    expect(requestActions(request({ policy: null }), vi).reject).toBe(false);
  });

  it('an API token never reviews', () => {
    expect(requestActions(request(), { actor: 'token:t9', role: 'owner' }).approve).toBe(false);
  });

  it('one who approved already is not offered approve again, but may still reject', () => {
    const r = request({ approvals: [{ by: 'user:ada', role: 'owner', at: 2 }], status: 'approved' });
    const a = requestActions(r, ada);
    expect([a.approve, a.reject]).toEqual([false, true]);
  });

  it('a conflicted request is refreshed, not reviewed or applied', () => {
    const a = requestActions(request({ status: 'conflicted' }), ada);
    expect([a.approve, a.reject, a.apply, a.refresh]).toEqual([false, false, false, true]);
  });

  it('apply is offered to editors once the request is approved', () => {
    expect(requestActions(request({ status: 'approved' }), bob).apply).toBe(true);
    expect(requestActions(request({ status: 'open' }), bob).apply).toBe(false);
    expect(requestActions(request({ status: 'approved' }), vi).apply).toBe(false);
  });

  it('only an owner may bypass, and only where the policy allows it', () => {
    expect(requestActions(request(), ada).bypass).toBe(true);
    expect(requestActions(request(), cy).bypass).toBe(false);
    expect(requestActions(request({ policy: { approvals: 1, minRole: 'editor', ownerBypass: false } }), ada).bypass).toBe(false);
  });

  it('the author or an admin may withdraw; another editor may not', () => {
    expect(requestActions(request(), bob).withdraw).toBe(true);
    expect(requestActions(request(), cy).withdraw).toBe(true);
    expect(requestActions(request({ author: 'user:ada' }), bob).withdraw).toBe(false);
  });

  it('a closed request offers nothing but comments', () => {
    const a = requestActions(request({ status: 'applied' }), ada);
    expect(a).toEqual({ approve: false, reject: false, apply: false, bypass: false, withdraw: false, refresh: false, edit: false, comment: true });
  });

  it('viewers may comment but not edit the schedule', () => {
    const a = requestActions(request(), vi);
    expect([a.comment, a.edit]).toEqual([true, false]);
  });
});
