/** The organization's webhook endpoints (Standard Webhooks, Slack, Teams): what each gets, and how it is doing. */
import { Anchor, Badge, Button, Stack, Table, Text } from '@mantine/core';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useOrgEnvironments } from '../../api/orgEnvironments';
import { useWebhooks } from '../../api/webhooks';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AdminOnly } from '../../components/webhooks/AdminOnly';
import { PageHeader } from '../../components/PageHeader';
import { NewWebhookModal } from '../../components/webhooks/NewWebhookModal';
import { DisabledBanner, StatusBadge } from '../../components/webhooks/StatusBanners';
import { canManageProjects } from '../../lib/roles';
import { BADGE, filterSummary, KIND_LABELS } from '../../lib/webhooks';
import { orgPath, useRole } from '../../scope';

export default function Webhooks() {
  const { org = '' } = useParams();
  const role = useRole(org);
  const manage = canManageProjects(role);
  const hooks = useWebhooks(org, manage);
  const scope = useOrgEnvironments(manage ? org : undefined);
  const [open, setOpen] = useState(false);
  const items = hooks.data?.items ?? [];
  const names = {
    project: (id: string) => scope.projects.find((p) => p.id === id)?.name,
    environment: (id: string) => {
      const e = scope.environments.find((x) => x.id === id);
      return e && `${e.projectName} / ${e.name}`;
    },
  };

  return (
    <Stack>
      <PageHeader
        title="Webhooks"
        description="Every change in this organization, sent as it happens: signed JSON for your own services (Standard Webhooks), or a readable message for a Slack or Microsoft Teams channel."
        actions={
          manage && (
            <Button onClick={() => setOpen(true)} disabled={!manage}>
              New endpoint
            </Button>
          )
        }
      />
      {role && !manage && (
        <AdminOnly role={role} />
      )}
      {items.map((w) => (
        <DisabledBanner key={w.id} org={org} webhook={w} canManage={manage} />
      ))}
      <ErrorAlert error={hooks.error} />
      {manage && hooks.data && items.length === 0 && (
        <Text c="dimmed" size="sm" data-testid="no-webhooks">
          No endpoints yet. Add one to send every flag change to your services, or to a Slack or Teams channel.
        </Text>
      )}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Kind</Table.Th>
              <Table.Th>URL</Table.Th>
              <Table.Th>Description</Table.Th>
              <Table.Th>Receives</Table.Th>
              <Table.Th>Status</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {items.map((w) => (
              <Table.Tr key={w.id} data-testid={`webhook-row-${w.id}`}>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge variant="outline" style={BADGE}>
                    {KIND_LABELS[w.kind] ?? w.kind}
                  </Badge>
                </Table.Td>
                <Table.Td style={{ overflowWrap: 'anywhere' }}>
                  <Anchor component={Link} to={`${orgPath(org)}/webhooks/${encodeURIComponent(w.id)}`} size="sm">
                    <code>{w.url}</code>
                  </Anchor>
                </Table.Td>
                <Table.Td>{w.description}</Table.Td>
                <Table.Td>
                  <Text size="sm">{filterSummary(w.filter, names)}</Text>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <StatusBadge webhook={w} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      )}
      {manage && <NewWebhookModal org={org} opened={open} onClose={() => setOpen(false)} projects={scope.projects} environments={scope.environments} />}
    </Stack>
  );
}
