import { describe, expect, it } from 'vitest';
import { importEntry } from '../../test/audit-fixtures';
import { importItems, importSummary } from './imports';

describe('imports in the audit log', () => {
  it('splits an import into the flags, states and segments it changed, each with its own diff', () => {
    const items = importItems(importEntry());
    expect(items.map((i) => [i.section, i.key, i.status])).toEqual([
      ['flags', 'beta', 'created'],
      ['states', 'banner', 'changed'],
      ['segments', 'testers', 'removed'],
    ]);
    expect(items[1].changes.map((c) => c.path)).toEqual(['/defaultVariant', '/enabled', '/version']);
    expect(items[0].changes).toEqual([{ path: '', before: undefined, after: expect.objectContaining({ key: 'beta' }) }]);
    expect(items[2].changes).toEqual([{ path: '', before: { rule: { in: ['x', ['x']] } }, after: undefined }]);
    expect(importSummary(items)).toBe('1 flag created, 1 flag state changed, 1 segment removed');
  });

  it('finds an item whose key needs escaping in the JSON Pointer, and copes without a diff', () => {
    const e = importEntry({
      before: { flags: {}, states: {}, segments: {} },
      after: { flags: { 'a/b': { key: 'a/b' } }, states: {}, segments: {} },
      changes: [{ path: '/flags/a~1b', before: null, after: { key: 'a/b' } }],
    });
    expect(importItems(e)[0]).toMatchObject({ key: 'a/b', status: 'created', changes: [{ path: '' }] });
    expect(importItems({ ...e, changes: [] })[0].changes).toEqual([{ path: '', before: undefined, after: { key: 'a/b' } }]);
    expect(importSummary([])).toBe('nothing changed');
  });
});
