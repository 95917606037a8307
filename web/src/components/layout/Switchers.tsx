/** Organization, project and environment pickers; the choice lives in the URL. */
import { Group, Select } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { useMe } from '../../api/auth';
import { useProjects } from '../../api/projects';
import { envPath, orgPath, projectPath, useScope } from '../../scope';

/** The current path with the environment swapped, so the same page opens in the other environment. */
function swapEnv(pathname: string, envKey: string): string {
  return pathname.replace(/(\/projects\/[^/]+\/envs\/)[^/]+/, `$1${encodeURIComponent(envKey)}`);
}

export function Switchers() {
  const { org, project, envKey, environments } = useScope();
  const me = useMe();
  const projects = useProjects(org || undefined);
  const navigate = useNavigate();
  const loc = useLocation();
  const orgs = me.data?.memberships ?? [];

  return (
    <Group gap="xs" wrap="nowrap">
      <Select
        aria-label="Organization"
        placeholder="Organization"
        size="xs"
        w={160}
        data={orgs.map((m) => ({ value: m.organization.id, label: m.organization.name }))}
        value={org || null}
        onChange={(v) => v && v !== org && navigate(orgPath(v))}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {org && (
        <Select
          aria-label="Project"
          placeholder={projects.data?.items.length === 0 ? 'No projects yet' : 'Project'}
          size="xs"
          w={160}
          data={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={project || null}
          onChange={(v) => v && v !== project && navigate(projectPath(org, v))}
          allowDeselect={false}
        />
      )}
      {project && (
        <Select
          aria-label="Environment"
          placeholder="Environment"
          size="xs"
          w={140}
          data={environments.map((e) => ({ value: e.key, label: e.name }))}
          value={envKey || null}
          onChange={(v) => {
            if (!v || v === envKey) return;
            navigate(envKey ? swapEnv(loc.pathname, v) + loc.search : `${envPath(org, project, v)}/flags`);
          }}
          allowDeselect={false}
        />
      )}
    </Group>
  );
}
