/**
 * Keyboard shortcuts: two-key sequences (`g f`: flags, `g s`: segments, `g a`: audit log) and
 * `?` for the list of them, read from key presses one at a time; the command palette opens on
 * mod+K and `/` (Mantine Spotlight's own shortcut).
 */
import { envPath, orgPath } from '../../scope';

export type ShortcutAction = 'flags' | 'segments' | 'audit' | 'help';

/** How long the second key of a sequence may wait for. */
export const SEQUENCE_MS = 1500;

export const BINDINGS: Record<string, ShortcutAction> = {
  'g f': 'flags',
  'g s': 'segments',
  'g a': 'audit',
  '?': 'help',
};

/** The shortcuts as the help lists them: key combinations (each a list of keys) and what they do. */
export const SHORTCUT_HELP: { keys: string[][]; does: string }[] = [
  { keys: [['mod', 'K'], ['/']], does: 'Open the command palette: jump to a flag, a page or an action' },
  { keys: [['g', 'f']], does: 'Go to the flags' },
  { keys: [['g', 's']], does: 'Go to the segments' },
  { keys: [['g', 'a']], does: 'Go to the audit log' },
  { keys: [['?']], does: 'Show these shortcuts' },
];

/**
 * A reader of key presses: each press (its `KeyboardEvent.key` and time) returns the action it
 * completes, or null. The first key of a sequence waits `windowMs` for the second.
 */
export function keySequence(bindings: Record<string, ShortcutAction> = BINDINGS, windowMs = SEQUENCE_MS) {
  let pending: { key: string; at: number } | null = null;
  const starts = (key: string) => Object.keys(bindings).some((b) => b.startsWith(`${key} `));
  return (key: string, at: number): ShortcutAction | null => {
    if (pending && at - pending.at <= windowMs) {
      const hit = bindings[`${pending.key} ${key}`];
      pending = null;
      if (hit) return hit;
    }
    pending = null;
    if (bindings[key]) return bindings[key];
    if (starts(key)) pending = { key, at };
    return null;
  };
}

/** Whether a key press belongs to what the user is typing or to an open dialog, not to the shortcuts. */
export function ignoredPress(e: Pick<KeyboardEvent, 'ctrlKey' | 'metaKey' | 'altKey' | 'isComposing' | 'defaultPrevented' | 'target'>): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing || e.defaultPrevented) return true;
  const t = e.target;
  if (t instanceof HTMLElement) {
    if (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) return true;
    // A combobox, a menu or a slider takes its keys itself.
    if (['combobox', 'listbox', 'menu', 'menuitem', 'slider', 'textbox'].includes(t.getAttribute('role') ?? '')) return true;
  }
  return typeof document !== 'undefined' && !!document.querySelector('[role="dialog"][aria-modal="true"]');
}

/** Where `g f`, `g s` and `g a` go: the project's flags and segments (the projects list outside one), the audit log. */
export function shortcutPath(action: 'flags' | 'segments' | 'audit', org: string, place: { project: string; envKey: string } | null): string | null {
  if (!org) return null;
  if (action === 'audit') return `${orgPath(org)}/audit`;
  return place ? `${envPath(org, place.project, place.envKey)}/${action}` : `${orgPath(org)}/projects`;
}
