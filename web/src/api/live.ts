/** How the dashboard stays live: every open query polls the API and refetches on focus. */
export const LIVE_INTERVAL_MS = 2500;

export const liveQuery = {
  refetchInterval: LIVE_INTERVAL_MS,
  refetchOnWindowFocus: true,
} as const;
