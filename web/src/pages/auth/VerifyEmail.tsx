import { Alert, Anchor, Loader, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useLocation } from 'react-router';
import { verifyEmail } from '../../api/auth';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';
import { tokenFrom } from './ResetPassword';

/** Confirms the account's email with the token of the link mailed at signup, on opening. */
export default function VerifyEmail() {
  const token = tokenFrom(useLocation().hash);
  const m = useMutation({ mutationFn: verifyEmail });
  const { mutate } = m;
  // A token works once: send it once, even when an effect runs twice.
  const sent = useRef(false);
  useEffect(() => {
    if (token && !sent.current) {
      sent.current = true;
      mutate(token);
    }
  }, [token, mutate]);
  const gone = m.error instanceof ApiError && m.error.status === 404;
  return (
    <AuthFrame title="Confirm your email">
      {!token ? (
        <Alert color="yellow" data-testid="verify-no-token">
          This link is incomplete: open the whole link from the mail.
        </Alert>
      ) : m.isSuccess ? (
        <Alert color="green" title="Your email is confirmed" data-testid="verify-done">
          Thank you.{' '}
          <Anchor component={Link} to="/">
            Go to the dashboard
          </Anchor>
          .
        </Alert>
      ) : gone ? (
        <Alert color="red" role="alert" data-testid="verify-gone">
          This link has expired or was used already. Sign in and ask for a new one from the banner at the top.
        </Alert>
      ) : m.isError ? (
        <ErrorAlert error={m.error} />
      ) : (
        <Loader aria-label="Confirming" />
      )}
      <Text size="sm">
        <Anchor component={Link} to="/signin">
          Back to sign in
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
