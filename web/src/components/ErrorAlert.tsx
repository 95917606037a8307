/** An API error in plain words, where it happened. */
import { Alert, Anchor, List, Text } from '@mantine/core';
import { Link } from 'react-router';
import { describeError, needsTwoFactorSetup } from '../lib/errors';
import { twoFactorPath } from '../scope';

export function ErrorAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const d = describeError(error);
  return (
    <Alert color="red" title={title ?? d.title} role="alert" variant="light">
      <Text size="sm">{d.message}</Text>
      {needsTwoFactorSetup(error) && (
        <Anchor component={Link} to={twoFactorPath} size="sm" data-testid="turn-on-two-factor">
          Turn on two-factor sign-in
        </Anchor>
      )}
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
