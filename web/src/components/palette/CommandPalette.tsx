/**
 * The command palette and the keyboard shortcuts, mounted once inside the app's frame. mod+K or
 * `/` opens the palette (`PaletteDialog`, loaded on first use, as the shortcut list is, so that
 * neither weighs on the first page load); `g f`, `g s`, `g a` jump to the flags, segments and
 * audit log; `?` lists them.
 */
import { useHotkeys } from '@mantine/hooks';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { canEditFlags } from '../../lib/roles';
import { lastPlace, useScope } from '../../scope';
import { shortcutPath } from './shortcuts';
import { useShortcuts } from './useShortcuts';

const PaletteDialog = lazy(() => import('./PaletteDialog'));

const OPEN_EVENT = 'switchyard:open-palette';
/** Opens the command palette from anywhere: a header button, a touch screen with no keyboard. */
export const openPalette = () => window.dispatchEvent(new Event(OPEN_EVENT));
const ShortcutsHelp = lazy(() => import('./ShortcutsHelp'));

export function CommandPalette() {
  const scope = useScope();
  const { flag } = useParams();
  const navigate = useNavigate();
  const { org, role } = scope;
  // Outside a project (members, audit…), the project last opened, as the navigation does.
  const place = scope.project && scope.envKey ? { project: scope.project, envKey: scope.envKey } : org ? lastPlace(org) : null;
  const [opens, setOpens] = useState(0);
  const [help, setHelp] = useState(false);
  const open = () => setOpens((n) => n + 1);
  useEffect(() => {
    const onOpen = () => setOpens((n) => n + 1);
    window.addEventListener(OPEN_EVENT, onOpen);
    return () => window.removeEventListener(OPEN_EVENT, onOpen);
  }, []);
  useHotkeys([
    ['mod+K', open],
    ['/', open],
  ]);
  useShortcuts((a) => {
    if (a === 'help') return setHelp(true);
    const to = shortcutPath(a, org, place);
    if (to) navigate(to);
  });
  if (!org) return null;
  return (
    <>
      {opens > 0 && (
        <Suspense fallback={null}>
          <PaletteDialog org={org} place={place} flag={flag} canCreate={canEditFlags(role)} opens={opens} onShortcuts={() => setHelp(true)} />
        </Suspense>
      )}
      {help && (
        <Suspense fallback={null}>
          <ShortcutsHelp opened onClose={() => setHelp(false)} />
        </Suspense>
      )}
    </>
  );
}
