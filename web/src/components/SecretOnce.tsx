/**
 * A secret the API shows once: displayed with a copy button and a plain warning. The page that
 * shows it takes it away once the secret stops working (revoked, expired, gone), so a secret is
 * never offered for copying after it has become useless.
 */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';

export function SecretOnce({ secret, label, note, onDone }: { secret: string; label: string; note?: ReactNode; onDone?: () => void }) {
  return (
    <Alert color="yellow" title={`${label}: copy it now`} role="status">
      <Stack gap="xs">
        <Text size="sm">This secret is shown only once. Store it somewhere safe; it cannot be shown again.</Text>
        <Group gap="xs" wrap="nowrap">
          <Code data-testid="secret" style={{ wordBreak: 'break-all' }}>
            {secret}
          </Code>
          <CopyButton value={secret}>
            {({ copied, copy }) => (
              <Button size="xs" variant="light" onClick={copy}>
                {copied ? 'Copied' : 'Copy'}
              </Button>
            )}
          </CopyButton>
        </Group>
        {note && (
          <Text size="sm" data-testid="secret-overlap">
            {note}
          </Text>
        )}
        {onDone && (
          <Button size="xs" variant="default" w="fit-content" onClick={onDone}>
            I have stored it
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
