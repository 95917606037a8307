/** A secret the API shows once: displayed with a copy button and a plain warning. */
import { Alert, Button, Code, CopyButton, Group, Stack, Text } from '@mantine/core';

export function SecretOnce({ secret, label }: { secret: string; label: string }) {
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
      </Stack>
    </Alert>
  );
}
