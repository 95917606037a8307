import { Avatar, Menu, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { lazy, Suspense, useState } from 'react';
import { useNavigate } from 'react-router';
import { signOut, useMe } from '../../api/auth';
import type { Role } from '../../api/types';
import { useSession } from '../../auth/session';
import { passwordPath } from '../../scope';

// Loaded when first opened: the form library it uses is not needed for the first paint.
const NewOrgModal = lazy(() => import('./NewOrgModal').then((m) => ({ default: m.NewOrgModal })));

/** The account menu: who is signed in (and their role here), a new organization, sign out. */
export function UserMenu({ role }: { role?: Role }) {
  const me = useMe();
  const { signedOut } = useSession();
  const navigate = useNavigate();
  const [newOrg, setNewOrg] = useState(false);
  const user = me.data?.user;
  const initials = (user?.name || user?.email || '?').slice(0, 2).toUpperCase();

  async function doSignOut() {
    try {
      await signOut();
    } catch {
      // the session is dropped here either way
    }
    signedOut();
    navigate('/signin');
  }

  return (
    <>
      <Menu position="bottom-end" withinPortal>
        <Menu.Target>
          <UnstyledButton>
            {/* Named by this text, not by the initials beside it (which say nothing to a screen reader). */}
            <VisuallyHidden>Account menu</VisuallyHidden>
            <Avatar radius="xl" size="sm" color="indigo" aria-hidden>
              {initials}
            </Avatar>
          </UnstyledButton>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>
            <Text size="sm" fw={500}>
              {user?.name}
            </Text>
            <Text size="xs" c="dimmed">
              {user?.email}
            </Text>
            {role && (
              <Text size="xs" c="dimmed">
                Role here: {role}
              </Text>
            )}
          </Menu.Label>
          <Menu.Item onClick={() => setNewOrg(true)}>New organization…</Menu.Item>
          <Menu.Item onClick={() => navigate(passwordPath)}>Change password</Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={doSignOut}>Sign out</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      {newOrg && (
        <Suspense fallback={null}>
          <NewOrgModal opened onClose={() => setNewOrg(false)} />
        </Suspense>
      )}
    </>
  );
}
