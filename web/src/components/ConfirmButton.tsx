/** A button that asks before it does something that cannot be undone. */
import { Button, type ButtonProps, Group, Modal, Stack, Text } from '@mantine/core';
import { useState, type ReactNode } from 'react';

interface Props extends ButtonProps {
  confirm: ReactNode;
  confirmLabel?: string;
  onConfirm: () => void;
  children: ReactNode;
}

export function ConfirmButton({ confirm, confirmLabel = 'Confirm', onConfirm, children, ...rest }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button {...rest} onClick={() => setOpen(true)}>
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Are you sure?">
        <Stack>
          <Text size="sm">{confirm}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button
              color="red"
              onClick={() => {
                setOpen(false);
                onConfirm();
              }}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
