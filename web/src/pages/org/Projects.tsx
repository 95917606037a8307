import { Button, Card, Group, Modal, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { createProject, projectKeys, useProjects } from '../../api/projects';
import { ErrorAlert } from '../../components/ErrorAlert';
import { PageHeader } from '../../components/PageHeader';
import { fieldError } from '../../lib/errors';
import { dateTime } from '../../lib/format';
import { canManageProjects } from '../../lib/roles';
import { KEY_HINT, KEY_RE } from '../../lib/values';
import { envPath, projectPath, useRole } from '../../scope';

function NewProject({ org, onClose }: { org: string; onClose: () => void }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const form = useForm({
    initialValues: { name: '', environments: 'development, production' },
    validate: {
      name: (v) => (v.trim() ? null : 'Name the project'),
      environments: (v) => {
        const keys = v.split(',').map((s) => s.trim()).filter(Boolean);
        if (keys.length === 0) return 'List at least one environment';
        const bad = keys.find((k) => !KEY_RE.test(k));
        if (bad) return `"${bad}": ${KEY_HINT}`;
        return new Set(keys).size === keys.length ? null : 'An environment is listed twice';
      },
    },
  });
  const m = useMutation({
    mutationFn: (v: { name: string; environments: string[] }) => createProject(org, v),
    onSuccess: async (r) => {
      await qc.invalidateQueries({ queryKey: projectKeys.list(org) });
      onClose();
      const first = r.environments[0];
      navigate(first ? `${envPath(org, r.project.id, first.key)}/flags` : projectPath(org, r.project.id));
    },
  });
  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) =>
        m.mutate({ name: v.name.trim(), environments: v.environments.split(',').map((s) => s.trim()).filter(Boolean) }),
      )}
    >
      <Stack>
        <TextInput label="Project name" data-autofocus required {...form.getInputProps('name')} error={form.errors.name ?? fieldError(m.error, 'name')} />
        <TextInput
          label="Environments"
          description="Keys, separated by commas"
          {...form.getInputProps('environments')}
          error={form.errors.environments ?? fieldError(m.error, 'environments')}
        />
        <ErrorAlert error={m.error} />
        <Group justify="flex-end">
          <Button type="submit" loading={m.isPending}>
            Create project
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export default function Projects() {
  const { org = '' } = useParams();
  const role = useRole(org);
  const projects = useProjects(org);
  const [open, setOpen] = useState(false);
  const canCreate = canManageProjects(role);
  return (
    <>
      <PageHeader
        title="Projects"
        description="Each project has its own flags, segments and environments."
        actions={
          <Button onClick={() => setOpen(true)} disabled={!canCreate} title={canCreate ? undefined : 'Creating projects needs the admin role'}>
            New project
          </Button>
        }
      />
      <ErrorAlert error={projects.error} />
      {projects.data?.items.length === 0 && <Text c="dimmed">No projects yet. Create the first one to start adding flags.</Text>}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {projects.data?.items.map((p) => (
          <Card key={p.id} withBorder component={Link} to={projectPath(org, p.id)}>
            <Text fw={600}>{p.name}</Text>
            <Text size="xs" c="dimmed">
              Created {dateTime(p.createdAt)}
            </Text>
          </Card>
        ))}
      </SimpleGrid>
      <Modal opened={open} onClose={() => setOpen(false)} title="New project">
        <NewProject org={org} onClose={() => setOpen(false)} />
      </Modal>
    </>
  );
}
