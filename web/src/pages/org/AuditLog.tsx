/**
 * The organization's audit log: each recorded change as a sentence, newest first, filtered by
 * project, environment, who, flag and days (kept in the URL, so a filtered view can be shared),
 * with the one change a link names (`?change={id}`) open above it.
 */
import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useParams, useSearchParams } from 'react-router';
import { useAudit } from '../../api/audit';
import { useEnvironmentNames } from '../../api/environmentNames';
import { useMembers, useTokens } from '../../api/orgs';
import { useEnvironments, useProjects } from '../../api/projects';
import { AuditList } from '../../components/AuditList';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { apiFilter, filtersFromParams, filterSummary, hasFilters, type LogFilters, withFilters, withoutFilters } from '../../lib/audit';
import { atLeast } from '../../lib/roles';
import { useRole } from '../../scope';
import { actorOptions, AuditLogFilters } from './AuditLogFilters';
import { LinkedChange } from './AuditLogLinked';

export default function AuditLog() {
  const { org = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const change = params.get('change')?.trim() || null;
  const clearChange = () =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      next.delete('change');
      return next;
    });
  const f = useMemo(() => filtersFromParams(params), [params]);
  const set = (changes: Partial<LogFilters>) => setParams((p) => withFilters(p, changes), { replace: true });
  const role = useRole(org);
  const members = useMembers(org);
  const tokens = useTokens(org, atLeast(role, 'admin'));
  const projects = useProjects(org);
  const environments = useEnvironments(f.project);
  const envId = f.environment ? environments.data?.find((e) => e.key === f.environment)?.id : undefined;
  // An environment named in the URL is asked for by its id: wait for it, and never ask without it.
  const waiting = !!f.environment && !envId;
  const audit = useAudit(org, apiFilter(f, envId), { keepPrevious: true, enabled: !waiting });
  const envName = useEnvironmentNames(audit.entries.map((e) => e.projectId));
  const projectList = projects.data?.items ?? [];
  const projectName = (id: string) => projectList.find((p) => p.id === id)?.name;
  const actors = actorOptions(members.data, tokens.data, f.actor);
  const summary = filterSummary(f, {
    project: projectName,
    environment: (key) => environments.data?.find((e) => e.key === key)?.name,
    actor: (a) => actors.find((o) => o.value === a)?.label,
  });
  const envMissing = !!f.environment && !!environments.data && !envId;
  return (
    <Stack>
      <PageHeader title="Audit log" description="The changes recorded in this organization, newest first: who did what, where and when. Open one to see what it changed." />
      {change && <LinkedChange org={org} id={change} members={members.data} onClear={clearChange} />}
      <AuditLogFilters f={f} set={set} projects={projectList} environments={environments.data} actors={actors} />
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Text size="sm" fw={500} data-testid="audit-summary">
          {summary}
        </Text>
        {hasFilters(f) && (
          <Button variant="subtle" size="xs" onClick={() => setParams((p) => withoutFilters(p), { replace: true })}>
            Clear filters
          </Button>
        )}
      </Group>
      {envMissing && (
        <Alert color="yellow" variant="light" role="status" data-testid="audit-env-missing">
          This project has no environment “{f.environment}”: choose another, or clear the filter.
        </Alert>
      )}
      <ErrorAlert error={audit.error} />
      {audit.loaded && !waiting && (
        <AuditList
          entries={audit.entries}
          members={members.data}
          envName={envName}
          projectName={!f.project && projectList.length > 1 ? projectName : undefined}
          empty={
            audit.hasMore
              ? 'Nothing matches in the entries read so far: load older entries to look further back.'
              : hasFilters(f)
                ? 'No recorded change matches these filters.'
                : 'Nothing recorded yet.'
          }
        />
      )}
      {audit.hasMore && !waiting && (
        <Button variant="default" onClick={audit.loadMore} loading={audit.loadingMore} w="fit-content">
          Load older entries
        </Button>
      )}
    </Stack>
  );
}
