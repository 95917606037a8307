type Listener = (...args: any[]) => void;

/** A small event emitter; a listener that throws never breaks the others or the client. */
export class Emitter {
  private listeners: Record<string, Listener[]> = {};

  on(event: string, fn: Listener): () => void {
    (this.listeners[event] = this.listeners[event] || []).push(fn);
    return () => this.off(event, fn);
  }

  off(event: string, fn: Listener): void {
    const l = this.listeners[event];
    if (l) this.listeners[event] = l.filter((f) => f !== fn);
  }

  emit(event: string, ...args: unknown[]): void {
    for (const fn of this.listeners[event] || []) {
      try {
        fn(...args);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  }
}
