/**
 * Polling follows the feed: queries spread `liveQuery` (`src/api/live.ts`), whose interval reads
 * whether the feed is up. React Query computes an interval when a query is set up or updated, so
 * when the feed comes up or goes down every mounted query is asked to compute it again now.
 */
import type { QueryClient } from '@tanstack/react-query';

export function rearmPolling(qc: QueryClient): void {
  for (const q of qc.getQueryCache().getAll()) {
    for (const o of q.observers) o.setOptions(o.options);
  }
}
