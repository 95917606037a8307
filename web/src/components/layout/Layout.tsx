/**
 * The frame around every signed-in page: header with the pickers, navigation, content.
 * From 992 px the navigation stays open beside the page; below it a burger opens it as a drawer.
 * From 768 px the organization, project and environment pickers sit in the header; below it they
 * move to the top of the drawer, and the header keeps only the burger, the name and the account
 * menu, which fit any phone.
 */
import { Anchor, AppShell, Badge, Burger, Center, Divider, Group, Loader, NavLink, ScrollArea, Text, Title, useMantineTheme } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { Link, Outlet, useLocation } from 'react-router';
import { Suspense, useEffect } from 'react';
import { useActiveRequests } from '../../api/requests';
import { envPath, lastPlace, orgPath, rememberPlace, useScope } from '../../scope';
import { CommandPalette } from '../palette/CommandPalette';
import { Switchers } from './Switchers';
import { TwoFactorGate } from './TwoFactorGate';
import { VerifyEmailBanner } from './VerifyEmailBanner';
import { UserMenu } from './UserMenu';

interface NavItem {
  to: string;
  label: string;
  exact?: boolean;
  badge?: { n: number; label: string };
}

export function Layout() {
  const [opened, { toggle, close }] = useDisclosure();
  const theme = useMantineTheme();
  // Read at once (not after the first paint), so the pickers do not jump from one place to the other.
  const pickersInHeader = useMediaQuery(`(min-width: ${theme.breakpoints.sm})`, true, { getInitialValueInEffect: false });
  const navbarBeside = useMediaQuery(`(min-width: ${theme.breakpoints.md})`, true, { getInitialValueInEffect: false });
  // A closed drawer is only moved off-screen: hidden too, so that Tab and screen readers skip it.
  const drawerClosed = !navbarBeside && !opened;
  const scope = useScope();
  const { org, role } = scope;
  const loc = useLocation();
  // Whatever was picked or followed in the drawer, the page it opens is what the user wants to see.
  useEffect(close, [loc.pathname, close]);
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
        <a
          href="#main-content"
          className="skip-link"
          onClick={(e) => {
            e.preventDefault();
            document.getElementById('main-content')?.focus();
          }}
        >
          Skip to content
        </a>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap" gap="sm">
          <Group gap="sm" wrap="nowrap" miw={0}>
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="md"
              size="sm"
              aria-label="Toggle navigation"
              aria-expanded={opened}
              aria-controls="main-navigation"
            />
            <Anchor component={Link} to="/" underline="never" c="inherit" style={{ flexShrink: 0 }}>
              <Title order={4} component="span">
                Switchyard
              </Title>
            </Anchor>
            {pickersInHeader && <Switchers />}
          </Group>
          <Group gap="sm" wrap="nowrap">
            {role && (
              <Text size="xs" c="dimmed" visibleFrom="md" data-testid="my-role">
                {role}
              </Text>
            )}
            <UserMenu role={role} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar
        p="xs"
        aria-label="Main navigation"
        id="main-navigation"
        style={drawerClosed ? { visibility: 'hidden' } : undefined}
      >
        <ScrollArea>
          {!pickersInHeader && (
            <>
              <Switchers stacked />
              <Divider my="sm" />
            </>
          )}
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
      <AppShell.Main id="main-content" tabIndex={-1} style={{ outline: 'none' }}>
        {/* A page still loading (each loads on demand) keeps the header and navigation on screen. */}
        <Suspense
          fallback={
            <Center h={200}>
              <Loader aria-label="Loading" />
            </Center>
          }
        >
          {/* An organization that requires two-factor sign-in of an owner or admin without it: what to do, not the page. */}
          <VerifyEmailBanner />
          <TwoFactorGate org={org}>
            <Outlet />
          </TwoFactorGate>
        </Suspense>
        <CommandPalette />
      </AppShell.Main>
    </AppShell>
  );
}
