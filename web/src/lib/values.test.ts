import { describe, expect, it } from 'vitest';
import { parseValue } from './values';

describe('typed variant values', () => {
  it('parses each type and refuses the wrong one', () => {
    expect(parseValue('boolean', 'true')).toEqual({ ok: true, value: true });
    expect(parseValue('boolean', 'yes').ok).toBe(false);
    expect(parseValue('integer', '42')).toEqual({ ok: true, value: 42 });
    expect(parseValue('integer', '4.2').ok).toBe(false);
    expect(parseValue('float', '4.2')).toEqual({ ok: true, value: 4.2 });
    expect(parseValue('float', '').ok).toBe(false);
    expect(parseValue('string', '')).toEqual({ ok: true, value: '' });
    expect(parseValue('object', '{"a":[1]}')).toEqual({ ok: true, value: { a: [1] } });
    expect(parseValue('object', '3').ok).toBe(false);
    expect(parseValue('object', '{').ok).toBe(false);
  });
});
