import { describe, expect, it } from 'vitest';
import { parseFlagdText } from './parse';

const text = (v: unknown) => JSON.stringify(v);

describe('parseFlagdText', () => {
  it('reads a document of flags by key', () => {
    const r = parseFlagdText(
      text({ flags: { hero: { state: 'ENABLED', variants: { on: true, off: false }, defaultVariant: 'off', targeting: {} } }, $evaluators: { beta: { in: [1, [1]] } } }),
    );
    expect(r).toMatchObject({ ok: true, doc: { flags: { hero: { state: 'ENABLED', defaultVariant: 'off' } }, evaluators: { beta: { in: [1, [1]] } } } });
    // `{}` targeting is no targeting, as the server reads it.
    expect(r.ok && 'targeting' in r.doc.flags.hero).toBe(false);
  });

  it("reads flagd's list form, each flag naming its key", () => {
    const r = parseFlagdText(text({ flags: [{ key: 'a', state: 'DISABLED', variants: { x: 'x' }, defaultVariant: 'x' }] }));
    expect(r.ok && Object.keys(r.doc.flags)).toEqual(['a']);
  });

  it('says where the JSON breaks', () => {
    const r = parseFlagdText('{\n  "flags": {,}\n}');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0].message).toMatch(/^not valid JSON.*line 2/);
  });

  it('an empty document asks for one', () => {
    const r = parseFlagdText('   ');
    expect(!r.ok && r.problems[0].message).toMatch(/empty/);
  });

  it('lists every structural problem with its JSON Pointer', () => {
    const r = parseFlagdText(
      text({
        flags: {
          'a/b': { state: 'ON', variants: { on: true }, defaultVariant: 'on' },
          mixed: { state: 'ENABLED', variants: { on: true, n: 1 }, defaultVariant: 'on' },
          nodefault: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'off' },
          rule: { state: 'ENABLED', variants: { on: true }, defaultVariant: 'on', targeting: 'yes' },
        },
        $evaluators: [],
      }),
    );
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems.map((p) => p.path)).toEqual([
      '/flags/a~1b/state',
      '/flags/mixed/variants',
      '/flags/nodefault/defaultVariant',
      '/flags/rule/targeting',
      '/$evaluators',
    ]);
  });

  it('a document without flags is refused', () => {
    expect(parseFlagdText('[]')).toEqual({ ok: false, problems: [{ path: '', message: 'a flag document must be a JSON object' }] });
    expect(parseFlagdText('{}')).toEqual({ ok: false, problems: [{ path: '/flags', message: 'is required' }] });
  });
});
