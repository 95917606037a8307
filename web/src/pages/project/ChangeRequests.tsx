/** The project's change requests, by status, newest first. */
import { Badge, Button, Stack, Tabs, Text } from '@mantine/core';
import { useSearchParams } from 'react-router';
import { useMembers } from '../../api/orgs';
import { useActiveRequests, useRequests } from '../../api/requests';
import { REQUEST_STATUSES, type RequestStatus } from '../../api/types';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { RequestsTable } from '../../components/requests/RequestsTable';
import { requestPath, useScope } from '../../scope';

const TABS: (RequestStatus | 'all')[] = [...REQUEST_STATUSES, 'all'];

export default function ChangeRequests() {
  const { org, project, envKey, environments } = useScope();
  const [params, setParams] = useSearchParams();
  const tab = (TABS as string[]).includes(params.get('status') ?? '') ? (params.get('status') as RequestStatus | 'all') : 'open';
  const list = useRequests(project, tab === 'all' ? null : tab);
  const active = useActiveRequests(project);
  const members = useMembers(org);
  const count = (s: RequestStatus) => active.items.filter((r) => r.status === s).length;
  return (
    <Stack>
      <PageHeader
        title="Change requests"
        description="Changes proposed for environments that require approval, and scheduled changes: reviewed by others, then applied together."
      />
      <Tabs value={tab} onChange={(t) => setParams(t && t !== 'open' ? { status: t } : {}, { replace: true })}>
        <Tabs.List>
          {TABS.map((s) => (
            <Tabs.Tab
              key={s}
              value={s}
              rightSection={
                (s === 'open' || s === 'approved' || s === 'conflicted') && count(s) > 0 ? (
                  <Badge size="xs" variant="light" circle>
                    {count(s)}
                  </Badge>
                ) : null
              }
            >
              {s === 'all' ? 'All' : s[0].toUpperCase() + s.slice(1)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
      </Tabs>
      <ErrorAlert error={list.error} />
      {list.loaded && list.items.length === 0 && (
        <Text c="dimmed" data-testid="no-requests">
          {tab === 'all' ? 'No change requests yet.' : `No ${tab} change requests.`}
        </Text>
      )}
      {list.items.length > 0 && (
        <RequestsTable requests={list.items} members={members.data} environments={environments} pathOf={(id) => requestPath(org, project, envKey, id)} />
      )}
      {list.hasMore && (
        <Button variant="default" w="fit-content" onClick={list.loadMore} loading={list.loadingMore}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
