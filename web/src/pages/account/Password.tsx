/**
 * Changing one's password: the current one, the new one twice. The server ends every other
 * session and answers with a new token for this one, so this browser stays signed in.
 */
import { Alert, Anchor, Button, Paper, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { notifications } from '@mantine/notifications';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { changePassword, useMe } from '../../api/auth';
import { ApiError, setToken } from '../../api/client';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { fieldError } from '../../lib/errors';
import { LinkSso } from './LinkSso';
import { TwoFactor } from './TwoFactor';

interface Values {
  currentPassword: string;
  newPassword: string;
  repeat: string;
}

export default function Password() {
  const me = useMe();
  const form = useForm<Values>({
    initialValues: { currentPassword: '', newPassword: '', repeat: '' },
    validate: {
      currentPassword: (v) => (v ? null : 'Enter your current password'),
      newPassword: (v, all) =>
        v.length < 10 ? 'Use at least 10 characters' : v.length > 256 ? 'Use at most 256 characters' : v === all.currentPassword ? 'Choose a password other than the current one' : null,
      repeat: (v, all) => (v === all.newPassword ? null : 'The two new passwords differ'),
    },
  });
  const m = useMutation({
    mutationFn: (v: Values) => changePassword({ currentPassword: v.currentPassword, newPassword: v.newPassword }),
    onSuccess: (s) => {
      // Other sessions are over; this one continues with the token the answer carries.
      setToken(s.token);
      form.reset();
      notifications.show({ message: 'Password changed', color: 'green' });
    },
  });
  const wrongCurrent = m.error instanceof ApiError && m.error.status === 401 ? 'This is not your current password' : undefined;
  const err = (f: keyof Values) => form.errors[f] ?? fieldError(m.error, f);
  return (
    <Stack maw={480}>
      <PageHeader title="Password" description={me.data?.user ? `For ${me.data.user.email}` : undefined} />
      {me.data?.token && <Alert color="gray">Signed in with an API token: tokens have no password.</Alert>}
      <Paper withBorder p="md">
        <form noValidate onSubmit={form.onSubmit((v) => m.mutate(v))}>
          <Stack>
            <PasswordInput label="Current password" autoComplete="current-password" required {...form.getInputProps('currentPassword')} error={err('currentPassword') ?? wrongCurrent} />
            <PasswordInput
              label="New password"
              description="At least 10 characters"
              autoComplete="new-password"
              required
              {...form.getInputProps('newPassword')}
              error={err('newPassword')}
            />
            <PasswordInput label="Repeat the new password" autoComplete="new-password" required {...form.getInputProps('repeat')} error={err('repeat')} />
            {!wrongCurrent && <ErrorAlert error={m.error} />}
            {m.isSuccess && (
              <Alert color="green" data-testid="password-changed">
                Your password has been changed. You stay signed in here; every other session (other browsers and devices) has been signed
                out.
              </Alert>
            )}
            <Button type="submit" loading={m.isPending} w="fit-content">
              Change password
            </Button>
          </Stack>
        </form>
      </Paper>
      <TwoFactor />
      <LinkSso />
      <Anchor component={Link} to="/" size="sm">
        Back to the dashboard
      </Anchor>
    </Stack>
  );
}
