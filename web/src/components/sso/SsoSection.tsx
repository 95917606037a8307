/**
 * An organization's single sign-on (OpenID Connect): admins see it, owners change it. The redirect
 * URI to register at the identity provider is shown to copy; the client secret is never shown.
 */
import { Button, Code, CopyButton, Group, PasswordInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { deleteSso, getSso, putSso, type SsoRole, type SsoSettings } from '../../api/sso';
import { fieldError } from '../../lib/errors';
import { ErrorAlert } from '../ErrorAlert';

function SsoForm({ org, current, canEdit }: { org: string; current: SsoSettings; canEdit: boolean }) {
  const qc = useQueryClient();
  const [issuer, setIssuer] = useState(current.issuer ?? '');
  const [clientId, setClientId] = useState(current.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [domains, setDomains] = useState(current.emailDomains.join(', '));
  const [role, setRole] = useState<SsoRole>(current.defaultRole ?? 'viewer');
  const [enabled, setEnabled] = useState(current.configured ? current.enabled : true);
  const save = useMutation({
    mutationFn: () =>
      putSso(org, {
        issuer: issuer.trim(),
        clientId: clientId.trim(),
        ...(clientSecret ? { clientSecret } : {}),
        emailDomains: domains
          .split(/[\s,]+/)
          .map((d) => d.trim())
          .filter(Boolean),
        defaultRole: role,
        enabled,
      }),
    onSuccess: (saved) => {
      qc.setQueryData(['sso', org], saved);
      setClientSecret('');
      notifications.show({ message: 'Saved single sign-on', color: 'green' });
    },
  });
  const remove = useMutation({
    mutationFn: () => deleteSso(org),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['sso', org] }),
  });
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        if (canEdit) save.mutate();
      }}
    >
      <Stack gap="xs" data-testid="sso-settings">
        <TextInput
          label="Issuer"
          description="The provider's issuer URL (its discovery document is under it)."
          value={issuer}
          disabled={!canEdit}
          onChange={(e) => setIssuer(e.currentTarget.value)}
          error={fieldError(save.error, 'issuer')}
        />
        <TextInput label="Client id" value={clientId} disabled={!canEdit} onChange={(e) => setClientId(e.currentTarget.value)} error={fieldError(save.error, 'clientId')} />
        {canEdit && (
          <PasswordInput
            label="Client secret"
            description={current.clientSecretSet ? 'Stored and never shown; leave empty to keep it.' : 'Never shown again once saved.'}
            value={clientSecret}
            onChange={(e) => setClientSecret(e.currentTarget.value)}
            error={fieldError(save.error, 'clientSecret')}
            autoComplete="off"
          />
        )}
        <TextInput
          label="Email domains"
          description="Only verified emails in these domains sign in or join (comma-separated)."
          value={domains}
          disabled={!canEdit}
          onChange={(e) => setDomains(e.currentTarget.value)}
          error={fieldError(save.error, 'emailDomains')}
        />
        <Select
          label="Role of people who join by signing in"
          data={[
            { value: 'viewer', label: 'Viewer' },
            { value: 'editor', label: 'Editor' },
          ]}
          value={role}
          disabled={!canEdit}
          onChange={(v) => v && setRole(v as SsoRole)}
          allowDeselect={false}
          w={260}
        />
        <Switch label="Single sign-on is on" checked={enabled} disabled={!canEdit} onChange={(e) => setEnabled(e.currentTarget.checked)} />
        <ErrorAlert error={save.error ?? remove.error} />
        {canEdit && (
          <Group gap="xs">
            <Button type="submit" loading={save.isPending}>
              Save single sign-on
            </Button>
            {current.configured && (
              <Button variant="subtle" color="red" loading={remove.isPending} onClick={() => remove.mutate()}>
                Remove
              </Button>
            )}
          </Group>
        )}
      </Stack>
    </form>
  );
}

export function SsoSection({ org, isOwner }: { org: string; isOwner: boolean }) {
  const q = useQuery({ queryKey: ['sso', org], queryFn: () => getSso(org) });
  // A server without single sign-on (501), or a failed read: a note, not an alarm.
  if (q.error)
    return (
      <Text size="sm" c="dimmed" data-testid="sso-unavailable">
        Single sign-on is not available: {q.error.message}
      </Text>
    );
  if (!q.data) return null;
  return (
    <Stack gap="xs">
      <Text size="sm">
        People whose email is in your domains sign in through your identity provider (OpenID Connect); someone new gets an account
        and joins with the role below. Register this redirect URI at the provider:
      </Text>
      <Group gap="xs">
        <Code data-testid="sso-redirect-uri">{q.data.redirectUri}</Code>
        <CopyButton value={q.data.redirectUri}>
          {({ copied, copy }) => (
            <Button size="xs" variant="subtle" onClick={copy}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
      {!isOwner && (
        <Text size="sm" c="dimmed">
          Only owners change single sign-on.
        </Text>
      )}
      <SsoForm key={`${q.data.configured}-${q.data.updatedAt ?? 0}`} org={org} current={q.data} canEdit={isOwner} />
    </Stack>
  );
}
