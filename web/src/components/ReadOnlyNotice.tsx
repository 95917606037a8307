import { Alert } from '@mantine/core';
import type { Role } from '../api/types';

/** Tells a member why the controls are disabled. */
export function ReadOnlyNotice({ role, need }: { role: Role | undefined; need: string }) {
  if (!role) return null;
  return (
    <Alert color="gray" variant="light" mb="md" data-testid="read-only">
      You are a {role} in this organization: you can look, but changing this needs the {need} role.
    </Alert>
  );
}
