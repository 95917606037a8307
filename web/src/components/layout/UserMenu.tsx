import { Avatar, Menu, Text, UnstyledButton } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { signOut, useMe } from '../../api/auth';
import { useSession } from '../../auth/session';
import { NewOrgModal } from './NewOrgModal';

export function UserMenu() {
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
          <UnstyledButton aria-label="Account menu">
            <Avatar radius="xl" size="sm" color="indigo">
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
          </Menu.Label>
          <Menu.Item onClick={() => setNewOrg(true)}>New organization…</Menu.Item>
          <Menu.Item onClick={() => navigate('/account/password')}>Change password</Menu.Item>
          <Menu.Divider />
          <Menu.Item onClick={doSignOut}>Sign out</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <NewOrgModal opened={newOrg} onClose={() => setNewOrg(false)} />
    </>
  );
}
