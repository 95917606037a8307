/** One webhook endpoint: its state, settings, signing secrets, a test event, and the delivery log. */
import { Anchor, Badge, Breadcrumbs, Button, Center, Group, Loader, Stack, Tabs, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMembers } from '../../api/orgs';
import { useOrgEnvironments } from '../../api/orgEnvironments';
import { deleteWebhook, testWebhook, useWebhook, webhookKeys } from '../../api/webhooks';
import { ConfirmButton } from '../../components/ConfirmButton';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AdminOnly } from '../../components/webhooks/AdminOnly';
import { DeliveryLog } from '../../components/webhooks/DeliveryLog';
import { EditWebhook } from '../../components/webhooks/EditWebhook';
import { Secrets } from '../../components/webhooks/Secrets';
import { DisabledBanner, FailingNotice, StatusBadge } from '../../components/webhooks/StatusBanners';
import { actorName, dateTime } from '../../lib/format';
import { canManageProjects } from '../../lib/roles';
import { BADGE, endpointName, KIND_LABELS } from '../../lib/webhooks';
import { orgPath, useRole } from '../../scope';

export default function WebhookPage() {
  const { org = '', webhook: id = '' } = useParams();
  const role = useRole(org);
  const manage = canManageProjects(role);
  const hook = useWebhook(org, id, manage);
  const scope = useOrgEnvironments(manage ? org : undefined);
  const members = useMembers(org);
  const qc = useQueryClient();
  const navigate = useNavigate();
  const listPath = `${orgPath(org)}/webhooks`;
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') ?? 'deliveries';

  const test = useMutation({
    mutationFn: () => testWebhook(org, id),
    onSuccess: () => {
      notifications.show({ message: 'Test event queued: it appears in the delivery log', color: 'blue' });
      return qc.invalidateQueries({ queryKey: webhookKeys.deliveries(org, id) });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteWebhook(org, id),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: webhookKeys.list(org) });
      qc.removeQueries({ queryKey: webhookKeys.one(org, id) });
      navigate(listPath);
    },
  });

  const crumbs = (label: string) => (
    <Breadcrumbs>
      <Anchor component={Link} to={listPath}>
        Webhooks
      </Anchor>
      <Text style={{ wordBreak: 'break-all' }}>{label}</Text>
    </Breadcrumbs>
  );

  if (role && !manage) {
    return (
      <Stack>
        {crumbs('Endpoint')}
        <AdminOnly role={role} />
      </Stack>
    );
  }
  if (hook.error) {
    return (
      <Stack>
        {crumbs('Endpoint')}
        <ErrorAlert error={hook.error} />
      </Stack>
    );
  }
  if (!hook.data) {
    return (
      <Center h={200}>
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  const w = hook.data;
  const name = endpointName(w);
  return (
    <Stack>
      {crumbs(name)}
      <Group justify="space-between" align="flex-start" wrap="wrap">
        <Stack gap={4}>
          <Group gap="xs">
            <Title order={1} size="h2" style={{ wordBreak: 'break-all' }}>
              {name}
            </Title>
            <Badge variant="outline" style={BADGE}>
              {KIND_LABELS[w.kind] ?? w.kind}
            </Badge>
            <StatusBadge webhook={w} />
          </Group>
          <Text size="sm" c="dimmed" style={{ wordBreak: 'break-all' }}>
            <code data-testid="webhook-url">{w.url}</code>
          </Text>
          <Text size="xs" c="dimmed">
            Created {dateTime(w.createdAt)} by {actorName(w.createdBy, members.data)}
          </Text>
        </Stack>
        <Group gap="xs">
          <Button variant="light" loading={test.isPending} onClick={() => test.mutate()}>
            Send test event
          </Button>
          <ConfirmButton
            color="red"
            variant="light"
            confirm={`Delete the webhook endpoint ${name}? It stops receiving changes at once, and its pending deliveries are dropped.`}
            confirmLabel="Delete endpoint"
            loading={remove.isPending}
            onConfirm={() => remove.mutate()}
          >
            Delete
          </ConfirmButton>
        </Group>
      </Group>
      <ErrorAlert error={test.error ?? remove.error} />
      <DisabledBanner org={org} webhook={w} canManage={manage} />
      <FailingNotice webhook={w} />
      {/* Panels stay mounted: a draft in Settings, or a secret just shown, survives a look at the log. */}
      <Tabs value={tab} onChange={(t) => setParams(t && t !== 'deliveries' ? { tab: t } : {}, { replace: true })}>
        <Tabs.List>
          <Tabs.Tab value="deliveries">Delivery log</Tabs.Tab>
          <Tabs.Tab value="settings">Settings</Tabs.Tab>
          {w.kind === 'standard' && <Tabs.Tab value="secrets">Signing secrets</Tabs.Tab>}
        </Tabs.List>
        <Tabs.Panel value="deliveries" pt="md">
          <DeliveryLog org={org} webhook={w.id} canManage={manage} />
        </Tabs.Panel>
        <Tabs.Panel value="settings" pt="md">
          <EditWebhook key={w.id} org={org} webhook={w} projects={scope.projects} environments={scope.environments} canEdit={manage} />
        </Tabs.Panel>
        {w.kind === 'standard' && (
          <Tabs.Panel value="secrets" pt="md">
            <Secrets org={org} webhook={w} canManage={manage} />
          </Tabs.Panel>
        )}
      </Tabs>
    </Stack>
  );
}
