/**
 * Whether the organization requires two-factor sign-in of its owners and admins. Only an owner
 * changes it, and only one who has it on: the API refuses anyone else (403).
 */
import { Anchor, Stack, Switch, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { setRequireTwoFactor } from '../../api/orgs';
import type { Organization, Role } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { twoFactorPath } from '../../scope';

export function RequireTwoFactor({ org, role, twoFactor }: { org: Organization; role: Role | undefined; twoFactor: boolean }) {
  const qc = useQueryClient();
  const m = useMutation({
    mutationFn: (on: boolean) => setRequireTwoFactor(org.id, on),
    onSuccess: async (saved) => {
      await qc.invalidateQueries({ queryKey: ['me'] });
      notifications.show({
        message: saved.requireTwoFactor ? 'Owners and admins now need two-factor sign-in' : 'Two-factor sign-in is no longer required',
        color: 'green',
      });
    },
  });
  const owner = role === 'owner';
  const checked = m.isPending ? !!m.variables : !!org.requireTwoFactor;
  return (
    <Stack gap="xs">
      <Switch
        label="Require two-factor sign-in for owners and admins"
        description="Owners and admins without it cannot open this organization until they turn it on. Editors and viewers are not asked."
        checked={checked}
        disabled={!owner || !twoFactor || m.isPending}
        onChange={(e) => m.mutate(e.currentTarget.checked)}
      />
      {!owner ? (
        <Text size="sm" c="dimmed" data-testid="require-two-factor-hint">
          Only an owner changes this.
        </Text>
      ) : (
        !twoFactor && (
          <Text size="sm" c="dimmed" data-testid="require-two-factor-hint">
            Turn on two-factor sign-in for your own account first, on the{' '}
            <Anchor component={Link} to={twoFactorPath}>
              Password page
            </Anchor>
            .
          </Text>
        )
      )}
      <ErrorAlert error={m.error} />
    </Stack>
  );
}
