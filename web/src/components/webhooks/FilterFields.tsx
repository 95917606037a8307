/** What an endpoint receives: projects, environments, flag tags and event types (empty: all). */
import { Checkbox, MultiSelect, SimpleGrid, Stack, TagsInput, Text } from '@mantine/core';
import type { Environment, Project } from '../../api/types';
import { WEBHOOK_EVENTS } from '../../api/webhooks';
import { fieldError } from '../../lib/errors';
import type { FullFilter } from '../../lib/webhooks';

export type OrgEnvironment = Environment & { projectName: string };

interface Props {
  value: FullFilter;
  onChange: (f: FullFilter) => void;
  projects: Project[];
  environments: OrgEnvironment[];
  disabled?: boolean;
  /** The API's answer, for its per-field problems (`/filter/...`). */
  error?: unknown;
}

export function FilterFields({ value, onChange, projects, environments, disabled, error }: Props) {
  // With projects chosen, only their environments are offered.
  const offered = value.projects.length ? environments.filter((e) => value.projects.includes(e.projectId)) : environments;
  return (
    <Stack gap="sm">
      <Text size="sm" fw={500}>
        What it receives{' '}
        <Text span size="xs" c="dimmed">
          (leave a field empty for all)
        </Text>
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <MultiSelect
          label="Projects"
          placeholder={value.projects.length ? undefined : 'All projects'}
          data={projects.map((p) => ({ value: p.id, label: p.name }))}
          value={value.projects}
          disabled={disabled}
          searchable
          clearable
          error={fieldError(error, 'filter/projects')}
          onChange={(ps) =>
            onChange({
              ...value,
              projects: ps,
              // An environment of a project no longer chosen would never match: drop it.
              environments: ps.length ? value.environments.filter((id) => ps.includes(environments.find((e) => e.id === id)?.projectId ?? '')) : value.environments,
            })
          }
        />
        <MultiSelect
          label="Environments"
          placeholder={value.environments.length ? undefined : 'All environments'}
          data={offered.map((e) => ({ value: e.id, label: `${e.projectName} / ${e.name}` }))}
          value={value.environments}
          disabled={disabled}
          searchable
          clearable
          error={fieldError(error, 'filter/environments')}
          onChange={(environments) => onChange({ ...value, environments })}
        />
      </SimpleGrid>
      <TagsInput
        label="Flag tags"
        description="Only changes to flags with one of these tags; press Enter after each"
        placeholder={value.tags.length ? undefined : 'Any tag'}
        value={value.tags}
        disabled={disabled}
        error={fieldError(error, 'filter/tags')}
        onChange={(tags) => onChange({ ...value, tags })}
      />
      <Checkbox.Group
        label="Event types"
        description={value.events.length ? `${value.events.length} chosen` : 'None chosen: every event type'}
        value={value.events}
        error={fieldError(error, 'filter/events')}
        onChange={(events) => onChange({ ...value, events })}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs" spacing="xs">
          {WEBHOOK_EVENTS.map((e) => (
            <Checkbox key={e.value} value={e.value} label={e.value} description={e.help} disabled={disabled} />
          ))}
        </SimpleGrid>
      </Checkbox.Group>
    </Stack>
  );
}
