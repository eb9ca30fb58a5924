import { useEffect, useRef } from 'react';
import { chordOf, commands, hasModifier, isAvailable, matchKeys, type CommandContext } from './commands';

const SEQUENCE_TIMEOUT_MS = 1_500;

function isEditable(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

/**
 * The one keyboard handler for the command registry. Plain keys do nothing while typing in
 * a field; modified chords (Ctrl+K, Alt+1) work everywhere. A modal dialog keeps its keys.
 */
export function useShortcuts(getContext: () => CommandContext | null) {
  const contextRef = useRef(getContext);
  contextRef.current = getContext;

  useEffect(() => {
    let pending: string[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const clearPending = () => {
      pending = [];
      if (timer) clearTimeout(timer);
      timer = null;
    };

    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing || event.repeat) return;
      const chord = chordOf(event);
      if (!chord) return;
      const ctx = contextRef.current();
      if (!ctx || ctx.session.isLocked) return;
      if (isEditable(event.target) && !hasModifier(chord)) {
        clearPending();
        return;
      }
      const isPaletteChord = chord === 'Ctrl+K' || chord === 'Meta+K';
      if (document.querySelector('dialog[open]') && !isPaletteChord) return;

      const available = commands.filter((command) => isAvailable(command, ctx));
      let match = matchKeys([...pending, chord], available);
      if (match.kind === 'none' && pending.length > 0) {
        clearPending();
        match = matchKeys([chord], available);
      }
      if (match.kind === 'prefix') {
        event.preventDefault();
        pending = [...pending, chord];
        if (timer) clearTimeout(timer);
        timer = setTimeout(clearPending, SEQUENCE_TIMEOUT_MS);
        return;
      }
      clearPending();
      if (match.kind === 'command') {
        event.preventDefault();
        match.command.perform(ctx);
      }
    };

    window.addEventListener('keydown', onKeyDown);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      clearPending();
    };
  }, []);
}
