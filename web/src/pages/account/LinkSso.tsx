/**
 * Linking the signed-in account to an organization's single sign-on: the user signs in at the
 * organization's identity provider with this account's email, and from then on may sign in
 * either way. Only accounts a single sign-on made, or that their user linked, sign in through it.
 */
import { Button, Group, Paper, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useMe } from '../../api/auth';
import { linkSso } from '../../api/sso';
import { ErrorAlert } from '../../components/ErrorAlert';

export function LinkSso() {
  const me = useMe();
  const orgs = me.data?.memberships.map((m) => ({ value: m.organization.id, label: m.organization.name })) ?? [];
  const [org, setOrg] = useState<string | null>(null);
  const chosen = org ?? orgs[0]?.value ?? null;
  const link = useMutation({
    mutationFn: (id: string) => linkSso(id),
    onSuccess: ({ authorizationUrl }) => window.location.assign(authorizationUrl),
  });
  if (!me.data?.user || orgs.length === 0) return null;
  return (
    <Paper withBorder p="md" data-testid="link-sso">
      <Stack>
        <Title order={2} size="h5">
          Single sign-on
        </Title>
        <Text size="sm" c="dimmed">
          Sign in at your organization’s identity provider as {me.data.user.email} to use it for this account too. Your password keeps working.
        </Text>
        <Group align="flex-end">
          <Select label="Organization" data={orgs} value={chosen} onChange={setOrg} allowDeselect={false} w={260} />
          <Button variant="light" loading={link.isPending} disabled={!chosen} onClick={() => chosen && link.mutate(chosen)}>
            Link single sign-on
          </Button>
        </Group>
        <ErrorAlert error={link.error} />
      </Stack>
    </Paper>
  );
}
