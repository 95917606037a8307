import { Alert } from '@mantine/core';
import type { Role } from '../../api/types';

/** Why a member below admin sees no webhooks (the API answers them 403). */
export function AdminOnly({ role }: { role: Role }) {
  return (
    <Alert color="gray" variant="light" data-testid="read-only">
      You are {/^[aeiou]/.test(role) ? 'an' : 'a'} {role} in this organization: webhooks are seen and managed by admins and owners.
    </Alert>
  );
}
