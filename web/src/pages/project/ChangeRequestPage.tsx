/** One change request: what it proposes, where it stands, its reviews and comments, and what the viewer can do. */
import { Alert, Anchor, Breadcrumbs, Center, Grid, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { Link, useParams } from 'react-router';
import { useMe } from '../../api/auth';
import { useMembers } from '../../api/orgs';
import { useRequest } from '../../api/requests';
import type { Me } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { StatusBadge } from '../../components/requests/Badges';
import { ChangeView } from '../../components/requests/ChangeView';
import { EditRequest } from '../../components/requests/EditRequest';
import { RequestComments } from '../../components/requests/RequestComments';
import { ReviewList } from '../../components/requests/ReviewList';
import { ReviewPanel } from '../../components/requests/ReviewPanel';
import { ScheduleEditor } from '../../components/requests/ScheduleEditor';
import { actorName, ago, dateTime } from '../../lib/format';
import { isActive, requestActions } from '../../lib/requests/permissions';
import { approvalsText, policyText, requestEnvironmentIds } from '../../lib/requests/status';
import { requestsPath, useScope } from '../../scope';

/** The signed-in caller as an actor (`user:ID`, or `token:ID` for an API token). */
const actorOf = (me: Me | undefined) => (me?.user ? `user:${me.user.id}` : me?.token ? `token:${me.token}` : null);

export default function ChangeRequestPage() {
  const { request: id = '' } = useParams();
  const { org, project, envKey, environments, role } = useScope();
  const req = useRequest(project, id);
  const me = useMe();
  const members = useMembers(org);
  const listPath = requestsPath(org, project, envKey);
  if (req.error) return <ErrorAlert error={req.error} />;
  if (!req.data) {
    return (
      <Center h={200}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  const r = req.data;
  const viewer = { actor: actorOf(me.data), role };
  const can = requestActions(r, viewer);
  const envName = (e: string) => environments.find((x) => x.id === e)?.name ?? 'an environment';
  const who = (a: string | null | undefined) => (a ? actorName(a, members.data) : 'someone');
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={listPath}>
          Change requests
        </Anchor>
        <Text>{r.title}</Text>
      </Breadcrumbs>
      <Stack gap={4}>
        <Group gap="xs">
          <Title order={1} size="h2">
            {r.title}
          </Title>
          <StatusBadge status={r.status} />
          {can.edit && <EditRequest project={project} request={r} members={members.data} />}
        </Group>
        <Text size="sm" c="dimmed">
          Proposed by {who(r.author)} <span title={dateTime(r.createdAt)}>{ago(r.createdAt)}</span>
          {requestEnvironmentIds(r).length > 0 && ` · ${requestEnvironmentIds(r).map(envName).join(', ')}`}
          {` · revision ${r.revision}`}
        </Text>
      </Stack>
      {r.problem && (r.status === 'conflicted' || r.status === 'failed') && (
        <Alert color={r.status === 'failed' ? 'red' : 'orange'} title={r.status === 'failed' ? 'It could not apply' : 'Conflicted'} role="alert" data-testid="request-problem">
          {r.problem.charAt(0).toUpperCase() + r.problem.slice(1)}.
          {r.status === 'conflicted' && ' Refresh it onto what is stored now, have it reviewed again, then apply it.'}
        </Alert>
      )}
      {r.status === 'applied' && (
        <Alert color="green" title="Applied" data-testid="request-applied">
          Applied by {who(r.appliedBy)}
          {r.appliedAt ? ` ${ago(r.appliedAt)} (${dateTime(r.appliedAt)})` : ''}.
          {r.bypass && ` Without its approvals, by ${who(r.bypass.by)}: “${r.bypass.reason}”.`}
        </Alert>
      )}
      {r.description && (
        <Text style={{ whiteSpace: 'pre-wrap' }} data-testid="request-description">
          {r.description}
        </Text>
      )}
      <Grid gap="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack>
            <Title order={2} size="h4">
              Changes ({r.changes.length})
            </Title>
            {!isActive(r) && (
              <Text size="sm" c="dimmed">
                What it proposed. {r.status === 'applied' ? 'Each change it made is in the audit log with its before and after.' : ''}
              </Text>
            )}
            {r.changes.map((c, i) => (
              <ChangeView key={i} c={c} project={project} environments={environments} live={isActive(r)} />
            ))}
            <Title order={2} size="h4">
              Comments
            </Title>
            <RequestComments project={project} request={r} members={members.data} canComment={can.comment} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Stack>
            <ReviewPanel project={project} request={r} viewer={viewer} />
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Title order={2} size="h5">
                  Approvals {approvalsText(r) !== 'not needed' && <span data-testid="approvals-count">{approvalsText(r)}</span>}
                </Title>
                <Text size="sm" c="dimmed" data-testid="request-policy">
                  {r.policy
                    ? `${policyText(r.policy)}, never from the author${r.policy.ownerBypass ? '; owners may apply without them, giving a reason' : ''}.`
                    : 'No environment it changes requires approval.'}
                </Text>
                <ReviewList request={r} members={members.data} />
              </Stack>
            </Paper>
            <Paper withBorder p="md">
              <Stack gap="xs">
                <Title order={2} size="h5">
                  Schedule
                </Title>
                <ScheduleEditor key={`${r.id}/${r.version}`} project={project} request={r} canEdit={can.edit} />
              </Stack>
            </Paper>
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
