/**
 * The signed-in session: a bearer token kept in localStorage, dropped on sign-out or a 401. A
 * token lasts 30 minutes; while its user is active (a click or a key in the last interval) the
 * page renews it every few minutes, so an idle session ends and an active one runs to its
 * 12-hour limit.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { Navigate, useLocation } from 'react-router';
import { renewSession } from '../api/auth';
import { getToken, onUnauthorized, setToken } from '../api/client';

/** How often an active page renews its token (the server ends a token after 30 minutes). */
export const RENEW_EVERY_MS = 5 * 60 * 1000;

interface SessionValue {
  token: string | null;
  /** Why the last session ended, when it ended on its own (shown on the sign-in page). */
  ended: string | null;
  signedIn: (token: string) => void;
  signedOut: (reason?: string) => void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setTokenState] = useState<string | null>(() => getToken());
  const [ended, setEnded] = useState<string | null>(null);
  const qc = useQueryClient();

  const signedIn = useCallback(
    (t: string) => {
      qc.clear();
      setToken(t);
      setEnded(null);
      setTokenState(t);
    },
    [qc],
  );
  const signedOut = useCallback(
    (reason?: string) => {
      setToken(null);
      setTokenState(null);
      setEnded(reason ?? null);
      qc.clear();
    },
    [qc],
  );

  useEffect(() => onUnauthorized(() => signedOut('Your session has ended. Please sign in again.')), [signedOut]);

  useEffect(() => {
    if (!token) return;
    let active = false;
    const mark = () => {
      active = true;
    };
    const events = ['pointerdown', 'keydown'] as const;
    events.forEach((e) => window.addEventListener(e, mark, { passive: true }));
    const timer = window.setInterval(() => {
      if (!active) return;
      active = false;
      // The next request (and the live feed's next connection) reads the renewed token; a 401
      // here signs out through onUnauthorized.
      renewSession().then(
        (s) => setToken(s.token),
        () => undefined,
      );
    }, RENEW_EVERY_MS);
    return () => {
      events.forEach((e) => window.removeEventListener(e, mark));
      window.clearInterval(timer);
    };
  }, [token]);

  const value = useMemo(() => ({ token, ended, signedIn, signedOut }), [token, ended, signedIn, signedOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

/** Sends visitors without a session to the sign-in page, and back here after. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { token } = useSession();
  const loc = useLocation();
  if (!token) {
    const next = encodeURIComponent(loc.pathname + loc.search);
    return <Navigate to={`/signin?next=${next}`} replace />;
  }
  return <>{children}</>;
}
