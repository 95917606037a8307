import { describe, expect, it } from 'vitest';
import type { FlagdDocument } from '../../api/types';
import { type ParsedFlagd, parseFlagdText } from './parse';
import { changesAnything, previewImport } from './preview';

const CURRENT: FlagdDocument = {
  flags: {
    hero: { state: 'DISABLED', variants: { on: true, off: false }, defaultVariant: 'off', metadata: { version: 3 } },
    checkout: {
      state: 'ENABLED',
      variants: { a: 'a', b: 'b' },
      defaultVariant: 'a',
      targeting: { if: [{ '==': [{ var: 'plan' }, 'pro'] }, 'b', null] },
      metadata: { version: 1 },
    },
    other: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' },
  },
  $evaluators: { beta: { in: [{ var: 'email' }, ['a@x.io']] }, 'flag:hero': { '==': [1, 1] } },
  metadata: { environment: 'production', revision: 9 },
};

function file(v: unknown): ParsedFlagd {
  const r = parseFlagdText(JSON.stringify(v));
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.doc;
}

describe('previewImport', () => {
  it('a flag the environment does not have is added', () => {
    const p = previewImport(CURRENT, file({ flags: { fresh: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on' } } }));
    expect(p.added).toEqual([{ key: 'fresh', state: 'ENABLED', defaultVariant: 'on' }]);
    expect(changesAnything(p)).toBe(true);
  });

  it('says what changed: state, default variant, targeting', () => {
    const p = previewImport(
      CURRENT,
      file({
        flags: {
          hero: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'on' },
          checkout: { state: 'ENABLED', variants: { a: 'a', b: 'b' }, defaultVariant: 'a', targeting: { if: [true, 'b', null] } },
        },
      }),
    );
    expect(p.changed).toEqual([
      { key: 'checkout', aspects: ['targeting'] },
      { key: 'hero', aspects: ['state', 'defaultVariant'], state: { from: 'DISABLED', to: 'ENABLED' }, defaultVariant: { from: 'off', to: 'on' } },
    ]);
  });

  it('the export read back changes nothing, whatever its key order or empty targeting', () => {
    const back = JSON.parse(JSON.stringify(CURRENT));
    back.flags.hero = { targeting: {}, defaultVariant: 'off', variants: { off: false, on: true }, state: 'DISABLED' };
    const p = previewImport(CURRENT, file(back));
    expect(p.unchanged).toEqual(['checkout', 'hero', 'other']);
    expect(p.changed).toEqual([]);
    expect(p.segmentsChanged).toEqual([]);
    expect(changesAnything(p)).toBe(false);
  });

  it('flags the file does not mention are left as they are', () => {
    const p = previewImport(CURRENT, file({ flags: { other: CURRENT.flags.other } }));
    expect(p.notInFile).toEqual(['checkout', 'hero']);
  });

  it('segments are added or changed; compiled prerequisite evaluators are not segments', () => {
    const p = previewImport(CURRENT, file({ flags: {}, $evaluators: { beta: { '==': [1, 2] }, gamma: { '==': [1, 1] }, 'flag:x': {} } }));
    expect(p.segmentsChanged).toEqual(['beta']);
    expect(p.segmentsAdded).toEqual(['gamma']);
  });
});
