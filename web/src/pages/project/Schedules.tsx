/** Scheduled changes of the project: every active request with a time, by day, and on a calendar. */
import { Anchor, Badge, Button, Grid, Group, Paper, Stack, Text, Title } from '@mantine/core';
import dayjs from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router';
import { useMembers } from '../../api/orgs';
import { useActiveRequests } from '../../api/requests';
import type { ChangeRequest, Environment, Member } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { StatusBadge } from '../../components/requests/Badges';
import { ScheduleCalendar } from '../../components/requests/ScheduleCalendar';
import { actorName } from '../../lib/format';
import { byDay, relative } from '../../lib/requests/schedule';
import { approvalsText, requestEnvironmentIds } from '../../lib/requests/status';
import { requestPath, useScope } from '../../scope';

/** What will happen at its time, in words. */
function outlook(r: ChangeRequest): { text: string; color: string } {
  if (r.status === 'approved') return { text: 'will apply', color: 'teal' };
  if (r.status === 'conflicted') return { text: 'will not apply: refresh it', color: 'orange' };
  return { text: `needs approval first (${approvalsText(r)})`, color: 'yellow' };
}

function Day({ day, requests, members, environments, pathOf }: { day: string; requests: ChangeRequest[]; members: Member[] | undefined; environments: Environment[]; pathOf: (id: string) => string }) {
  const envName = (id: string) => environments.find((e) => e.id === id)?.name ?? 'an environment';
  return (
    <Stack gap="xs" data-testid="schedule-day">
      <Title order={2} size="h6">
        {dayjs(day).format('dddd D MMMM YYYY')}
      </Title>
      {requests.map((r) => {
        const o = outlook(r);
        return (
          <Paper key={r.id} withBorder p="sm" data-testid="scheduled-request">
            <Group justify="space-between" wrap="wrap" gap="xs">
              <Group gap="sm" wrap="nowrap">
                <Text fw={700} ff="monospace">
                  {dayjs(r.scheduledAt!).format('HH:mm')}
                </Text>
                <Stack gap={0}>
                  <Anchor component={Link} to={pathOf(r.id)} fw={600}>
                    {r.title}
                  </Anchor>
                  <Text size="xs" c="dimmed">
                    {actorName(r.author, members)} · {requestEnvironmentIds(r).map(envName).join(', ') || 'no environment'} · {relative(r.scheduledAt!)}
                  </Text>
                </Stack>
              </Group>
              <Group gap="xs">
                <StatusBadge status={r.status} />
                <Badge variant="dot" color={o.color}>
                  {o.text}
                </Badge>
              </Group>
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}

export default function Schedules() {
  const { org, project, envKey, environments } = useScope();
  const active = useActiveRequests(project);
  const members = useMembers(org);
  const [selected, setSelected] = useState<string | null>(null);
  const days = byDay(active.items);
  const counts = new Map([...days].map(([d, rs]) => [d, rs.length]));
  const shown = [...days].filter(([d]) => !selected || d === selected);
  return (
    <Stack>
      <PageHeader title="Schedules" description="Change requests that apply by themselves at a time, earliest first. An approved one applies then; one still waiting for approval fails." />
      <ErrorAlert error={active.error} />
      <Grid gap="lg">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack>
            {selected && (
              <Group>
                <Text size="sm">Only {dayjs(selected).format('D MMMM YYYY')}</Text>
                <Button size="xs" variant="subtle" onClick={() => setSelected(null)}>
                  Show every day
                </Button>
              </Group>
            )}
            {active.loaded && shown.length === 0 && (
              <Text c="dimmed" data-testid="no-schedules">
                {selected ? 'Nothing is scheduled that day.' : 'Nothing is scheduled. Schedule a change from a flag page (“Schedule…”) or give a change request a time.'}
              </Text>
            )}
            {shown.map(([day, rs]) => (
              <Day key={day} day={day} requests={rs} members={members.data} environments={environments} pathOf={(id) => requestPath(org, project, envKey, id)} />
            ))}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Paper withBorder p="md" w="fit-content">
            <ScheduleCalendar counts={counts} selected={selected} onSelect={setSelected} />
          </Paper>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
