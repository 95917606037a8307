/** Listens for the keyboard shortcuts (`shortcuts.ts`) on the whole page while mounted. */
import { useEffect, useRef } from 'react';
import { ignoredPress, keySequence, type ShortcutAction } from './shortcuts';

export function useShortcuts(run: (a: ShortcutAction) => void) {
  const latest = useRef(run);
  useEffect(() => {
    latest.current = run;
  });
  useEffect(() => {
    const press = keySequence();
    const onKey = (e: KeyboardEvent) => {
      if (ignoredPress(e)) return;
      const action = press(e.key, Date.now());
      if (!action) return;
      e.preventDefault();
      latest.current(action);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
