/**
 * How the dashboard stays live. The organization's change feed (`src/live/`) invalidates the
 * queries each change affects, so while it is up nothing polls; while it is down (or this server
 * has none) every open query polls slowly. Refetch on window focus stays either way.
 */

/** How often an open query polls while the change feed is down. */
export const FALLBACK_POLL_MS = 30_000;

/** How often what the change feed does not carry (webhook deliveries, an endpoint's health) polls. */
export const POLL_INTERVAL_MS = 2500;

let feedUp = false;

/** Whether the change feed is connected now (the feed's provider says so). */
export function isFeedUp(): boolean {
  return feedUp;
}

export function setFeedUp(up: boolean): void {
  feedUp = up;
}

/** A `refetchInterval`: no polling while the feed is up, every `ms` while it is down. */
export const whenFeedDown =
  (ms: number = FALLBACK_POLL_MS) =>
  (): number | false =>
    feedUp ? false : ms;

/** The options every query of a change-fed resource spreads in. */
export const liveQuery = {
  refetchInterval: whenFeedDown(FALLBACK_POLL_MS),
  refetchOnWindowFocus: true,
} as const;

/** The options of a query the change feed says nothing about: it keeps polling. */
export const polledQuery = {
  refetchInterval: POLL_INTERVAL_MS,
  refetchOnWindowFocus: true,
} as const;
