/** The frame around every signed-in page: header with the pickers, navigation, content. */
import { Anchor, AppShell, Badge, Burger, Group, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { useEffect } from 'react';
import { useActiveRequests } from '../../api/requests';
import { envPath, lastPlace, orgPath, rememberPlace, useScope } from '../../scope';
import { CommandPalette } from '../palette/CommandPalette';
import { Switchers } from './Switchers';
import { UserMenu } from './UserMenu';

interface NavItem {
  to: string;
  label: string;
  exact?: boolean;
  badge?: { n: number; label: string };
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const scope = useScope();
  const { org, role } = scope;
  const loc = useLocation();
  useEffect(() => {
    if (scope.org && scope.project && scope.envKey) rememberPlace(scope.org, scope.project, scope.envKey);
  }, [scope.org, scope.project, scope.envKey]);
  // Outside a project (members, tokens, webhooks, audit), the project last opened stays one click away.
  const place = scope.project && scope.envKey ? { project: scope.project, envKey: scope.envKey } : org ? lastPlace(org) : null;
  // Requests waiting for a review or to be applied, in the project at hand.
  const active = useActiveRequests(place?.project, { interval: 10_000 });
  const waiting = active.items.filter((r) => r.status === 'open' || r.status === 'approved').length;
  const projectLinks: NavItem[] = place
    ? [
        { to: `${envPath(org, place.project, place.envKey)}/flags`, label: 'Flags' },
        { to: `${envPath(org, place.project, place.envKey)}/segments`, label: 'Segments' },
        {
          to: `${envPath(org, place.project, place.envKey)}/requests`,
          label: 'Change requests',
          badge: waiting > 0 ? { n: waiting, label: `${waiting} open or approved` } : undefined,
        },
        { to: `${envPath(org, place.project, place.envKey)}/schedules`, label: 'Schedules' },
        { to: `${envPath(org, place.project, place.envKey)}/environments`, label: 'Environments & SDK keys' },
        { to: `${envPath(org, place.project, place.envKey)}/analytics`, label: 'Analytics' },
      ]
    : [];
  const orgLinks: NavItem[] = org
    ? [
        { to: `${orgPath(org)}/projects`, label: 'Projects', exact: true },
        { to: `${orgPath(org)}/members`, label: 'Members' },
        { to: `${orgPath(org)}/tokens`, label: 'API tokens' },
        { to: `${orgPath(org)}/webhooks`, label: 'Webhooks' },
        { to: `${orgPath(org)}/audit`, label: 'Audit log' },
        { to: `${orgPath(org)}/settings`, label: 'Settings' },
      ]
    : [];
  const link = (l: NavItem) => (
    <NavLink
      key={l.to}
      component={Link}
      to={l.to}
      label={l.label}
      rightSection={
        l.badge ? (
          <Badge size="sm" circle color="violet" aria-label={l.badge.label} data-testid="requests-badge">
            {l.badge.n}
          </Badge>
        ) : undefined
      }
      active={loc.pathname === l.to || (!l.exact && loc.pathname.startsWith(l.to + '/'))}
      onClick={close}
    />
  );

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 220, breakpoint: 'md', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Toggle navigation" />
            <Anchor component={Link} to="/" underline="never" c="inherit" visibleFrom="sm">
              <Title order={4}>Switchyard</Title>
            </Anchor>
            <Switchers />
          </Group>
          <Group gap="sm" wrap="nowrap">
            {role && (
              <Text size="xs" c="dimmed" visibleFrom="sm" data-testid="my-role">
                {role}
              </Text>
            )}
            <UserMenu />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main navigation">
        <ScrollArea>
          {projectLinks.length > 0 && (
            <Text size="xs" c="dimmed" fw={600} px="sm" pt="xs" pb={4}>
              PROJECT
            </Text>
          )}
          {projectLinks.map(link)}
          {orgLinks.length > 0 && (
            <Text size="xs" c="dimmed" fw={600} px="sm" pt="md" pb={4}>
              ORGANIZATION
            </Text>
          )}
          {orgLinks.map(link)}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <Outlet />
        <CommandPalette />
      </AppShell.Main>
    </AppShell>
  );
}
