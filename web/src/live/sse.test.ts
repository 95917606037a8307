import { describe, expect, it } from 'vitest';
import { type SseItem, SseParser } from './sse';

/** Feeds the chunks in order and returns everything they completed. */
function read(...chunks: string[]): SseItem[] {
  const p = new SseParser();
  return chunks.flatMap((c) => p.push(c));
}

const change = 'id: 00000000000000000042\nevent: change\ndata: {"id":"00000000000000000042"}\n\n';

describe('the server-sent events parser', () => {
  it('reads an event with its id, event name and data', () => {
    expect(read(change)).toEqual([{ kind: 'event', event: 'change', data: '{"id":"00000000000000000042"}', id: '00000000000000000042' }]);
  });

  it('reads an event split across chunks at any point', () => {
    for (let cut = 1; cut < change.length; cut++) {
      expect(read(change.slice(0, cut), change.slice(cut))).toEqual(read(change));
    }
  });

  it('dispatches nothing until the blank line that ends the event', () => {
    const p = new SseParser();
    expect(p.push('event: change\ndata: x\n')).toEqual([]);
    expect(p.push('\n')).toEqual([{ kind: 'event', event: 'change', data: 'x', id: '' }]);
  });

  it('joins several data lines with newlines', () => {
    expect(read('data: first\ndata: second\ndata:\n\n')).toEqual([{ kind: 'event', event: 'message', data: 'first\nsecond\n', id: '' }]);
  });

  it('reports comments, such as keep-alives, and does not dispatch them as events', () => {
    expect(read(': keep-alive\n\n')).toEqual([{ kind: 'comment', text: 'keep-alive' }]);
  });

  it('accepts CRLF and lone CR line ends, even a CRLF split between chunks', () => {
    const expected = [{ kind: 'event', event: 'change', data: 'x', id: '7' }];
    expect(read('id: 7\r\nevent: change\r\ndata: x\r\n\r\n')).toEqual(expected);
    expect(read('id: 7\revent: change\rdata: x\r\r')).toEqual(expected);
    expect(read('id: 7\r', '\nevent: change\r', '\ndata: x\r', '\n\r', '\n')).toEqual(expected);
  });

  it('keeps the last id for the events after it and for a reconnect', () => {
    const p = new SseParser();
    const items = p.push('id: 1\ndata: a\n\ndata: b\n\n');
    expect(items.map((i) => (i.kind === 'event' ? i.id : null))).toEqual(['1', '1']);
    expect(p.lastEventId).toBe('1');
  });

  it('takes the value after a colon with one leading space removed, and a field without a colon as empty', () => {
    expect(read('data:  two spaces\ndata\n\n')).toEqual([{ kind: 'event', event: 'message', data: ' two spaces\n', id: '' }]);
  });

  it('ignores unknown fields, ids with NUL and an event with no data', () => {
    expect(read('foo: bar\nid: a\0b\nevent: change\n\n')).toEqual([]);
  });

  it('reports a numeric retry and ignores any other', () => {
    expect(read('retry: 3000\nretry: soon\n')).toEqual([{ kind: 'retry', ms: 3000 }]);
  });

  it('drops an event cut short when the stream ends, and keeps its id', () => {
    const p = new SseParser();
    p.push('id: 9\ndata: half');
    p.end();
    expect(p.push('\n\n')).toEqual([]);
    expect(p.lastEventId).toBe('9');
  });

  it('skips a byte order mark at the start of the stream', () => {
    expect(read('\uFEFFdata: x\n\n')).toEqual([{ kind: 'event', event: 'message', data: 'x', id: '' }]);
  });
});
