import { describe, expect, it } from 'vitest';
import type { Json } from '../../api/types';
import { entry } from '../../test/audit-fixtures';
import { entryLines, fieldLabel } from './diff';
import { ruleText } from './rules';
import { parseTargeting } from '../targeting/parse';

const rule = (country: string[], variant: string) => [{ in: [{ var: 'country' }, country] }, variant];
const targeting = (...parts: unknown[]) => ({ if: parts.flat() });

describe("a flag state's change, readably", () => {
  it('says enabled and the default variant from → to, without bookkeeping', () => {
    const e = entry({
      action: 'flag_state.update',
      target: 'flag:beta',
      before: { enabled: false, defaultVariant: 'off', version: 3, updatedAt: 1 },
      after: { enabled: true, defaultVariant: 'on', version: 4, updatedAt: 2 },
    });
    expect(entryLines(e)).toEqual([
      { what: 'Enabled', change: 'changed', before: 'off', after: 'on' },
      { what: 'Default variant', change: 'changed', before: 'off', after: 'on' },
    ]);
  });

  it('reads a rule as the rule builder does', () => {
    const t = parseTargeting(targeting(rule(['DE', 'FR'], 'on'), 'off') as Json);
    expect(t.kind === 'rules' && ruleText(t.rules[0])).toBe('if country is one of ["DE", "FR"] → serve on');
  });

  it('lists rules added, removed and serving something else, and the fall-through', () => {
    const before = targeting(rule(['DE'], 'on'), rule(['US'], 'on'), 'off');
    const after = targeting(rule(['DE'], 'off'), rule(['FR'], 'on'), { fractional: [['on', 10], ['off', 90]] });
    const e = entry({ action: 'flag_state.update', target: 'flag:beta', before: { enabled: true, targeting: before }, after: { enabled: true, targeting: after } });
    expect(entryLines(e)).toEqual([
      { what: 'Rule 1 (if country is one of ["DE"])', change: 'changed', before: 'serve on', after: 'serve off' },
      { what: 'Rule 2', change: 'removed', before: 'if country is one of ["US"] → serve on' },
      { what: 'Rule 2', change: 'added', after: 'if country is one of ["FR"] → serve on' },
      { what: 'Everyone else', change: 'changed', before: 'serve off', after: 'serve 10% on, 90% off' },
    ]);
  });

  it('shows targeting the builder cannot read whole, in words', () => {
    const e = entry({ action: 'flag_state.update', target: 'flag:beta', before: { enabled: true, targeting: null }, after: { enabled: true, targeting: { weird: [1] } } });
    expect(entryLines(e)).toEqual([{ what: 'Targeting', change: 'changed', before: 'No rules: everyone gets the default variant', after: 'JSON Logic: {"weird":[1]}' }]);
  });

  it('says prerequisites added, removed and changed in words', () => {
    const e = entry({
      action: 'flag_state.update',
      target: 'flag:beta',
      before: { enabled: true, prerequisites: [{ flag: 'gate', variants: ['on'] }, { flag: 'old', variants: ['on'] }] },
      after: { enabled: true, prerequisites: [{ flag: 'gate', variants: ['on', 'half'] }, { flag: 'new', variants: ['yes'] }] },
    });
    expect(entryLines(e)).toEqual([
      { what: 'Prerequisite', change: 'changed', before: 'gate is on', after: 'gate is on or half' },
      { what: 'Prerequisite', change: 'removed', before: 'old is on' },
      { what: 'Prerequisite', change: 'added', after: 'new is yes' },
    ]);
  });
});

describe("a flag's and a segment's change, readably", () => {
  it('lists variants added, removed and with a new value, and tags', () => {
    const e = entry({
      action: 'flag.update',
      target: 'flag:banner',
      before: { name: 'Banner', variants: [{ name: 'short', value: 'Hi' }, { name: 'long', value: 'Hello' }], tags: ['web'], clientVisible: true, archived: false },
      after: { name: 'Hero banner', variants: [{ name: 'short', value: 'Hey' }, { name: 'none', value: '' }], tags: ['web', 'q3'], clientVisible: false, archived: false },
    });
    expect(entryLines(e)).toEqual([
      { what: 'Name', change: 'changed', before: 'Banner', after: 'Hero banner' },
      { what: 'Variant short', change: 'changed', before: 'Hi', after: 'Hey' },
      { what: 'Variant long', change: 'removed', before: 'Hello' },
      { what: 'Variant none', change: 'added', after: '(empty)' },
      { what: 'Tag', change: 'added', after: 'q3' },
      { what: 'Visible to client keys', change: 'changed', before: 'yes', after: 'no' },
    ]);
  });

  it("lists a segment's conditions added and removed", () => {
    const e = entry({
      action: 'segment.update',
      target: 'segment:testers',
      before: { name: 'Testers', rule: { and: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, { '==': [{ var: 'plan' }, 'pro'] }] } },
      after: { name: 'Testers', rule: { and: [{ ends_with: [{ var: 'email' }, '@acme.com'] }, { '==': [{ var: 'plan' }, 'team'] }] } },
    });
    expect(entryLines(e)).toEqual([
      { what: 'Condition', change: 'removed', before: 'plan is "pro"' },
      { what: 'Condition', change: 'added', after: 'plan is "team"' },
    ]);
  });

  it('reads any other record field by field, and falls back on the path diff', () => {
    const env = entry({ action: 'environment.update', target: 'environment:production', before: { name: 'Prod', allowedOrigins: [] }, after: { name: 'Prod', allowedOrigins: ['https://shop.test'] } });
    expect(entryLines(env)).toEqual([{ what: 'Allowed origins', change: 'added', after: 'https://shop.test' }]);
    const bare = entry({ action: 'x.y', target: 'x:1', changes: [{ path: '/filter/events', before: ['a'], after: ['a', 'b'] }, { path: '/version', before: 1, after: 2 }] });
    expect(entryLines(bare)).toEqual([{ what: 'Filter › events', change: 'changed', before: 'a', after: 'a, b' }]);
    expect(fieldLabel('')).toBe('The whole record');
    const project = entry({ action: 'project.create', target: 'project:p1', after: { project: { id: 'p1', name: 'Storefront', clientVisibleByDefault: true }, environments: [{ name: 'development' }, { name: 'production' }] } });
    expect(entryLines(project)).toEqual([
      { what: 'Name', change: 'added', after: 'Storefront' },
      { what: 'Environments', change: 'added', after: 'development, production' },
      { what: 'Client visible by default', change: 'added', after: 'true' },
    ]);
  });
});
