/**
 * A standard endpoint's signing secrets: the ones valid now (by prefix), and rotation: a new secret,
 * shown once, while the old one stays valid for an overlap the admin chooses (requests are signed
 * with every valid secret, so the receiver moves over without an outage).
 */
import { Button, Group, Modal, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { rotateWebhookSecret, webhookKeys } from '../../api/webhooks';
import type { Webhook, WebhookWithSecret } from '../../api/types';
import { dateTime } from '../../lib/format';
import { ErrorAlert } from '../ErrorAlert';
import { DEFAULT_OVERLAP, OVERLAPS, stopsAt } from '../keys/RotateKey';
import { SecretOnce } from '../SecretOnce';

/** The latest time a rotated-out secret stays valid, if any still is. */
const oldValidUntil = (w: Webhook): number | null =>
  w.secrets.reduce<number | null>((m, s) => (s.expiresAt != null && (m === null || s.expiresAt > m) ? s.expiresAt : m), null);

function RotateDialog({ onRotate, loading, now = Date.now }: { onRotate: (overlapSecs: number) => void; loading?: boolean; now?: () => number }) {
  const [open, setOpen] = useState(false);
  const [overlap, setOverlap] = useState(DEFAULT_OVERLAP);
  return (
    <>
      <Button variant="default" loading={loading} onClick={() => setOpen(true)}>
        Rotate secret
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Rotate the signing secret">
        <Stack>
          <Text size="sm">
            A new secret is shown once. Until the old one expires, each request is signed with both, so your receiver keeps working while you
            deploy the new one.
          </Text>
          <Select
            label="The old secret stays valid for"
            data={OVERLAPS}
            value={String(overlap)}
            allowDeselect={false}
            onChange={(v) => v !== null && setOverlap(Number(v))}
          />
          <Text size="sm" data-testid="old-secret-stops">
            {overlap === 0 ? 'The old secret stops working now.' : `The old secret stops working at ${dateTime(stopsAt(overlap, now()))}.`}
          </Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color={overlap === 0 ? 'red' : undefined}
              onClick={() => {
                setOpen(false);
                onRotate(overlap);
              }}
            >
              Rotate now
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}

export function Secrets({ org, webhook, canManage }: { org: string; webhook: Webhook; canManage: boolean }) {
  const qc = useQueryClient();
  const [rotated, setRotated] = useState<WebhookWithSecret | null>(null);
  const rotate = useMutation({
    mutationFn: (overlapSecs: number) => rotateWebhookSecret(org, webhook.id, overlapSecs),
    onSuccess: (r) => {
      setRotated(r);
      qc.setQueryData(webhookKeys.one(org, r.webhook.id), r.webhook);
    },
  });
  const until = rotated ? oldValidUntil(rotated.webhook) : null;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h5">
            Signing secrets
          </Title>
          {canManage && <RotateDialog onRotate={(s) => rotate.mutate(s)} loading={rotate.isPending} />}
        </Group>
        <ErrorAlert error={rotate.error} />
        {rotated?.secret && (
          <Stack gap="xs">
            <SecretOnce secret={rotated.secret} label="New signing secret" />
            <Text size="sm" data-testid="old-secret-valid">
              {until
                ? `The previous secret stays valid until ${dateTime(until)}: requests are signed with both until then.`
                : 'The previous secret is no longer valid.'}
            </Text>
          </Stack>
        )}
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Secret</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Valid</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {webhook.secrets.map((s) => (
              <Table.Tr key={`${s.prefix}-${s.createdAt}`} data-testid="webhook-secret">
                <Table.Td>
                  <code>{s.prefix}…</code>
                </Table.Td>
                <Table.Td>{dateTime(s.createdAt)}</Table.Td>
                <Table.Td>{s.expiresAt == null ? 'current' : `until ${dateTime(s.expiresAt)}`}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}
