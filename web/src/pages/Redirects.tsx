/** Pages that only decide where to go: the first organization, project and environment. */
import { Button, Center, Loader, Stack, Text } from '@mantine/core';
import { Link, Navigate, useParams } from 'react-router';
import { useMe } from '../api/auth';
import { useEnvironments, useProjects } from '../api/projects';
import { ErrorAlert } from '../components/ErrorAlert';
import { envPath, lastPlace, orgPath, requestPath } from '../scope';

const spinner = (
  <Center h={200}>
    <Loader aria-label="Loading" />
  </Center>
);

export function RootRedirect() {
  const me = useMe();
  if (me.error) return <ErrorAlert error={me.error} />;
  if (!me.data) return spinner;
  const first = me.data.memberships[0];
  if (!first) {
    return (
      <Center h={300}>
        <Stack align="center">
          <Text>You do not belong to any organization yet.</Text>
          <Text size="sm" c="dimmed">
            Create one from the account menu, or open an invitation link you received.
          </Text>
        </Stack>
      </Center>
    );
  }
  return <Navigate to={orgPath(first.organization.id)} replace />;
}

export function OrgHome() {
  const { org = '' } = useParams();
  const projects = useProjects(org);
  if (projects.error) return <ErrorAlert error={projects.error} />;
  if (!projects.data) return spinner;
  const first = projects.data.items[0];
  if (!first) return <Navigate to={`${orgPath(org)}/projects`} replace />;
  return <Navigate to={`${orgPath(org)}/projects/${first.id}`} replace />;
}

export function ProjectHome() {
  const { org = '', project = '' } = useParams();
  const envs = useEnvironments(project);
  if (envs.error) return <ErrorAlert error={envs.error} />;
  if (!envs.data) return spinner;
  const first = envs.data[0];
  if (!first) {
    return (
      <Stack>
        <Text>This project has no environments.</Text>
        <Button component={Link} to={`${orgPath(org)}/projects`} w="fit-content">
          Back to projects
        </Button>
      </Stack>
    );
  }
  return <Navigate to={`${envPath(org, project, first.key)}/flags`} replace />;
}

/**
 * A change request by its project alone (as the audit log links to it): opened in the
 * environment last used in that project, else its first.
 */
export function RequestRedirect() {
  const { org = '', project = '', request = '' } = useParams();
  const envs = useEnvironments(project);
  if (envs.error) return <ErrorAlert error={envs.error} />;
  if (!envs.data) return spinner;
  const last = lastPlace(org);
  const envKey = last?.project === project && envs.data.some((e) => e.key === last.envKey) ? last.envKey : envs.data[0]?.key;
  if (!envKey) return <Navigate to={`${orgPath(org)}/projects`} replace />;
  return <Navigate to={requestPath(org, project, envKey, request)} replace />;
}
