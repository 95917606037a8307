/**
 * A confirmation for what cannot be undone: it says what goes, and the button works only once the
 * name asked for is typed exactly (for projects and environments; flags have their own).
 */
import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useState } from 'react';
import { ErrorAlert } from '../ErrorAlert';

interface Props {
  opened: boolean;
  onClose: () => void;
  title: string;
  /** What goes, in words. */
  children: ReactNode;
  /** What must be typed to confirm. */
  expected: string;
  /** What the text to type is (`the environment's key`). */
  what: string;
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  error?: unknown;
}

export function TypeToConfirm({ opened, onClose, title, children, expected, what, confirmLabel, onConfirm, loading, error }: Props) {
  const [typed, setTyped] = useState('');
  const matches = typed === expected;
  const close = () => {
    setTyped('');
    onClose();
  };
  return (
    <Modal opened={opened} onClose={close} title={title}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (matches) onConfirm();
        }}
      >
        <Stack>
          <Alert color="red" variant="light">
            <Stack gap={4}>{children}</Stack>
          </Alert>
          <Text size="sm">This cannot be undone.</Text>
          <TextInput
            label={
              <>
                Type {what} <code>{expected}</code> to confirm
              </>
            }
            data-autofocus
            autoComplete="off"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            error={typed && !matches && !expected.startsWith(typed) ? `That is not ${expected}` : undefined}
          />
          <ErrorAlert error={error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" color="red" disabled={!matches} loading={loading}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
