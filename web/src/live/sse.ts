/**
 * Server-Sent Events, read as the HTML standard's "event stream interpretation" says: text in
 * chunks of any size (an event, a line, even a CRLF may be split between two), lines ended by
 * CRLF, LF or CR, `field: value` lines, `:` comments, and a blank line that dispatches the event.
 * `EventSource` cannot send an `Authorization` header, so the feed reads the stream with `fetch`
 * and parses it here.
 */

/** One dispatched event. `id` is the last event id seen so far (ids persist across events). */
export interface SseEvent {
  kind: 'event';
  /** The `event:` field; `message` when absent. */
  event: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  id: string;
}

/** A comment line (`: keep-alive`), without its colon and one leading space. */
export interface SseComment {
  kind: 'comment';
  text: string;
}

/** A `retry:` field: the reconnection time the server asks for, in milliseconds. */
export interface SseRetry {
  kind: 'retry';
  ms: number;
}

export type SseItem = SseEvent | SseComment | SseRetry;

export class SseParser {
  private buf = '';
  private started = false;
  /** The last chunk ended with CR: an LF starting the next one belongs to that line end. */
  private skipLf = false;
  private data: string[] = [];
  private event = '';
  private id = '';

  /** The last event id seen (sent back as `Last-Event-ID` on a reconnect). */
  get lastEventId(): string {
    return this.id;
  }

  /** Forgets the last event id (the server refused it): the next connection starts at "now". */
  forgetId(): void {
    this.id = '';
  }

  /** Reads one chunk of the stream; returns what it completed, in order. */
  push(chunk: string): SseItem[] {
    if (!chunk) return [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipLf && text.startsWith('\n')) text = text.slice(1);
    this.skipLf = false;
    const buf = this.buf + text;
    const out: SseItem[] = [];
    let start = 0;
    for (let i = 0; i < buf.length; i++) {
      const c = buf[i];
      if (c !== '\r' && c !== '\n') continue;
      this.line(buf.slice(start, i), out);
      if (c === '\r') {
        if (i + 1 < buf.length) {
          if (buf[i + 1] === '\n') i++;
        } else {
          this.skipLf = true;
        }
      }
      start = i + 1;
    }
    this.buf = buf.slice(start);
    return out;
  }

  /**
   * The stream ended: an event without its closing blank line is dropped, as the standard says
   * (it may be cut short). The last event id is kept for the reconnect.
   */
  end(): void {
    this.buf = '';
    this.skipLf = false;
    this.data = [];
    this.event = '';
  }

  private line(line: string, out: SseItem[]): void {
    if (line === '') {
      if (this.data.length > 0) out.push({ kind: 'event', event: this.event || 'message', data: this.data.join('\n'), id: this.id });
      this.data = [];
      this.event = '';
      return;
    }
    if (line.startsWith(':')) {
      out.push({ kind: 'comment', text: stripSpace(line.slice(1)) });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : stripSpace(line.slice(colon + 1));
    switch (field) {
      case 'event':
        this.event = value;
        break;
      case 'data':
        this.data.push(value);
        break;
      case 'id':
        if (!value.includes('\0')) this.id = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) out.push({ kind: 'retry', ms: Number(value) });
        break;
      default:
      // unknown fields are ignored
    }
  }
}

const stripSpace = (s: string) => (s.startsWith(' ') ? s.slice(1) : s);
