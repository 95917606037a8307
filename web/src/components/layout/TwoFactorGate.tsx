/**
 * An organization that requires two-factor sign-in answers every request of an owner or admin
 * without it with 403 `two_factor_setup_required`. Rather than each page showing that refusal in
 * its own words, the frame watches the query cache and, once a request of the organization at hand
 * is refused so, shows what to do in place of the page: turn two-factor sign-in on.
 */
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useMe } from '../../api/auth';
import { needsTwoFactorSetup } from '../../lib/errors';
import { twoFactorPath } from '../../scope';
import { PageHeader } from '../PageHeader';

/** The page (`children`), or, while `org` refuses the caller for lack of two-factor sign-in, why and what to do. */
export function TwoFactorGate({ org, children }: { org: string; children: ReactNode }) {
  const qc = useQueryClient();
  const me = useMe();
  // The organization whose requests were refused for lack of two-factor sign-in.
  const [refused, setRefused] = useState<string | null>(null);
  useEffect(() => {
    if (!org) return;
    return qc.getQueryCache().subscribe((e) => {
      if (e.type === 'updated' && e.action.type === 'error' && needsTwoFactorSetup(e.action.error)) setRefused(org);
    });
  }, [qc, org]);
  // Turned on since (on the Password page): the pages load again.
  if (!org || refused !== org || me.data?.user?.twoFactor) return children;

  const membership = me.data?.memberships.find((m) => m.organization.id === org);
  const who = membership?.role === 'owner' ? 'an owner' : membership?.role === 'admin' ? 'an admin' : 'an owner or admin';
  const retry = () => {
    setRefused(null);
    // The pages ask again as they open; what stays on screen (the pickers) asks now.
    void qc.refetchQueries({ type: 'active', predicate: (q) => needsTwoFactorSetup(q.state.error) });
  };
  return (
    <Stack maw={640}>
      <PageHeader title="Two-factor sign-in required" description={membership?.organization.name} />
      <Alert color="orange" variant="light" title="Turn on two-factor sign-in to continue" data-testid="two-factor-setup-required">
        <Stack gap="sm">
          <Text size="sm">
            {membership?.organization.name ?? 'This organization'} requires two-factor sign-in for owners and admins. You are {who} here,
            so nothing in it opens until you turn it on for your account: add an authenticator app, then confirm a code from it.
          </Text>
          <Group gap="xs">
            <Button component={Link} to={twoFactorPath}>
              Turn on two-factor sign-in
            </Button>
            <Button variant="default" onClick={retry}>
              Try again
            </Button>
          </Group>
        </Stack>
      </Alert>
    </Stack>
  );
}
