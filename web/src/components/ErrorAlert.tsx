/** An API error in plain words, where it happened. */
import { Alert, List, Text } from '@mantine/core';
import { describeError } from '../lib/errors';

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const d = describeError(error);
  return (
    <Alert color="red" title={title ?? d.title} role="alert" variant="light">
      <Text size="sm">{d.message}</Text>
      {d.problems.length > 0 && (
        <List size="sm" mt="xs">
          {d.problems.map((p, i) => (
            <List.Item key={i}>
              {p.path ? <code>{p.path}</code> : null} {p.message}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
