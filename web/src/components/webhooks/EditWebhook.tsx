/**
 * An endpoint's settings, edited as a draft and saved with the version it started from (as the
 * flag page does): an untouched form follows the server; a touched one is never replaced, it gets
 * a "changed by someone else" notice, and a stale save is refused (409) with a way to reload.
 */
import { Alert, Badge, Button, Group, Paper, Stack, Switch, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client';
import type { Project } from '../../api/types';
import { getWebhook, updateWebhook, webhookKeys } from '../../api/webhooks';
import type { Webhook, WebhookPatch } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { deepEqual } from '../../lib/json';
import { type FullFilter, normalFilter, URL_HINTS, urlProblem } from '../../lib/webhooks';
import { ErrorAlert } from '../ErrorAlert';
import { FilterFields, type OrgEnvironment } from './FilterFields';

interface Draft {
  /** Slack and Teams URLs come back redacted: empty means "keep the current one". */
  url: string;
  description: string;
  filter: FullFilter;
  enabled: boolean;
}

const redacted = (w: Webhook) => w.kind !== 'standard';

const draftOf = (w: Webhook): Draft => ({
  url: redacted(w) ? '' : w.url,
  description: w.description ?? '',
  filter: normalFilter(w.filter),
  enabled: w.enabled,
});

interface Props {
  org: string;
  webhook: Webhook;
  projects: Project[];
  environments: OrgEnvironment[];
  canEdit: boolean;
}

export function EditWebhook({ org, webhook, projects, environments, canEdit }: Props) {
  const qc = useQueryClient();
  const [base, setBase] = useState<Webhook>(webhook);
  const [draft, setDraft] = useState<Draft>(() => draftOf(webhook));
  const [tried, setTried] = useState(false);
  const dirty = !deepEqual(draft, draftOf(base));

  // Live: an untouched form follows the server.
  useEffect(() => {
    if (webhook.version !== base.version && !dirty) {
      setBase(webhook);
      setDraft(draftOf(webhook));
    }
  }, [webhook, base.version, dirty]);

  const keepUrl = redacted(base) && !draft.url.trim();
  const urlError = keepUrl ? undefined : urlProblem(draft.url);

  const save = useMutation({
    mutationFn: () => {
      const patch: WebhookPatch = { version: base.version, description: draft.description.trim(), filter: draft.filter, enabled: draft.enabled };
      if (!keepUrl && draft.url.trim() !== base.url) patch.url = draft.url.trim();
      return updateWebhook(org, base.id, patch);
    },
    onSuccess: (w) => {
      setBase(w);
      setDraft(draftOf(w));
      setTried(false);
      qc.setQueryData(webhookKeys.one(org, w.id), w);
      void qc.invalidateQueries({ queryKey: webhookKeys.list(org) });
      notifications.show({ message: `Saved (version ${w.version})`, color: 'green' });
    },
  });
  const conflict = save.error instanceof ApiError && save.error.status === 409;

  // Drops the draft for what the server holds now (read again: after a 409 the cached copy may be older).
  const reload = useMutation({
    mutationFn: () => qc.fetchQuery({ queryKey: webhookKeys.one(org, base.id), queryFn: () => getWebhook(org, base.id), staleTime: 0 }),
    onSuccess: (w) => {
      setBase(w);
      setDraft(draftOf(w));
      setTried(false);
      save.reset();
    },
  });
  const discard = () => {
    if (conflict) {
      reload.mutate();
      return;
    }
    setBase(webhook);
    setDraft(draftOf(webhook));
    setTried(false);
    save.reset();
  };
  const stale = dirty && webhook.version !== base.version;

  return (
    <Paper withBorder p="md">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!urlError) save.mutate();
        }}
      >
        <Stack>
          <Group justify="space-between">
            <Title order={2} size="h5">
              Settings
            </Title>
            <Group gap="xs">
              <Badge variant="light" data-testid="webhook-version">
                version {base.version}
              </Badge>
              {dirty && <Badge color="yellow">unsaved changes</Badge>}
            </Group>
          </Group>
          {stale && (
            <Alert color="orange" title="Changed by someone else" data-testid="stale-warning">
              This endpoint was changed while you were editing (now version {webhook.version}, you started from version {base.version}). Your
              save would be refused: discard your changes to see theirs, then make yours again.
            </Alert>
          )}
          <TextInput
            label="URL"
            disabled={!canEdit}
            placeholder={redacted(base) ? base.url : URL_HINTS[base.kind].placeholder}
            description={redacted(base) ? 'Shown redacted. Leave empty to keep it; paste a new URL to replace it.' : URL_HINTS[base.kind].description}
            value={draft.url}
            onChange={(e) => setDraft({ ...draft, url: e.currentTarget.value })}
            error={(tried && urlError) || fieldError(save.error, 'url')}
          />
          <TextInput
            label="Description"
            disabled={!canEdit}
            value={draft.description}
            onChange={(e) => setDraft({ ...draft, description: e.currentTarget.value })}
            error={fieldError(save.error, 'description')}
          />
          <Switch
            label={draft.enabled ? 'Enabled: changes are sent' : 'Disabled: nothing is sent'}
            aria-label="Enabled"
            checked={draft.enabled}
            disabled={!canEdit}
            onChange={(e) => setDraft({ ...draft, enabled: e.currentTarget.checked })}
          />
          <FilterFields value={draft.filter} onChange={(filter) => setDraft({ ...draft, filter })} projects={projects} environments={environments} disabled={!canEdit} error={save.error} />
          <ErrorAlert error={save.error ?? reload.error} />
          {canEdit && (
            <Group>
              <Button type="submit" disabled={!dirty} loading={save.isPending}>
                Save endpoint
              </Button>
              <Button variant="default" disabled={!dirty && !conflict && webhook.version === base.version} loading={reload.isPending} onClick={discard}>
                {conflict ? 'Load the current version (drops my changes)' : 'Discard changes'}
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Paper>
  );
}
