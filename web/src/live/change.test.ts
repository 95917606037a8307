import { describe, expect, it } from 'vitest';
import { flagKeys } from '../api/flags';
import { orgKeys } from '../api/orgs';
import { projectKeys } from '../api/projects';
import { rampKeys } from '../api/ramps';
import { requestKeys } from '../api/requests';
import { affects, type ChangeEvent, parseChange } from './change';

const DATA = {
  id: '00000000000000000042',
  projectId: 'p1',
  environmentId: 'e-dev',
  actor: 'user:ada',
  actorName: 'Ada',
  action: 'flag_state.update',
  target: 'flag:hero',
  keys: ['hero'],
  revisions: { 'e-dev': 7 },
  at: 1764840000000,
};

const change = (over: Partial<ChangeEvent> = {}): ChangeEvent => ({ ...DATA, ...over });
const hits = (c: ChangeEvent, k: readonly unknown[]) => affects(c, 'o1', k);

describe('a change read from the feed', () => {
  it('is parsed into its fields', () => {
    expect(parseChange(JSON.stringify(DATA))).toEqual(DATA);
  });

  it('is null when the data is not JSON or lacks its id or action', () => {
    expect(parseChange('{not json')).toBeNull();
    expect(parseChange('[1]')).toBeNull();
    expect(parseChange(JSON.stringify({ ...DATA, action: undefined }))).toBeNull();
  });

  it('keeps only well-typed keys and revisions', () => {
    const c = parseChange(JSON.stringify({ ...DATA, keys: ['a', 1], revisions: { e1: 3, e2: 'x' }, actorName: null, environmentId: null }));
    expect(c).toMatchObject({ keys: ['a'], revisions: { e1: 3 }, actorName: null, environmentId: null });
  });
});

describe('the queries a change makes out of date', () => {
  it("a flag state change refreshes that environment's states and that flag's state, nothing else", () => {
    const c = change();
    expect(hits(c, flagKeys.flagd('p1', 'e-dev'))).toBe(true);
    expect(hits(c, flagKeys.states('p1', 'e-dev'))).toBe(true);
    expect(hits(c, flagKeys.state('p1', 'e-dev', 'hero'))).toBe(true);
    expect(hits(c, flagKeys.state('p1', 'e-dev', 'other'))).toBe(false);
    expect(hits(c, flagKeys.states('p1', 'e-prod'))).toBe(false);
    expect(hits(c, flagKeys.list('p1'))).toBe(false);
    expect(hits(c, flagKeys.states('p2', 'e-dev'))).toBe(false);
    expect(hits(c, orgKeys.members('o1'))).toBe(false);
  });

  it('every change refreshes the audit log, but never evaluation counts or a single audit entry', () => {
    const c = change({ action: 'something.new' });
    expect(hits(c, ['orgs', 'o1', 'audit', { project: 'p1' }, 50])).toBe(true);
    expect(hits(c, ['orgs', 'o1', 'audit', 'entry', '00000000000000000041'])).toBe(false);
    expect(hits(c, ['projects', 'p1', 'env', 'e-dev', 'evaluations', 1])).toBe(false);
    expect(hits(c, ['projects', 'p1', 'env', 'e-dev', 'flags', 'hero', 'evaluations', 1])).toBe(false);
  });

  it("archiving a flag refreshes the flag, the list and every environment's states of its project", () => {
    const c = change({ action: 'flag.archive', environmentId: null, revisions: {} });
    expect(hits(c, flagKeys.list('p1'))).toBe(true);
    expect(hits(c, flagKeys.flag('p1', 'hero'))).toBe(true);
    expect(hits(c, flagKeys.flag('p1', 'other'))).toBe(false);
    expect(hits(c, flagKeys.states('p1', 'e-prod'))).toBe(true);
    expect(hits(c, flagKeys.segments('p1'))).toBe(false);
  });

  it('a segment change refreshes the segments and the environments whose revision it moved', () => {
    const c = change({ action: 'segment.update', environmentId: null, keys: ['beta-users'], revisions: { 'e-dev': 8, 'e-prod': 3 } });
    expect(hits(c, flagKeys.segments('p1'))).toBe(true);
    expect(hits(c, flagKeys.flagd('p1', 'e-prod'))).toBe(true);
    expect(hits(c, flagKeys.states('p1', 'e-stage'))).toBe(false);
  });

  it('ramps and change requests refresh their own lists', () => {
    expect(hits(change({ action: 'ramp.advance' }), rampKeys.all('p1'))).toBe(true);
    expect(hits(change({ action: 'change_request.approve' }), requestKeys.list('p1', 'open'))).toBe(true);
    expect(hits(change({ action: 'change_request.approve' }), rampKeys.all('p1'))).toBe(false);
  });

  it('membership changes refresh the members and who I am (my role may have changed)', () => {
    const c = change({ action: 'member.role', projectId: null, environmentId: null, keys: [], revisions: {} });
    expect(hits(c, ['me'])).toBe(true);
    expect(hits(c, orgKeys.members('o1'))).toBe(true);
    expect(hits(c, orgKeys.members('o2'))).toBe(false);
    expect(hits(c, flagKeys.list('p1'))).toBe(false);
  });

  it("an environment change refreshes everything of its project, and a project's the org's list", () => {
    expect(hits(change({ action: 'environment.update' }), projectKeys.environments('p1'))).toBe(true);
    expect(hits(change({ action: 'environment.import' }), flagKeys.list('p1'))).toBe(true);
    expect(hits(change({ action: 'project.update' }), projectKeys.list('o1'))).toBe(true);
    expect(hits(change({ action: 'project.update' }), flagKeys.list('p1'))).toBe(false);
  });

  it('an action it does not know refreshes every query', () => {
    const c = change({ action: 'something.new' });
    expect(hits(c, flagKeys.list('p2'))).toBe(true);
    expect(hits(c, ['me'])).toBe(true);
  });
});
