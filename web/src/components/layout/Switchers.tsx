/** Organization, project and environment pickers; the choice lives in the URL. */
import { Group, Select, Stack } from '@mantine/core';
import { useLocation, useNavigate } from 'react-router';
import { useMe } from '../../api/auth';
import { useProjects } from '../../api/projects';
import { envPath, orgPath, projectPath, useScope } from '../../scope';

/** The current path with the environment swapped, so the same page opens in the other environment. */
function swapEnv(pathname: string, envKey: string): string {
  return pathname.replace(/(\/projects\/[^/]+\/envs\/)[^/]+/, `$1${encodeURIComponent(envKey)}`);
}

/** In a row for the header, or `stacked` (full width, labelled) for the navigation drawer on phones. */
export function Switchers({ stacked = false }: { stacked?: boolean }) {
  const { org, project, envKey, environments } = useScope();
  const me = useMe();
  const projects = useProjects(org || undefined);
  const navigate = useNavigate();
  const loc = useLocation();
  const orgs = me.data?.memberships ?? [];

  // In the header each picker is named by its aria-label; in the drawer by a visible label.
  const named = (name: string, width: number) =>
    stacked ? { label: name, size: 'sm' as const, w: '100%' } : { 'aria-label': name, size: 'xs' as const, w: width };
  const pickers = (
    <>
      <Select
        {...named('Organization', 150)}
        placeholder="Organization"
        data={orgs.map((m) => ({ value: m.organization.id, label: m.organization.name }))}
        value={org || null}
        onChange={(v) => v && v !== org && navigate(orgPath(v))}
        allowDeselect={false}
        comboboxProps={{ withinPortal: true }}
      />
      {org && (
        <Select
          {...named('Project', 150)}
          placeholder={projects.data?.items.length === 0 ? 'No projects yet' : 'Project'}
          data={(projects.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))}
          value={project || null}
          onChange={(v) => v && v !== project && navigate(projectPath(org, v))}
          allowDeselect={false}
        />
      )}
      {project && (
        <Select
          {...named('Environment', 130)}
          placeholder="Environment"
          data={environments.map((e) => ({ value: e.key, label: e.name }))}
          value={envKey || null}
          onChange={(v) => {
            if (!v || v === envKey) return;
            navigate(envKey ? swapEnv(loc.pathname, v) + loc.search : `${envPath(org, project, v)}/flags`);
          }}
          allowDeselect={false}
        />
      )}
    </>
  );
  return stacked ? <Stack gap="xs">{pickers}</Stack> : <Group gap="xs" wrap="nowrap">{pickers}</Group>;
}
