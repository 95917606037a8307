/** The one change a link named (`?change={id}`), open on its diff above the log. */
import { Alert, Button, Card, Center, Group, Loader, Stack, Text, Title } from '@mantine/core';
import { useAuditEntry } from '../../api/audit';
import { useEnvironmentNames } from '../../api/environmentNames';
import { ApiError } from '../../api/client';
import type { Member } from '../../api/types';
import { AuditList } from '../../components/AuditList';
import { ErrorAlert } from '../../components/ErrorAlert';

const LINKED_TITLE = 'The change you followed a link to';

/**
 * The one change a link named (`?change={id}`, as webhook, Slack and Teams messages link to it),
 * open on its diff, above the log; or a notice when this organization has no such change.
 */
export function LinkedChange({ org, id, members, onClear }: { org: string; id: string; members: Member[] | undefined; onClear: () => void }) {
  const linked = useAuditEntry(org, id);
  const envName = useEnvironmentNames([linked.data?.projectId]);
  const clear = (
    <Button variant="default" size="xs" onClick={onClear}>
      Show the whole log
    </Button>
  );
  if (linked.error instanceof ApiError && linked.error.status === 404) {
    return (
      <Alert color="yellow" variant="light" title="Change not found" role="status" data-testid="linked-change-missing">
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            This change was not found (or is not in this organization): <code>{id}</code>. The log follows below.
          </Text>
          {clear}
        </Stack>
      </Alert>
    );
  }
  return (
    <Card
      component="section"
      aria-label={LINKED_TITLE}
      data-testid="linked-change"
      withBorder
      radius="md"
      padding="md"
      bd="2px solid var(--mantine-color-blue-filled)"
    >
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Stack gap={0}>
          <Title order={5}>{LINKED_TITLE}</Title>
          <Text size="xs" c="dimmed">
            Change <code>{id}</code>; the log follows below.
          </Text>
        </Stack>
        {clear}
      </Group>
      {linked.error ? (
        <ErrorAlert error={linked.error} />
      ) : linked.data ? (
        <AuditList key={linked.data.id} entries={[linked.data]} members={members} envName={envName} expanded={[linked.data.id]} />
      ) : (
        <Center h={60}>
          <Loader size="sm" aria-label="Loading the change" />
        </Center>
      )}
    </Card>
  );
}
