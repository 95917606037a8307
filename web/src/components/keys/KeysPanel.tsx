/**
 * An environment's SDK keys: create, rotate (the old secret's overlap shown until it ends) and
 * revoke them, with the snippet to paste. A new secret is shown once, and only while it works:
 * revoking its key, or the key expiring or disappearing from the list, takes the box away.
 */
import { Badge, Button, Group, Paper, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { createSdkKey, projectKeys, revokeSdkKey, rotateSdkKey, useSdkKeys } from '../../api/projects';
import type { Environment, KeyCreated, KeyKind, SdkKey } from '../../api/types';
import { dateTime } from '../../lib/format';
import { ConfirmButton } from '../ConfirmButton';
import { ErrorAlert } from '../ErrorAlert';
import { SecretOnce } from '../SecretOnce';
import { SnippetTabs } from '../SnippetTabs';
import { overlapText, RotateKey } from './RotateKey';

/** A secret just shown: when, and the key it replaced (a rotation) with the overlap chosen. */
export interface Shown {
  created: KeyCreated;
  shownAt: number;
  rotated?: { id: string; prefix: string; overlapSeconds: number };
}

export const works = (k: SdkKey, now: number) => !k.revokedAt && !(k.expiresAt && k.expiresAt <= now);

/**
 * Whether a secret shown once is still worth copying: its key is listed and works, or the list
 * was read before the secret was shown (it has not caught up yet).
 */
export function secretStillWorks(shown: Shown, keys: SdkKey[] | undefined, listReadAt: number, now: number): boolean {
  const k = keys?.find((x) => x.id === shown.created.key.id);
  if (k) return works(k, now);
  return !keys || listReadAt < shown.shownAt;
}

/** The time now, the component re-rendered every `ms` so that "in 23 min" stays true. */
function useNow(ms: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setTick((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
  return Date.now();
}

function RotationNote({ shown, keys, now }: { shown: Shown; keys: SdkKey[] | undefined; now: number }) {
  const r = shown.rotated;
  if (!r) return null;
  const old = keys?.find((k) => k.id === r.id);
  if (r.overlapSeconds === 0 || old?.revokedAt) return <>The old key {r.prefix}… has stopped working.</>;
  const until = old?.expiresAt ?? shown.shownAt + r.overlapSeconds * 1000;
  return (
    <>
      The old secret ({r.prefix}…) keeps working {overlapText(until, now)}: move your apps to the new one before then.
    </>
  );
}

export function KeysPanel({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const keys = useSdkKeys(project, env.id);
  const qc = useQueryClient();
  const now = useNow(30_000);
  const [shown, setShown] = useState<Shown | null>(null);
  const refresh = () => qc.invalidateQueries({ queryKey: projectKeys.keys(project, env.id) });
  const create = useMutation({
    mutationFn: (kind: KeyKind) => createSdkKey(project, env.id, kind),
    onSuccess: (k) => setShown({ created: k, shownAt: Date.now() }),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: ({ key, overlap }: { key: SdkKey; overlap: number }) => rotateSdkKey(project, env.id, key.id, overlap),
    onSuccess: (k, { key, overlap }) => setShown({ created: k, shownAt: Date.now(), rotated: { id: key.id, prefix: key.prefix, overlapSeconds: overlap } }),
    onSettled: refresh,
  });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeSdkKey(project, env.id, id),
    onSuccess: (_, id) => setShown((s) => (s?.created.key.id === id ? null : s)),
    onSettled: refresh,
  });
  const live = (keys.data ?? []).filter((k) => works(k, now));
  const secret = shown && secretStillWorks(shown, keys.data, keys.dataUpdatedAt, now) ? shown : null;
  return (
    <Stack>
      <Group>
        <Button size="sm" disabled={!canManage} loading={create.isPending && create.variables === 'client'} onClick={() => create.mutate('client')}>
          New client key
        </Button>
        <Button size="sm" variant="default" disabled={!canManage} loading={create.isPending && create.variables === 'server'} onClick={() => create.mutate('server')}>
          New server key
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        Client keys are public (browsers; they see evaluated values only). Server keys are secret (full flag documents).
      </Text>
      <ErrorAlert error={keys.error ?? create.error ?? rotate.error ?? revoke.error} />
      {secret && (
        <Paper withBorder p="md" data-testid="new-key">
          <Stack>
            <SecretOnce
              secret={secret.created.secret}
              label={`New ${secret.created.key.kind} key for ${env.name}`}
              note={secret.rotated ? <RotationNote shown={secret} keys={keys.data} now={now} /> : undefined}
              onDone={() => setShown(null)}
            />
            <SnippetTabs kind={secret.created.key.kind} secret={secret.created.secret} />
          </Stack>
        </Paper>
      )}
      {keys.data && live.length === 0 ? (
        <Stack gap={2} data-testid="no-keys">
          <Text size="sm">No keys yet for {env.name}.</Text>
          <Text size="sm" c="dimmed">
            {canManage
              ? 'Next: create a client key for a web page or app, or a server key for a back end; its secret and the snippet to paste appear here.'
              : 'An admin of this organization creates the keys your apps use.'}
          </Text>
        </Stack>
      ) : (
        live.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Expires</Table.Th>
                <Table.Th>
                  <VisuallyHidden>Actions</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {live.map((k) => (
                <Table.Tr key={k.id} data-testid={`key-row-${k.prefix}`}>
                  <Table.Td>
                    <Badge variant="light" color={k.kind === 'server' ? 'red' : 'indigo'}>
                      {k.kind}
                    </Badge>
                  </Table.Td>
                  <Table.Td>
                    <code>{k.prefix}…</code>
                  </Table.Td>
                  <Table.Td>{dateTime(k.createdAt)}</Table.Td>
                  <Table.Td>
                    {k.expiresAt ? (
                      <Text size="sm" c="orange" title={dateTime(k.expiresAt)}>
                        rotated: keeps working {overlapText(k.expiresAt, now)}
                      </Text>
                    ) : (
                      'never'
                    )}
                  </Table.Td>
                  <Table.Td>
                    {canManage && (
                      <Group gap={4} wrap="nowrap">
                        {!k.expiresAt && <RotateKey loading={rotate.isPending && rotate.variables?.key.id === k.id} onRotate={(overlap) => rotate.mutate({ key: k, overlap })} />}
                        <ConfirmButton
                          size="xs"
                          variant="subtle"
                          color="red"
                          aria-label={`Revoke ${k.prefix}`}
                          confirm={`Revoke ${k.prefix}…? Whatever uses it stops working at once.`}
                          confirmLabel="Revoke"
                          onConfirm={() => revoke.mutate(k.id)}
                        >
                          Revoke
                        </ConfirmButton>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        )
      )}
      {!secret && (
        <Stack gap="xs">
          <Title order={4} size="h6">
            Using a key
          </Title>
          <SnippetTabs kind="client" secret={null} />
        </Stack>
      )}
    </Stack>
  );
}
