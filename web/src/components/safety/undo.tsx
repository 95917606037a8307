/** A notification that says what was just done and offers to take it back. */
import { Button, Group, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';

let next = 0;

export function notifyWithUndo({ message, onUndo, color = 'green' }: { message: string; onUndo: () => void; color?: string }): void {
  const id = `undo-${++next}`;
  notifications.show({
    id,
    color,
    autoClose: 10_000,
    message: (
      <Group justify="space-between" wrap="nowrap" gap="sm" data-testid="undo-notice">
        <Text size="sm">{message}</Text>
        <Button
          size="compact-sm"
          variant="light"
          onClick={() => {
            notifications.hide(id);
            onUndo();
          }}
        >
          Undo
        </Button>
      </Group>
    ),
  });
}
