import { Button, Group, Modal, Stack, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { createOrg } from '../../api/orgs';
import { orgPath } from '../../scope';
import { ErrorAlert } from '../ErrorAlert';

export function NewOrgModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '' },
    validate: { name: (v) => (v.trim() ? null : 'Give the organization a name') },
  });
  const m = useMutation({
    mutationFn: (name: string) => createOrg(name),
    onSuccess: async (org) => {
      await qc.invalidateQueries({ queryKey: ['me'] });
      onClose();
      form.reset();
      navigate(orgPath(org.id));
    },
  });
  return (
    <Modal opened={opened} onClose={onClose} title="New organization">
      <form onSubmit={form.onSubmit((v) => m.mutate(v.name.trim()))}>
        <Stack>
          <TextInput label="Name" data-autofocus {...form.getInputProps('name')} />
          <ErrorAlert error={m.error} />
          <Group justify="flex-end">
            <Button type="submit" loading={m.isPending}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
