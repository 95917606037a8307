/** Audit entries as the API sends them (change records, newest first), for the tests. */
import type { AuditEntry } from '../api/types';

let n = 0;
export function entry(over: Partial<AuditEntry> & Pick<AuditEntry, 'action' | 'target'>): AuditEntry {
  n += 1;
  return {
    id: `a${n}`,
    seq: n,
    orgId: 'o1',
    projectId: 'p1',
    environmentId: null,
    actor: 'user:u1',
    keys: [],
    revisions: {},
    before: null,
    after: null,
    at: Date.now() - n * 60_000,
    changes: [],
    ...over,
  };
}

/** A flagd import into production: a new flag, a changed state, a removed segment. */
export function importEntry(over: Partial<AuditEntry> = {}): AuditEntry {
  return entry({
    action: 'environment.import',
    target: 'environment:production',
    environmentId: 'e-prod',
    actor: 'system:import',
    keys: ['beta', 'banner'],
    revisions: { 'e-prod': 12 },
    before: { flags: {}, states: { banner: { enabled: false, defaultVariant: 'short', version: 3 } }, segments: { testers: { rule: { in: ['x', ['x']] } } } },
    after: {
      flags: { beta: { key: 'beta', type: 'boolean', variants: [{ name: 'on', value: true }] } },
      states: { banner: { enabled: true, defaultVariant: 'long', version: 4 } },
      segments: {},
    },
    changes: [
      { path: '/flags/beta', before: null, after: { key: 'beta', type: 'boolean', variants: [{ name: 'on', value: true }] } },
      { path: '/segments/testers', before: { rule: { in: ['x', ['x']] } }, after: null },
      { path: '/states/banner/defaultVariant', before: 'short', after: 'long' },
      { path: '/states/banner/enabled', before: false, after: true },
      { path: '/states/banner/version', before: 3, after: 4 },
    ],
    ...over,
  });
}
