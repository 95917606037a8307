/**
 * Keeps the signed-in pages live: one change feed per organization open in the URL. Each change
 * invalidates only the queries it affects (`affects`); after a reconnect everything is refreshed
 * once, since changes may have been missed; while the feed is down, queries poll slowly. Pages
 * subscribe to the changes themselves with `useLiveChanges` (to say who changed what).
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { getToken, seg } from '../api/client';
import { setFeedUp } from '../api/live';
import { useSession } from '../auth/session';
import { config } from '../config';
import { affects, type ChangeEvent } from './change';
import { type FeedStatus, openFeed } from './feed';
import { rearmPolling } from './polling';

type Listener = (c: ChangeEvent) => void;

interface LiveValue {
  status: FeedStatus;
  subscribe: (l: Listener) => () => void;
}

const LiveContext = createContext<LiveValue>({ status: 'stopped', subscribe: () => () => {} });

/** Where the feed of `org` is: `feedUrl` (in AWS the feed function's URL), else the API's origin (`serve`: this page's). */
export function feedUrl(org: string): string {
  const c = config();
  return `${c.feedUrl || c.apiBaseUrl}/api/v1/orgs/${seg(org)}/events`;
}

export function LiveProvider({ org, children }: { org: string; children: ReactNode }) {
  const { token } = useSession();
  const qc = useQueryClient();
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const listeners = useRef(new Set<Listener>());

  useEffect(() => {
    if (!org || !token) {
      setStatus('stopped');
      return;
    }
    setStatus('connecting');
    const feed = openFeed({
      url: feedUrl(org),
      token: getToken,
      onStatus: (s) => {
        setFeedUp(s === 'up');
        setStatus(s);
        rearmPolling(qc);
      },
      onReopen: () => void qc.invalidateQueries(),
      onChange: (c) => {
        void qc.invalidateQueries({ predicate: (q) => affects(c, org, q.queryKey) });
        for (const l of listeners.current) l(c);
      },
    });
    return () => {
      feed.close();
      setFeedUp(false);
      rearmPolling(qc);
    };
  }, [org, token, qc]);

  const subscribe = useCallback((l: Listener) => {
    listeners.current.add(l);
    return () => void listeners.current.delete(l);
  }, []);
  const value = useMemo<LiveValue>(() => ({ status, subscribe }), [status, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** The feed of the organization in the URL, around the signed-in pages. */
export function LiveFeed({ children }: { children: ReactNode }) {
  const { org = '' } = useParams();
  return <LiveProvider org={org}>{children}</LiveProvider>;
}

/** Whether the feed is up (`up`), being opened, retried, or given up (queries then poll). */
export function useFeedStatus(): FeedStatus {
  return useContext(LiveContext).status;
}

/** Calls `handler` with each change of the feed while the component is mounted. */
export function useLiveChanges(handler: Listener): void {
  const { subscribe } = useContext(LiveContext);
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe((c) => ref.current(c)), [subscribe]);
}
