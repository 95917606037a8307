/** The keyboard shortcuts, listed (opened with `?` or from the command palette). */
import { Group, Kbd, Modal, Table, Text } from '@mantine/core';
import { SHORTCUT_HELP } from './shortcuts';

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
const shown = (k: string) => (k === 'mod' ? (isMac() ? '⌘' : 'Ctrl') : k);

export default function ShortcutsHelp({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title="Keyboard shortcuts" size="lg">
      <Table data-testid="shortcuts-help">
        <Table.Tbody>
          {SHORTCUT_HELP.map((s) => (
            <Table.Tr key={s.does}>
              <Table.Td w="35%">
                <Group gap={6} wrap="nowrap">
                  {s.keys.map((combo, i) => (
                    <Group key={i} gap={4} wrap="nowrap">
                      {i > 0 && (
                        <Text span size="xs" c="dimmed">
                          or
                        </Text>
                      )}
                      {combo.map((k, j) => (
                        <Group key={j} gap={4} wrap="nowrap">
                          {j > 0 && combo[0] === 'mod' && <Text span size="xs">+</Text>}
                          {j > 0 && combo[0] !== 'mod' && <Text span size="xs" c="dimmed">then</Text>}
                          <Kbd>{shown(k)}</Kbd>
                        </Group>
                      ))}
                    </Group>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>{s.does}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Text size="xs" c="dimmed" mt="sm">
        Shortcuts wait while you type in a field.
      </Text>
    </Modal>
  );
}
