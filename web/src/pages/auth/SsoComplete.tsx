import { Alert, Anchor, Button, Loader, Stack, TextInput } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../../api/client';
import { exchangeSso, ssoErrorMessage } from '../../api/sso';
import { useSession } from '../../auth/session';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';

/** What the callback put in the fragment (which no server sees): a ticket, or an error code. */
export function ssoResultFrom(hash: string): { ticket: string | null; error: string | null } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  return { ticket: p.get('ticket'), error: p.get('error') };
}

/** Where the identity provider's round trip ends: the ticket becomes a session, or the error is shown. */
export default function SsoComplete() {
  const { ticket, error } = ssoResultFrom(useLocation().hash);
  const { signedIn } = useSession();
  const navigate = useNavigate();
  const [code, setCode] = useState('');
  const m = useMutation({
    mutationFn: (c?: string) => exchangeSso({ ticket: ticket ?? '', ...(c ? { code: c } : {}) }),
    onSuccess: (s) => {
      signedIn(s.token);
      navigate(s.organization ? `/orgs/${encodeURIComponent(s.organization.id)}` : '/', { replace: true });
    },
  });
  // The ticket works once: exchange it once, even when React runs effects twice.
  const started = useRef(false);
  useEffect(() => {
    if (ticket && !started.current) {
      started.current = true;
      m.mutate(undefined);
    }
  }, [ticket, m]);
  const needCode = m.error instanceof ApiError && m.error.code === 'two_factor_required';
  const wrongCode = m.error instanceof ApiError && m.error.status === 401 && !needCode && code !== '';
  const back = (
    <Anchor component={Link} to="/signin/sso" w="fit-content">
      Try again
    </Anchor>
  );
  return (
    <AuthFrame title="Signing in with SSO">
      {error || !ticket ? (
        <Stack>
          <Alert color="red" role="alert" data-testid="sso-error" title="You are not signed in">
            {ssoErrorMessage(error ?? 'sso_failed')}
          </Alert>
          {back}
        </Stack>
      ) : needCode || wrongCode ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (code.trim()) m.mutate(code.trim());
          }}
        >
          <Stack>
            <TextInput
              label="Code from your authenticator app, or a recovery code"
              autoComplete="one-time-code"
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
              data-autofocus
            />
            {wrongCode && <ErrorAlert error={m.error} />}
            <Button type="submit" loading={m.isPending}>
              Sign in
            </Button>
          </Stack>
        </form>
      ) : m.error ? (
        <Stack>
          <Alert color="red" role="alert" data-testid="sso-error" title="You are not signed in">
            {m.error.message}
          </Alert>
          {back}
        </Stack>
      ) : (
        <Loader aria-label="Signing in" />
      )}
    </AuthFrame>
  );
}
