/**
 * The command palette (Mantine Spotlight, opened with mod+K or `/`): jump to any flag of the
 * project at hand, to a page, or run an action; and the keyboard shortcuts (`g f`, `g s`, `g a`,
 * `?`). Mounted once, inside the app's frame. `palette.open()` opens it from anywhere.
 */
import '@mantine/spotlight/styles.css';
import { createSpotlight, Spotlight, type SpotlightActionData, useSpotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { api, seg } from '../../api/client';
import { flagKeys, listFlags } from '../../api/flags';
import { projectKeys } from '../../api/projects';
import type { Environment } from '../../api/types';
import { canEditFlags } from '../../lib/roles';
import { flagPath, lastPlace, useScope } from '../../scope';
import { NewFlagModal } from '../flag/NewFlagModal';
import { paletteCommands, shortcutPath } from './commands';
import { ShortcutsHelp } from './ShortcutsHelp';
import { useShortcuts } from './useShortcuts';

export const [paletteStore, palette] = createSpotlight();

export function CommandPalette() {
  const scope = useScope();
  const { flag } = useParams();
  const navigate = useNavigate();
  const { org, role } = scope;
  // Outside a project (members, audit…), the project last opened, as the navigation does.
  const place = scope.project && scope.envKey ? { project: scope.project, envKey: scope.envKey } : org ? lastPlace(org) : null;
  const { opened } = useSpotlight(paletteStore);
  // Read when the palette opens, not polled behind every page.
  const flags = useQuery({ queryKey: flagKeys.list(place?.project ?? ''), queryFn: () => listFlags(place!.project), enabled: opened && !!place, staleTime: 30_000 });
  const environments = useQuery({
    queryKey: projectKeys.environments(place?.project ?? ''),
    queryFn: () => api.get<Environment[]>(`/api/v1/projects/${seg(place!.project)}/environments`),
    enabled: opened && !!place,
    staleTime: 30_000,
  });
  const [creating, setCreating] = useState(false);
  const [help, setHelp] = useState(false);
  useShortcuts((a) => {
    if (a === 'help') return setHelp(true);
    const to = shortcutPath(a, org, place);
    if (to) navigate(to);
  });
  if (!org) return null;
  const commands = paletteCommands({
    org,
    place,
    flag,
    flags: flags.data ?? [],
    environments: environments.data ?? [],
    canCreate: canEditFlags(role),
  });
  const actions: SpotlightActionData[] = commands.map((c) => ({
    id: c.id,
    group: c.group,
    label: c.label,
    description: c.description,
    keywords: c.keywords,
    onClick: () => {
      if (c.to) navigate(c.to);
      else if (c.run === 'new-flag') setCreating(true);
      else setHelp(true);
    },
  }));
  return (
    <>
      <Spotlight
        store={paletteStore}
        actions={actions}
        shortcut={['mod + K', '/']}
        nothingFound={flags.isPending && opened && place ? 'Loading the flags…' : 'Nothing matches'}
        highlightQuery
        limit={40}
        scrollable
        maxHeight={440}
        searchProps={{ placeholder: 'Jump to a flag, a page or an action…', 'aria-label': 'Search flags, pages and actions' }}
      />
      {creating && place && (
        <NewFlagModal
          project={place.project}
          opened
          onClose={() => setCreating(false)}
          onCreated={(key) => {
            setCreating(false);
            navigate(flagPath(org, place.project, place.envKey, key));
          }}
        />
      )}
      <ShortcutsHelp opened={help} onClose={() => setHelp(false)} />
    </>
  );
}
