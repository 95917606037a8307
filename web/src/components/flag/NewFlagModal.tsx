/** Create a flag: key, type and variants (typed values), with checks before anything is sent. */
import { Button, Checkbox, Group, Modal, Select, Stack, TagsInput, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createFlag, flagKeys } from '../../api/flags';
import { useProject } from '../../api/projects';
import { FLAG_TYPES, type FlagType } from '../../api/types';
import { fieldError } from '../../lib/errors';
import { defaultVariants, KEY_HINT, KEY_RE } from '../../lib/values';
import { ErrorAlert } from '../ErrorAlert';
import { checkRows, rowsOf, type VariantRow, VariantRows } from './VariantRows';

export function NewFlagModal({ project, opened, onClose, onCreated }: { project: string; opened: boolean; onClose: () => void; onCreated: (key: string) => void }) {
  const qc = useQueryClient();
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [type, setType] = useState<FlagType>('boolean');
  const [rows, setRows] = useState<VariantRow[]>(() => rowsOf('boolean', defaultVariants('boolean')));
  const [tags, setTags] = useState<string[]>([]);
  const [tried, setTried] = useState(false);
  // Preset from the project's setting until the user chooses.
  const projectDefault = useProject(project).data?.clientVisibleByDefault ?? true;
  const [chosenVisible, setVisible] = useState<boolean | null>(null);
  const clientVisible = chosenVisible ?? projectDefault;
  const check = checkRows(type, rows);
  const keyError = !KEY_RE.test(key) ? (key ? KEY_HINT : 'Give the flag a key (used in code)') : undefined;
  const tagError = tags.find((t) => !KEY_RE.test(t)) ? 'Tags use letters, digits, ".", "_" or "-"' : undefined;
  const m = useMutation({
    mutationFn: () => createFlag(project, { key, name: name.trim() || undefined, description, type, variants: check.variants!, tags, clientVisible }),
    onSuccess: async (f) => {
      await qc.invalidateQueries({ queryKey: flagKeys.list(project) });
      onCreated(f.key);
      setKey('');
      setName('');
      setDescription('');
      setTags([]);
      setVisible(null);
      setTried(false);
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New flag" size="lg">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setTried(true);
          if (!keyError && !tagError && check.variants) m.mutate();
        }}
      >
        <Stack>
          <Group grow align="flex-start">
            <TextInput label="Key" description="Used in code; cannot change" required data-autofocus value={key} onChange={(e) => setKey(e.currentTarget.value.trim())} error={(tried && keyError) || fieldError(m.error, 'key')} />
            <TextInput label="Name" description="Defaults to the key" value={name} onChange={(e) => setName(e.currentTarget.value)} />
          </Group>
          <Textarea label="Description" autosize minRows={1} value={description} onChange={(e) => setDescription(e.currentTarget.value)} />
          <Select
            label="Type"
            w={200}
            data={FLAG_TYPES}
            value={type}
            allowDeselect={false}
            onChange={(t) => {
              if (!t) return;
              setType(t as FlagType);
              setRows(rowsOf(t as FlagType, defaultVariants(t as FlagType)));
            }}
          />
          <VariantRows type={type} rows={rows} errors={tried ? check.errors : {}} onChange={setRows} />
          <TagsInput label="Tags" description="Press Enter after each tag" value={tags} onChange={setTags} error={(tried && tagError) || fieldError(m.error, 'tags')} />
          <Checkbox
            label="Visible to client keys"
            description="Browsers (client keys) see the flag's value; unchecked, only server keys see it"
            checked={clientVisible}
            onChange={(e) => setVisible(e.currentTarget.checked)}
          />
          <ErrorAlert error={m.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={m.isPending}>
              Create flag
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
