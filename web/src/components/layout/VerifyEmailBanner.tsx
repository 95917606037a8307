/**
 * Until the signed-in user confirms the email (the link mailed at signup), a banner says so and
 * offers a new link: an unconfirmed account cannot invite anyone.
 */
import { Alert, Button, Group, Text } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { sendVerification, useMe } from '../../api/auth';
import { ErrorAlert } from '../ErrorAlert';

export function VerifyEmailBanner() {
  const me = useMe();
  const send = useMutation({ mutationFn: sendVerification });
  const user = me.data?.user;
  if (!user || user.emailVerified !== false) return null;
  return (
    <Alert color="yellow" mb="md" data-testid="verify-banner" title="Confirm your email">
      <Group justify="space-between" wrap="wrap">
        <Text size="sm">
          We mailed a link to <b>{user.email}</b>. Until you open it, you cannot invite anyone.
        </Text>
        {send.isSuccess ? (
          <Text size="sm" data-testid="verify-sent">
            A new link is on its way.
          </Text>
        ) : (
          <Button size="xs" variant="light" loading={send.isPending} onClick={() => send.mutate()}>
            Mail me a new link
          </Button>
        )}
      </Group>
      <ErrorAlert error={send.error} />
    </Alert>
  );
}
