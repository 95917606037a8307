/**
 * A new endpoint: kind, URL, description and filters, checked before sending. A standard endpoint's
 * signing secret is shown once, in this dialog, right after it is made.
 */
import { Button, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import type { Project } from '../../api/types';
import { createWebhook, webhookKeys } from '../../api/webhooks';
import type { Webhook, WebhookKind } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { EMPTY_FILTER, endpointName, type FullFilter, KIND_CHOICES, URL_HINTS, urlProblem } from '../../lib/webhooks';
import { orgPath } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';
import { SecretOnce } from '../SecretOnce';
import { FilterFields, type OrgEnvironment } from './FilterFields';

interface Props {
  org: string;
  opened: boolean;
  onClose: () => void;
  projects: Project[];
  environments: OrgEnvironment[];
}

export function NewWebhookModal({ org, opened, onClose, projects, environments }: Props) {
  const qc = useQueryClient();
  const [kind, setKind] = useState<WebhookKind>('standard');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [filter, setFilter] = useState<FullFilter>(EMPTY_FILTER);
  const [tried, setTried] = useState(false);
  const [created, setCreated] = useState<{ webhook: Webhook; secret: string } | null>(null);
  const urlError = urlProblem(url);

  const reset = () => {
    setKind('standard');
    setUrl('');
    setDescription('');
    setFilter(EMPTY_FILTER);
    setTried(false);
    setCreated(null);
    m.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const m = useMutation({
    mutationFn: () => createWebhook(org, { kind, url: url.trim(), description: description.trim(), filter }),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: webhookKeys.list(org) });
      if (r.secret) {
        setCreated({ webhook: r.webhook, secret: r.secret });
      } else {
        notifications.show({ message: `Created ${endpointName(r.webhook)}`, color: 'green' });
        close();
      }
    },
  });

  return (
    <Modal opened={opened} onClose={close} title={created ? 'Endpoint created' : 'New webhook endpoint'} size="lg">
      {created ? (
        <Stack>
          <SecretOnce secret={created.secret} label="Signing secret" />
          <Text size="sm" data-testid="secret-note">
            Your receiver checks each request's <code>webhook-signature</code> header with this secret (Standard Webhooks). You will not see it
            again: copy it now.
          </Text>
          <Group justify="flex-end">
            <Button variant="default" component={Link} to={`${orgPath(org)}/webhooks/${encodeURIComponent(created.webhook.id)}`} onClick={close}>
              Open endpoint
            </Button>
            <Button onClick={close}>Done</Button>
          </Group>
        </Stack>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setTried(true);
            if (!urlError) m.mutate();
          }}
        >
          <Stack>
            <Select
              label="Kind"
              data={KIND_CHOICES}
              value={kind}
              allowDeselect={false}
              onChange={(v) => v && setKind(v as WebhookKind)}
            />
            <TextInput
              label="URL"
              required
              data-autofocus
              placeholder={URL_HINTS[kind].placeholder}
              description={URL_HINTS[kind].description}
              value={url}
              onChange={(e) => setUrl(e.currentTarget.value)}
              error={(tried && urlError) || fieldError(m.error, 'url')}
            />
            <TextInput
              label="Description"
              placeholder="What receives it, such as: deploy bot"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
              error={fieldError(m.error, 'description')}
            />
            <FilterFields value={filter} onChange={setFilter} projects={projects} environments={environments} error={m.error} />
            <ErrorAlert error={m.error} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={m.isPending}>
                Create endpoint
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
