import { Alert, Anchor, Button, PasswordInput, Stack, Text } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation } from '@tanstack/react-query';
import { Link, useLocation } from 'react-router';
import { resetPassword } from '../../api/auth';
import { ApiError } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AuthFrame } from './AuthFrame';

/** The token of a mailed link: it travels in the fragment, which no server sees. */
export function tokenFrom(hash: string): string | null {
  return new URLSearchParams(hash.replace(/^#/, '')).get('token');
}

/** Sets a new password from a mailed link. */
export default function ResetPassword() {
  const token = tokenFrom(useLocation().hash);
  const form = useForm({
    initialValues: { password: '', repeat: '' },
    validate: {
      password: (v) => (v.length >= 10 ? null : 'Use at least 10 characters'),
      repeat: (v, all) => (v === all.password ? null : 'The two passwords differ'),
    },
  });
  const m = useMutation({ mutationFn: (password: string) => resetPassword({ token: token ?? '', password }) });
  const gone = m.error instanceof ApiError && m.error.status === 404;
  return (
    <AuthFrame title="Set a new password">
      {!token ? (
        <Alert color="yellow" data-testid="reset-no-token">
          This link is incomplete: open the whole link from the mail, or{' '}
          <Anchor component={Link} to="/forgot-password">
            ask for a new one
          </Anchor>
          .
        </Alert>
      ) : m.isSuccess ? (
        <Alert color="green" title="Your password is set" data-testid="reset-done">
          Every session of your account has ended.{' '}
          <Anchor component={Link} to="/signin">
            Sign in with the new password
          </Anchor>
          .
        </Alert>
      ) : (
        <form onSubmit={form.onSubmit((v) => m.mutate(v.password))} noValidate>
          <Stack>
            <PasswordInput label="New password" autoComplete="new-password" required {...form.getInputProps('password')} />
            <PasswordInput label="The same again" autoComplete="new-password" required {...form.getInputProps('repeat')} />
            {gone ? (
              <Alert color="red" role="alert" data-testid="reset-gone">
                This link has expired or was used already.{' '}
                <Anchor component={Link} to="/forgot-password">
                  Ask for a new one
                </Anchor>
                .
              </Alert>
            ) : (
              <ErrorAlert error={m.error} />
            )}
            <Button type="submit" loading={m.isPending}>
              Set the password
            </Button>
          </Stack>
        </form>
      )}
      <Text size="sm">
        <Anchor component={Link} to="/signin">
          Back to sign in
        </Anchor>
      </Text>
    </AuthFrame>
  );
}
