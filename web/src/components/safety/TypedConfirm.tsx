/**
 * A confirmation for what cannot be taken back lightly (archive a flag, delete a project, an
 * environment or a segment): says what the action reaches, then asks for its name to be typed.
 * The confirm button stays disabled until the text matches exactly.
 */
import { Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';

export interface TypedConfirmProps {
  opened: boolean;
  onClose: () => void;
  title: ReactNode;
  /** What the action reaches, in words (its blast radius). */
  children: ReactNode;
  /** What must be typed: the name of the thing, such as the flag's key. */
  phrase: string;
  /** The confirm button, such as "Archive flag". */
  confirmLabel: string;
  onConfirm: () => void;
  loading?: boolean;
  color?: string;
  /** Shown under the field, such as the API's refusal. */
  error?: ReactNode;
}

export function TypedConfirm({ opened, onClose, title, children, phrase, confirmLabel, onConfirm, loading, color = 'red', error }: TypedConfirmProps) {
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (!opened) setTyped('');
  }, [opened]);
  const matches = typed.trim() === phrase;
  const submit = () => {
    if (matches && !loading) onConfirm();
  };
  return (
    <Modal opened={opened} onClose={onClose} title={title} size="lg">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Stack>
          {children}
          <TextInput
            data-autofocus
            label={
              <>
                Type <code>{phrase}</code> to confirm
              </>
            }
            aria-label={`Type ${phrase} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            spellCheck={false}
          />
          {error}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" color={color} disabled={!matches} loading={loading}>
              {confirmLabel}
            </Button>
          </Group>
          {!matches && typed.length > 0 && (
            <Text size="xs" c="dimmed">
              The text does not match yet.
            </Text>
          )}
        </Stack>
      </form>
    </Modal>
  );
}
