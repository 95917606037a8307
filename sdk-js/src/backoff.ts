/**
 * Reconnect delays: exponential backoff with full jitter. The n-th attempt waits a random time in
 * [0, min(max, base·2ⁿ)], so a fleet of clients that lost one server spreads its reconnects evenly.
 */
export class Backoff {
  private attempt = 0;

  constructor(
    private random: () => number = Math.random,
    private base = 1000,
    private max = 30000,
  ) {}

  next(): number {
    const cap = Math.min(this.max, this.base * 2 ** this.attempt);
    if (cap < this.max) this.attempt++;
    return Math.floor(this.random() * cap);
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** A connection that stayed up this long resets the backoff. */
export const RESET_AFTER = 60000;
