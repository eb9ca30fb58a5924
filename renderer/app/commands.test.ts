import { describe, expect, it } from 'vitest';
import { createUiStore } from './ui.store';
import { chordOf, commands, isAvailable, matchKeys, type CommandContext } from './commands';
import type { SessionState } from '../auth/session.store';
import { createViewActionsRegistry } from './view-actions';

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
    expect(ids('admin')).toContain('go.audit');
    expect(ids('receptionist')).not.toContain('go.audit');
    expect(ids('doctor')).not.toContain('go.audit');
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

  it('offers check-in and the queue keys only while a view offers them, and check-in only at the desk', () => {
    const registry = createViewActionsRegistry();
    const ui = createUiStore();
    const ctx = (role: CommandContext['role']): CommandContext => ({
      ui: ui.getState(),
      session: {} as SessionState,
      role,
      route: ui.getState().route,
      actions: registry.current(),
    });
    const available = (role: CommandContext['role']) => commands.filter((command) => isAvailable(command, ctx(role)));
    expect(matchKeys(['c'], available('receptionist')).kind).toBe('none');

    const checkedIn: string[] = [];
    const off = registry.register({ checkIn: () => checkedIn.push('board') });
    const match = matchKeys(['c'], available('receptionist'));
    expect(match.kind === 'command' && match.command.id).toBe('queue.checkIn');
    if (match.kind === 'command') match.command.perform(ctx('receptionist'));
    expect(checkedIn).toEqual(['board']);
    expect(matchKeys(['c'], available('doctor')).kind).toBe('none');

    // A nested view (the patient page) wins while it is mounted.
    const offInner = registry.register({ checkIn: () => checkedIn.push('patient'), callNext: () => checkedIn.push('next') });
    registry.current().checkIn?.();
    expect(checkedIn.at(-1)).toBe('patient');
    const callNext = matchKeys(['Alt+N'], available('doctor'));
    expect(callNext.kind === 'command' && callNext.command.id).toBe('queue.callNext');
    offInner();
    off();
    expect(matchKeys(['c'], available('receptionist')).kind).toBe('none');
    expect(matchKeys(['g', 'q'], available('doctor')).kind).toBe('command');
  });

  it('opens "Add a screen" from the palette, for the desk only', () => {
    const ui = createUiStore();
    const add = commands.find((command) => command.id === 'screens.add')!;
    expect(isAvailable(add, context('doctor'))).toBe(false);
    add.perform({ ui: ui.getState(), session: {} as SessionState, role: 'receptionist', route: ui.getState().route });
    expect(ui.getState().route).toEqual({ view: 'settings' });
    expect(ui.getState().focusRequest?.target).toBe('addScreen');
  });

  it('opens the sync panel from the palette, for everyone, wherever they are', () => {
    const ui = createUiStore();
    ui.getState().navigate({ view: 'patients', patientId: 3 });
    const open = commands.find((command) => command.id === 'sync.open')!;
    expect(isAvailable(open, context('doctor'))).toBe(true);
    open.perform({ ui: ui.getState(), session: {} as SessionState, role: 'doctor', route: ui.getState().route });
    expect(ui.getState().focusRequest?.target).toBe('syncPanel');
    expect(ui.getState().route).toEqual({ view: 'patients', patientId: 3 });
  });
});
