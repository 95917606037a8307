/**
 * Secure mode for one environment: on, client-key requests must carry the HMAC-SHA256 of the
 * context's targetingKey, computed by the customer's server with this secret (shown to admins,
 * with a copy button and how to compute the hash).
 */
import { Alert, Button, Code, CopyButton, Group, Stack, Switch, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { projectKeys, updateEnvironment, useSecureMode } from '../../api/projects';
import type { Environment } from '../../api/types';
import { ErrorAlert } from '../ErrorAlert';

export const hashSnippet = (secret: string) => `// On your server, for the user the page is for:
import { createHmac } from 'node:crypto';
const hash = createHmac('sha256', '${secret}').update(user.key).digest('hex');
// Browser: Switchyard.init({ clientKey, context: { targetingKey: user.key }, hash })
// OFREP: send it as the X-Switchyard-Hash header`;

export function SecureMode({ project, env, canManage }: { project: string; env: Environment; canManage: boolean }) {
  const qc = useQueryClient();
  const on = !!env.secureMode;
  const shown = useSecureMode(project, env.id, canManage && on);
  const m = useMutation({
    mutationFn: (secureMode: boolean) => updateEnvironment(project, env.id, { secureMode }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: projectKeys.environments(project) });
      void qc.invalidateQueries({ queryKey: projectKeys.secureMode(project, env.id) });
    },
  });
  const secret = shown.data?.secret;
  return (
    <Stack gap="xs">
      <Switch
        label="Secure mode"
        description="Client keys must send the hash of the context's targetingKey, signed by your server, so a browser cannot pose as another user"
        checked={on}
        disabled={!canManage || m.isPending}
        onChange={(e) => m.mutate(e.currentTarget.checked)}
      />
      {on && canManage && secret && (
        <Alert color="gray" title="Secure mode secret" data-testid="secure-mode-secret">
          <Stack gap="xs">
            <Text size="sm">Keep it on your server, like a server key. It signs each user's targetingKey (HMAC-SHA256, hex).</Text>
            <Group gap="xs" wrap="nowrap">
              <Code style={{ wordBreak: 'break-all' }}>{secret}</Code>
              <CopyButton value={secret}>
                {({ copied, copy }) => (
                  <Button size="xs" variant="light" onClick={copy}>
                    {copied ? 'Copied' : 'Copy'}
                  </Button>
                )}
              </CopyButton>
            </Group>
            <Code block tabIndex={0}>
              {hashSnippet(secret)}
            </Code>
          </Stack>
        </Alert>
      )}
      <ErrorAlert error={m.error ?? shown.error} />
    </Stack>
  );
}
