import { describe, expect, it } from 'vitest';
import { ignoredPress, keySequence } from './shortcuts';

describe('keyboard shortcuts', () => {
  it('reads g then f, s or a as a jump, and ? at once', () => {
    const press = keySequence();
    expect(press('g', 0)).toBeNull();
    expect(press('f', 300)).toBe('flags');
    expect([press('g', 1000), press('s', 1100)]).toEqual([null, 'segments']);
    expect([press('g', 2000), press('a', 2100)]).toEqual([null, 'audit']);
    expect(press('?', 3000)).toBe('help');
  });

  it('forgets a first key after a pause, or after a key that completes nothing', () => {
    const press = keySequence();
    expect([press('g', 0), press('f', 2000)]).toEqual([null, null]);
    expect([press('g', 3000), press('x', 3100), press('f', 3200)]).toEqual([null, null, null]);
    // A second g starts again.
    expect([press('g', 4000), press('g', 4100), press('a', 4200)]).toEqual([null, null, 'audit']);
  });

  it('leaves keys typed in a field, with a modifier, or under an open dialog alone', () => {
    const base = { ctrlKey: false, metaKey: false, altKey: false, isComposing: false, defaultPrevented: false };
    const input = document.createElement('input');
    expect(ignoredPress({ ...base, target: input })).toBe(true);
    expect(ignoredPress({ ...base, target: document.body, ctrlKey: true })).toBe(true);
    expect(ignoredPress({ ...base, target: document.body })).toBe(false);
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'dialog');
    dialog.setAttribute('aria-modal', 'true');
    document.body.append(dialog);
    expect(ignoredPress({ ...base, target: document.body })).toBe(true);
    dialog.remove();
  });
});
