import { ActionIcon, Anchor, Button, Card, Group, Menu, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { createProject, projectKeys, useProjects } from '../../api/projects';
import type { Project } from '../../api/types';
import { DeleteProject, RenameProject } from '../../components/keys/ProjectActions';
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

/** One project's card: open it; admins rename or delete it from its menu. */
function ProjectCard({ org, project: p, canManage }: { org: string; project: Project; canManage: boolean }) {
  const [renaming, setRenaming] = useState(false);
  const [deleting, setDeleting] = useState(false);
  return (
    <Card withBorder data-testid={`project-${p.id}`}>
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Stack gap={2}>
          <Anchor component={Link} to={projectPath(org, p.id)} fw={600} aria-label={`Open project ${p.name}`}>
            {p.name}
          </Anchor>
          <Text size="xs" c="dimmed">
            Created {dateTime(p.createdAt)}
          </Text>
        </Stack>
        {canManage && (
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <ActionIcon variant="subtle" color="gray" aria-label={`Actions for ${p.name}`}>
                ⋯
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item onClick={() => setRenaming(true)}>Rename…</Menu.Item>
              <Menu.Item color="red" onClick={() => setDeleting(true)}>
                Delete…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        )}
      </Group>
      <Modal opened={renaming} onClose={() => setRenaming(false)} title={`Rename ${p.name}`}>
        <RenameProject project={p} onDone={() => setRenaming(false)} />
      </Modal>
      <DeleteProject project={p} opened={deleting} onClose={() => setDeleting(false)} onDeleted={() => {}} />
    </Card>
  );
}

/** What an organization without projects shows: what a project is, and the button to make one. */
function NoProjects({ canCreate, onCreate }: { canCreate: boolean; onCreate: () => void }) {
  return (
    <Paper withBorder p="xl" data-testid="no-projects">
      <Stack align="flex-start" gap="xs">
        <Title order={3} size="h4">
          No projects yet
        </Title>
        <Text size="sm" c="dimmed">
          A project holds your flags and segments, with an environment for each stage (development and production to start) and the
          SDK keys your apps use.
        </Text>
        {canCreate ? (
          <Button onClick={onCreate}>Create your first project</Button>
        ) : (
          <Text size="sm">Creating projects needs the admin role: ask an admin of this organization.</Text>
        )}
      </Stack>
    </Paper>
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
      {projects.data?.items.length === 0 && <NoProjects canCreate={canCreate} onCreate={() => setOpen(true)} />}
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }}>
        {projects.data?.items.map((p) => (
          <ProjectCard key={p.id} org={org} project={p} canManage={canCreate} />
        ))}
      </SimpleGrid>
      <Modal opened={open} onClose={() => setOpen(false)} title="New project">
        <NewProject org={org} onClose={() => setOpen(false)} />
      </Modal>
    </>
  );
}
