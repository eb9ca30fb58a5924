import { describe, expect, it } from 'vitest';
import { createUiStore } from './ui.store';
import { chordOf, commands, isAvailable, matchKeys, type CommandContext } from './commands';
import type { SessionState } from '../session/session.store';

const key = (key: string, over: Partial<KeyboardEvent> = {}) => ({ key, code: '', ctrlKey: false, altKey: false, metaKey: false, shiftKey: false, ...over });

function context(role: CommandContext['role']): CommandContext {
  const ui = createUiStore().getState();
  return { ui, session: {} as SessionState, role, route: ui.route };
}

describe('command keys', () => {
  it('turns key presses into chords, by physical key when modified', () => {
    expect(chordOf(key('k', { ctrlKey: true, code: 'KeyK' }))).toBe('Ctrl+K');
    expect(chordOf(key('¡', { altKey: true, code: 'Digit1' }))).toBe('Alt+1');
    expect(chordOf(key('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(key('G', { shiftKey: true }))).toBe('g');
    expect(chordOf(key('Shift', { shiftKey: true }))).toBeNull();
  });

  it('matches sequences and reports prefixes', () => {
    const available = commands.filter((command) => isAvailable(command, context('admin')));
    expect(matchKeys(['g'], available).kind).toBe('prefix');
    const match = matchKeys(['g', 't'], available);
    expect(match.kind === 'command' && match.command.id).toBe('go.today');
    expect(matchKeys(['x'], available).kind).toBe('none');
  });

  it('offers each role only what it may do', () => {
    const ids = (role: CommandContext['role']) => commands.filter((command) => isAvailable(command, context(role))).map((command) => command.id);
    expect(ids('admin')).toContain('go.setup');
    expect(ids('receptionist')).not.toContain('go.setup');
    expect(ids('doctor')).not.toContain('book.new');
    expect(ids('doctor')).toContain('patients.search');
  });

  it('has no key sequence bound twice', () => {
    const all = commands.flatMap((command) => command.keys);
    expect(new Set(all).size).toBe(all.length);
  });

  it('book from a patient page books for that patient', () => {
    const ui = createUiStore();
    ui.getState().navigate({ view: 'patients', patientId: 12 });
    const ctx: CommandContext = { ui: ui.getState(), session: {} as SessionState, role: 'receptionist', route: ui.getState().route };
    commands.find((command) => command.id === 'book.new')!.perform(ctx);
    expect(ui.getState().route).toEqual({ view: 'book', patientId: 12 });
  });
});
