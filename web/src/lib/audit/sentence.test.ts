import { describe, expect, it } from 'vitest';
import type { AuditEntry, Member } from '../../api/types';
import { entry, importEntry } from '../../test/audit-fixtures';
import { entrySentence, KNOWN_ACTIONS, partsText } from './sentence';

const members: Member[] = [
  { userId: 'u1', email: 'ada@example.com', name: 'Ada', role: 'owner' },
  { userId: 'u2', email: 'bob@x.com', name: 'Bob', role: 'editor' },
];
const env = (id: string) => ({ 'e-prod': 'production', 'e-stg': 'staging' })[id];
const say = (e: AuditEntry) => partsText(entrySentence(e, { env, members }).parts);
const ada = { actor: 'user:u1', actorName: 'Ada' };

describe('each audit entry as a sentence', () => {
  it('says who turned a flag on or off, and where', () => {
    const on = entry({ ...ada, action: 'flag_state.update', target: 'flag:hero-banner', environmentId: 'e-prod', before: { enabled: false }, after: { enabled: true } });
    expect(say(on)).toBe('Ada turned on hero-banner in production');
    const off = entry({ ...ada, action: 'flag_state.update', target: 'flag:hero-banner', environmentId: 'e-prod', before: { enabled: true, targeting: null }, after: { enabled: false, targeting: { if: [] } } });
    expect(say(off)).toBe('Ada turned off hero-banner in production and changed its targeting');
    const first = entry({ ...ada, action: 'flag_state.update', target: 'flag:hero-banner', environmentId: 'e-prod', before: { enabled: false, defaultVariant: null }, after: { enabled: true, defaultVariant: 'on' } });
    expect(say(first)).toBe('Ada turned on hero-banner in production with default variant on');
  });

  it('names the parts of a state that changed, and shows keys as code', () => {
    const e = entry({ ...ada, action: 'flag_state.update', target: 'flag:checkout', environmentId: 'e-stg', before: { enabled: true, targeting: null }, after: { enabled: true, targeting: { if: [] } } });
    expect(say(e)).toBe('Ada changed the targeting of checkout in staging');
    expect(entrySentence(e, { env }).parts).toContainEqual({ code: 'checkout' });
    const dv = entry({ ...ada, action: 'flag_state.update', target: 'flag:checkout', environmentId: 'e-stg', before: { enabled: true, defaultVariant: 'on' }, after: { enabled: true, defaultVariant: 'off' } });
    expect(say(dv)).toBe('Ada changed the default variant of checkout in staging to off');
  });

  it('tells flag definitions apart: created, renamed, variants, archived, deleted', () => {
    expect(say(entry({ ...ada, action: 'flag.create', target: 'flag:beta', after: { key: 'beta', type: 'boolean' } }))).toBe('Ada created the boolean flag beta');
    expect(say(entry({ ...ada, action: 'flag.update', target: 'flag:beta', before: { name: 'Beta' }, after: { name: 'Beta 2' } }))).toBe('Ada renamed flag beta to “Beta 2”');
    expect(say(entry({ ...ada, action: 'flag.update', target: 'flag:beta', before: { variants: [], tags: [] }, after: { variants: [{ name: 'on', value: true }], tags: ['x'] } }))).toBe(
      'Ada changed the tags and variants of flag beta',
    );
    expect(say(entry({ ...ada, action: 'flag.archive', target: 'flag:beta' }))).toBe('Ada archived flag beta');
    expect(say(entry({ ...ada, action: 'flag.delete', target: 'flag:beta' }))).toBe('Ada deleted flag beta');
  });

  it('says what happened to a segment', () => {
    expect(say(entry({ ...ada, action: 'segment.create', target: 'segment:testers' }))).toBe('Ada created segment testers');
    expect(say(entry({ ...ada, action: 'segment.update', target: 'segment:testers', before: { rule: { in: ['a', ['a']] } }, after: { rule: { in: ['b', ['b']] } } }))).toBe(
      'Ada changed the conditions of segment testers',
    );
    expect(say(entry({ ...ada, action: 'segment.delete', target: 'segment:testers' }))).toBe('Ada deleted segment testers');
  });

  it('counts what an import brought into an environment, and names an API token as the actor', () => {
    const e = importEntry({ actor: 'token:t1', actorName: 'ci-bot' });
    expect(say(e)).toBe('API token ci-bot imported 2 flags and 1 segment into production');
  });

  it('says who joined, was invited, changed role or was removed', () => {
    expect(say(entry({ ...ada, action: 'invitation.create', target: 'invitation:bob@x.com', after: { email: 'bob@x.com', role: 'editor' } }))).toBe('Ada invited bob@x.com as editor');
    expect(say(entry({ actor: 'user:u2', actorName: 'Bob', action: 'member.join', target: 'member:u2', after: { userId: 'u2', role: 'editor' } }))).toBe('Bob joined the organization as editor');
    expect(say(entry({ ...ada, action: 'member.role', target: 'member:u2', before: { userId: 'u2', role: 'editor' }, after: { userId: 'u2', role: 'admin' } }))).toBe(
      'Ada changed the role of Bob from editor to admin',
    );
    expect(say(entry({ ...ada, action: 'member.remove', target: 'member:u9', before: { userId: 'u9', role: 'viewer' } }))).toBe('Ada removed a former member (viewer) from the organization');
    expect(say(entry({ actor: 'user:u2', actorName: 'Bob', action: 'member.remove', target: 'member:u2', before: { userId: 'u2', role: 'editor' } }))).toBe('Bob left the organization');
  });

  it('names API tokens and SDK keys with their environment', () => {
    expect(say(entry({ ...ada, action: 'api_token.create', target: 'api_token:t1', after: { name: 'ci-bot', scopes: ['read', 'write-flags'] } }))).toBe('Ada created API token ci-bot (read, write-flags)');
    expect(say(entry({ ...ada, action: 'api_token.revoke', target: 'api_token:t1', after: { name: 'ci-bot' } }))).toBe('Ada revoked API token ci-bot');
    expect(say(entry({ ...ada, action: 'sdk_key.create', target: 'sdk_key:k1', environmentId: 'e-prod', after: { kind: 'client' } }))).toBe('Ada created a client key for production');
    expect(say(entry({ ...ada, action: 'sdk_key.rotate', target: 'sdk_key:k1', environmentId: 'e-prod', after: { kind: 'server', revokedAt: 5 } }))).toBe(
      'Ada rotated a server key of production; the old key stopped at once',
    );
  });

  it('describes settings: projects, environments and webhooks', () => {
    const created = { project: { id: 'p1', name: 'Storefront' }, environments: [{ name: 'development' }, { name: 'production' }] };
    expect(say(entry({ ...ada, action: 'project.create', target: 'project:p1', after: created }))).toBe('Ada created project Storefront with the environments development and production');
    expect(say(entry({ ...ada, action: 'project.create', target: 'project:p1' }))).toBe('Ada created a project');
    expect(say(entry({ ...ada, action: 'project.update', target: 'project:p1', before: { name: 'Shop' }, after: { name: 'Storefront' } }))).toBe('Ada renamed project Shop to Storefront');
    expect(say(entry({ ...ada, action: 'environment.update', target: 'environment:production', environmentId: 'e-prod', before: { name: 'production', approval: null }, after: { name: 'production', approval: { approvals: 1 } } }))).toBe(
      'Ada made changes in production require approval',
    );
    expect(say(entry({ ...ada, action: 'webhook.create', target: 'webhook:w1', after: { kind: 'slack', description: 'Deploys' } }))).toBe('Ada added the Slack webhook “Deploys”');
    expect(say(entry({ actor: 'system:webhooks', action: 'webhook.disable', target: 'webhook:w1', after: { kind: 'standard', url: 'https://x.test/h', disabledReason: 'failing for a day' } }))).toBe(
      'The webhook dispatcher turned off webhook “https://x.test/h” after it kept failing: failing for a day',
    );
  });

  it('says what the organization settings changed: renames, deletions, a revoked invitation, a critical environment', () => {
    expect(say(entry({ ...ada, action: 'organization.update', target: 'organization:o1', before: { name: 'Acme' }, after: { name: 'Acme Corp' } }))).toBe('Ada renamed the organization Acme to Acme Corp');
    expect(say(entry({ ...ada, action: 'project.delete', target: 'project:p1', before: { id: 'p1', name: 'Storefront' } }))).toBe('Ada deleted project Storefront');
    expect(say(entry({ ...ada, action: 'environment.delete', target: 'environment:staging', environmentId: 'e-gone', before: { key: 'staging', name: 'Staging' } }))).toBe('Ada deleted environment Staging');
    expect(say(entry({ ...ada, action: 'invitation.revoke', target: 'invitation:bob@x.com', before: { email: 'bob@x.com', role: 'editor' } }))).toBe('Ada revoked the invitation of bob@x.com');
    expect(say(entry({ ...ada, action: 'environment.update', target: 'environment:production', environmentId: 'e-prod', before: { name: 'production', critical: false }, after: { name: 'production', critical: true } }))).toBe(
      'Ada marked production as critical',
    );
  });

  it('says what happened to a change request, the scheduler included', () => {
    expect(say(entry({ ...ada, action: 'change_request.approve', target: 'change_request:r1', after: { id: 'r1', title: 'Turn on checkout' } }))).toBe('Ada approved change request “Turn on checkout”');
    expect(say(entry({ actor: 'system:scheduler', action: 'schedule.apply', target: 'change_request:r12', after: { id: 'r12', title: 'Launch' } }))).toBe(
      'The scheduler applied change request “Launch” at its scheduled time',
    );
    expect(say(entry({ actor: 'system:scheduler', action: 'schedule.fail', target: 'change_request:r12', after: { title: 'Launch', problem: 'not approved in time' } }))).toBe(
      'The scheduler could not apply the scheduled change request “Launch”: not approved in time',
    );
  });

  it('follows a ramp step by step', () => {
    const after = { flag: 'checkout', variant: 'on', step: 3, steps: 5, percent: 25, status: 'active' };
    expect(say(entry({ actor: 'system:ramp', action: 'ramp.advance', target: 'ramp:checkout', environmentId: 'e-prod', after }))).toBe(
      'The ramp runner advanced the ramp of checkout in production: 25 % get on (step 3 of 5)',
    );
    expect(say(entry({ ...ada, action: 'ramp.cancel', target: 'ramp:checkout', environmentId: 'e-prod', after }))).toBe('Ada cancelled the ramp of checkout in production');
  });

  it('falls back readably: an unknown action, a removed member, an environment not listed', () => {
    const e = entry({ actor: 'user:gone', action: 'flag.clone', target: 'flag:beta', environmentId: 'e-old' });
    const s = entrySentence(e, { env, members });
    expect(partsText(s.parts)).toBe('A removed member made a change to flag beta in an environment');
    expect(s.known).toBe(false);
    expect(partsText(entrySentence(entry({ actor: 'system:sync', action: 'x.y', target: '' })).parts)).toBe('The system made a change to something');
  });

  it('reads a record shaped unlike its action without throwing', () => {
    const odd = entry({ ...ada, action: 'flag_state.update', target: 'flag:x', before: 'nonsense' as never, after: [1, 2] as never });
    expect(say(odd)).toBe('Ada made a change to flag x');
  });

  it('says what happened to a member\'s account, and from where', () => {
    const account = (action: string, after: Record<string, unknown>) => say(entry({ ...ada, action, target: 'user:u1', after: { address: '203.0.113.7', ...after } }));
    expect(account('account.login', { secondFactor: null })).toBe('Ada signed in from 203.0.113.7');
    expect(account('account.login', { secondFactor: 'recovery_code' })).toBe('Ada signed in with a recovery code from 203.0.113.7');
    expect(account('account.login_failed', { reason: 'password' })).toBe('Ada failed to sign in (wrong password) from 203.0.113.7');
    expect(account('account.login_failed', { reason: 'second_factor' })).toBe('Ada failed to sign in (wrong authenticator or recovery code) from 203.0.113.7');
    expect(account('account.logout', {})).toBe('Ada signed out of every session from 203.0.113.7');
    expect(account('account.password_change', {})).toBe('Ada changed their password from 203.0.113.7');
    expect(account('account.password_reset', {})).toBe('Ada set a new password through a reset link from 203.0.113.7');
    expect(account('account.two_factor_enable', {})).toBe('Ada turned on two-factor sign-in from 203.0.113.7');
    expect(account('account.two_factor_disable', {})).toBe('Ada turned off two-factor sign-in from 203.0.113.7');
    expect(account('account.recovery_codes_regenerate', {})).toBe('Ada made a new set of recovery codes from 203.0.113.7');
    expect(account('account.recovery_code_use', { during: 'sign-in' })).toBe('Ada used a recovery code (sign-in) from 203.0.113.7');
  });

  it('leaves out an address that is not known', () => {
    expect(say(entry({ ...ada, action: 'account.logout', target: 'user:u1', after: { address: null } }))).toBe('Ada signed out of every session');
  });

  it('says how long the organization keeps its audit log and analytics', () => {
    const e = entry({ ...ada, action: 'organization.update', target: 'organization:o1', before: { name: 'Acme', auditRetentionDays: 365, analyticsRetentionDays: 90 }, after: { name: 'Acme', auditRetentionDays: 30, analyticsRetentionDays: 90 } });
    expect(say(e)).toBe('Ada set the organization to keep the audit log for 30 days (was 365)');
  });

  it('has a sentence for every action the API records', () => {
    // From `grep -rhoE '"[a-z_]+\.[a-z_]+"' core/src/changes functions/src`: the change records' actions.
    const recorded = [
      'api_token.create', 'api_token.revoke', 'change_request.apply', 'change_request.approve', 'change_request.comment', 'change_request.conflict',
      'change_request.edit', 'change_request.open', 'change_request.refresh', 'change_request.reject', 'change_request.withdraw', 'environment.create',
      'environment.import', 'environment.update', 'flag.archive', 'flag.create', 'flag.delete', 'flag.unarchive', 'flag.update', 'flag_state.copy',
      'flag_state.restore', 'flag_state.update', 'invitation.create', 'member.join', 'member.remove', 'member.role', 'organization.create',
      'project.create', 'project.update', 'ramp.advance', 'ramp.cancel', 'ramp.complete', 'ramp.pause', 'ramp.resume', 'ramp.start', 'schedule.apply',
      'schedule.fail', 'sdk_key.create', 'sdk_key.revoke', 'sdk_key.rotate', 'segment.create', 'segment.delete', 'segment.update', 'webhook.create',
      'webhook.delete', 'webhook.disable', 'webhook.rotate', 'webhook.update',
      // Added by issue #20 (main, after the dashboard's basics).
      'environment.delete', 'invitation.revoke', 'organization.update', 'project.delete',
      // Account events (issue #16), recorded in every organization of the member.
      'account.login', 'account.login_failed', 'account.logout', 'account.password_change', 'account.password_reset',
      'account.two_factor_enable', 'account.two_factor_disable', 'account.recovery_codes_regenerate', 'account.recovery_code_use',
    ];
    expect(recorded.filter((a) => !KNOWN_ACTIONS.includes(a))).toEqual([]);
  });
});
