/**
 * The command palette itself (Mantine Spotlight), loaded the first time it is asked for: every
 * flag of the project at hand (by key or name), the pages, the project's environments, and
 * actions ("New flag", the shortcut list). `CommandPalette` opens it.
 */
import '@mantine/spotlight/styles.css';
import { createSpotlight, Spotlight, type SpotlightActionData, useSpotlight } from '@mantine/spotlight';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { api, seg } from '../../api/client';
import { flagKeys, listFlags } from '../../api/flags';
import { projectKeys } from '../../api/projects';
import type { Environment } from '../../api/types';
import { flagPath } from '../../scope';
import { NewFlagModal } from '../flag/NewFlagModal';
import { paletteCommands, type Where } from './commands';

export const [paletteStore, palette] = createSpotlight();

export interface PaletteDialogProps extends Pick<Where, 'org' | 'place' | 'flag' | 'canCreate'> {
  /** Counts the requests to open (mod+K, `/`): each new one opens the palette. */
  opens: number;
  onShortcuts: () => void;
}

export default function PaletteDialog({ org, place, flag, canCreate, opens, onShortcuts }: PaletteDialogProps) {
  const navigate = useNavigate();
  const { opened } = useSpotlight(paletteStore);
  useEffect(() => {
    if (opens > 0) palette.open();
  }, [opens]);
  // Read when the palette opens, not polled behind every page.
  const project = place?.project ?? '';
  const flags = useQuery({ queryKey: flagKeys.list(project), queryFn: () => listFlags(project), enabled: opened && !!project, staleTime: 30_000 });
  const environments = useQuery({
    queryKey: projectKeys.environments(project),
    queryFn: () => api.get<Environment[]>(`/api/v1/projects/${seg(project)}/environments`),
    enabled: opened && !!project,
    staleTime: 30_000,
  });
  const [creating, setCreating] = useState(false);
  const commands = paletteCommands({ org, place, flag, canCreate, flags: flags.data ?? [], environments: environments.data ?? [] });
  const actions: SpotlightActionData[] = commands.map((c) => ({
    id: c.id,
    group: c.group,
    label: c.label,
    description: c.description,
    keywords: c.keywords,
    onClick: () => {
      if (c.to) navigate(c.to);
      else if (c.run === 'new-flag') setCreating(true);
      else onShortcuts();
    },
  }));
  return (
    <>
      <Spotlight
        store={paletteStore}
        actions={actions}
        // Opened by `CommandPalette`'s keys, which work before this is loaded.
        shortcut={null}
        nothingFound={flags.isPending && opened && project ? 'Loading the flags…' : 'Nothing matches'}
        highlightQuery
        limit={40}
        scrollable
        maxHeight={440}
        // A name for the dialog (axe aria-dialog-name); descriptions at full opacity, so the
        // selected row's stays readable on the primary colour (0.7 gave 3.1:1).
        title="Command palette"
        styles={{ action: { '--action-description-opacity': 1 } as React.CSSProperties }}
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
    </>
  );
}
