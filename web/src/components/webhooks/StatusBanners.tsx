/** An endpoint's state in words: disabled by Switchyard (with "Enable"), or failing for a while. */
import { Alert, Badge, Button, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { updateWebhook, webhookKeys } from '../../api/webhooks';
import type { Webhook } from '../../api/types';
import { useMembers } from '../../api/orgs';
import { actorName, dateTime } from '../../lib/format';
import { BADGE, disabledByPerson, endpointName, webhookStatus } from '../../lib/webhooks';
import { ErrorAlert } from '../ErrorAlert';

export function StatusBadge({ webhook }: { webhook: Webhook }) {
  const s = webhookStatus(webhook);
  return (
    <Badge color={s.color} variant="light" data-testid="webhook-status" style={BADGE}>
      {s.label}
    </Badge>
  );
}

/**
 * Shown when the endpoint is disabled (`disabledReason` set): a warning when Switchyard disabled it
 * after a day of failed deliveries, a plain notice when an admin did ("disabled by user:…").
 * "Enable" turns it back on (PATCH `enabled: true` with the version).
 */
export function DisabledBanner({ org, webhook, canManage }: { org: string; webhook: Webhook; canManage: boolean }) {
  const qc = useQueryClient();
  const members = useMembers(org);
  const enable = useMutation({
    mutationFn: () => updateWebhook(org, webhook.id, { version: webhook.version, enabled: true }),
    onSuccess: (w) => {
      qc.setQueryData(webhookKeys.one(org, w.id), w);
      void qc.invalidateQueries({ queryKey: webhookKeys.list(org) });
    },
  });
  if (webhook.enabled || !webhook.disabledReason) return null;
  if (disabledByPerson(webhook)) {
    // Turned off on purpose: said plainly, not as a warning.
    const who = actorName(webhook.disabledReason.replace(/^disabled by /, ''), members.data);
    return (
      <Alert color="gray" variant="light" data-testid="disabled-notice">
        <Group justify="space-between" wrap="wrap">
          <Text size="sm">
            {endpointName(webhook)} was disabled by {who}
            {webhook.disabledAt ? ` on ${dateTime(webhook.disabledAt)}` : ''}. Changes wait in its queue until it is enabled again.
          </Text>
          {canManage && (
            <Button size="xs" variant="default" loading={enable.isPending} onClick={() => enable.mutate()}>
              Enable
            </Button>
          )}
        </Group>
        <ErrorAlert error={enable.error} />
      </Alert>
    );
  }
  return (
    <Alert color="red" variant="light" title={`Webhook disabled: ${endpointName(webhook)}`} data-testid="disabled-banner">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">
          Switchyard disabled this endpoint{webhook.disabledAt ? ` on ${dateTime(webhook.disabledAt)}` : ''} after its deliveries had failed for a
          day. Changes keep coming into its queue, and are sent in order once it is enabled again.
        </Text>
        <Text size="sm">
          Reason: <b>{webhook.disabledReason}</b>
        </Text>
        <Text size="sm">Fix the receiving end (or the URL), then enable it; "Send test event" checks it.</Text>
        {canManage && (
          <Button size="xs" color="red" loading={enable.isPending} onClick={() => enable.mutate()}>
            Enable
          </Button>
        )}
        <ErrorAlert error={enable.error} />
      </Stack>
    </Alert>
  );
}

/** Deliveries failing, not yet for long enough to disable the endpoint. */
export function FailingNotice({ webhook }: { webhook: Webhook }) {
  if (!webhook.enabled || !webhook.failingSince) return null;
  return (
    <Alert color="orange" variant="light" title={`Failing since ${dateTime(webhook.failingSince)}`} data-testid="failing-notice">
      Deliveries to this endpoint fail, and the ones behind wait (each endpoint gets its changes in order). Switchyard keeps retrying;
      after a day of failures it disables the endpoint. The delivery log shows each attempt's answer.
    </Alert>
  );
}
