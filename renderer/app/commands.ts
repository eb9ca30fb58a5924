import type { MethodName } from '../../shared/contract/contract';
import type { Role } from '../../shared/contract/method';
import type { IconName } from '../ui/icons';
import type { Route, View } from './routes';
import type { UiState } from './ui.store';
import type { SessionState } from '../auth/session.store';
import { may } from '../auth/may';
import type { ViewActions } from './view-actions';

/** Everything a command may look at or act on. */
export interface CommandContext {
  ui: UiState;
  session: SessionState;
  role: Role;
  route: Route;
  /** Moves the board by days, when the board is on screen. */
  shiftBoardDay?: (days: number | 'today') => void;
  /** What the view on screen offers (check in the selected card, call the next patient…). */
  actions?: ViewActions;
}

export type CommandGroup = 'navigate' | 'actions' | 'board' | 'queue' | 'help';

/**
 * A command is data (the Excalidraw pattern): the key handler, the command palette and the
 * shortcut sheet all read this one list, so a shortcut shown is a shortcut that works.
 * Keys are chords separated by spaces ("g t" = g, then t); modifiers join with "+".
 */
export interface Command {
  id: string;
  label: CommandLabel;
  group: CommandGroup;
  keys: string[];
  icon?: IconName;
  /** The method it calls or the screen it opens needs: whoever may call it may use the command (default: everyone). */
  method?: MethodName;
  /** Where it applies (e.g. only on a patient's page). */
  when?: (ctx: CommandContext) => boolean;
  perform: (ctx: CommandContext) => void;
}

export type CommandLabel =
  | 'commands.goToday'
  | 'commands.goPatients'
  | 'commands.goBook'
  | 'commands.goSetup'
  | 'commands.goSettings'
  | 'audit.go'
  | 'reports.go'
  | 'commands.searchPatients'
  | 'commands.newPatient'
  | 'commands.editPatient'
  | 'commands.bookAppointment'
  | 'commands.palette'
  | 'commands.shortcuts'
  | 'commands.lock'
  | 'commands.signOut'
  | 'commands.previousDay'
  | 'commands.nextDay'
  | 'commands.today'
  | 'queue.commands.goQueue'
  | 'queue.commands.checkIn'
  | 'queue.commands.callNext'
  | 'queue.commands.recall'
  | 'queue.commands.start'
  | 'queue.commands.finish'
  | 'screens.commands.addScreen'
  | 'sync.commands.open';

const go = (route: Route) => (ctx: CommandContext) => ctx.ui.navigate(route);
const offers = (name: keyof ViewActions) => (ctx: CommandContext) => !!ctx.actions?.[name];
const run = (name: keyof ViewActions) => (ctx: CommandContext) => ctx.actions?.[name]?.();

export const viewCommandIds: Record<View, string> = {
  today: 'go.today',
  queue: 'go.queue',
  patients: 'go.patients',
  book: 'go.book',
  setup: 'go.setup',
  settings: 'go.settings',
  audit: 'go.audit',
  reports: 'go.reports',
};

export const commands: readonly Command[] = [
  { id: 'go.today', label: 'commands.goToday', group: 'navigate', keys: ['g t', 'Alt+1'], icon: 'board', perform: go({ view: 'today' }) },
  { id: 'go.queue', label: 'queue.commands.goQueue', group: 'navigate', keys: ['g q'], icon: 'queue', perform: go({ view: 'queue' }) },
  { id: 'go.patients', label: 'commands.goPatients', group: 'navigate', keys: ['g p', 'Alt+2'], icon: 'users', perform: go({ view: 'patients' }) },
  {
    id: 'go.book',
    label: 'commands.goBook',
    group: 'navigate',
    keys: ['g b', 'Alt+3'],
    icon: 'calendarPlus',
    method: 'appointments.book',
    perform: go({ view: 'book' }),
  },
  {
    id: 'go.setup',
    label: 'commands.goSetup',
    group: 'navigate',
    keys: ['g s', 'Alt+4'],
    icon: 'sliders',
    method: 'settings.update',
    perform: go({ view: 'setup' }),
  },
  { id: 'go.settings', label: 'commands.goSettings', group: 'navigate', keys: ['g o', 'Alt+5'], icon: 'settings', perform: go({ view: 'settings' }) },
  { id: 'go.reports', label: 'reports.go', group: 'navigate', keys: ['g r'], icon: 'chart', method: 'reports.mine', perform: go({ view: 'reports' }) },
  { id: 'go.audit', label: 'audit.go', group: 'navigate', keys: ['g a'], icon: 'lock', method: 'audit.list', perform: go({ view: 'audit' }) },
  {
    id: 'patients.search',
    label: 'commands.searchPatients',
    group: 'actions',
    keys: ['/'],
    icon: 'search',
    perform: (ctx) => {
      if (ctx.route.view !== 'patients' || ctx.route.mode) ctx.ui.navigate({ view: 'patients' });
      ctx.ui.requestFocus('patientSearch');
    },
  },
  {
    id: 'patients.new',
    label: 'commands.newPatient',
    group: 'actions',
    keys: ['n'],
    icon: 'userPlus',
    method: 'patients.create',
    perform: go({ view: 'patients', mode: 'new' }),
  },
  {
    id: 'patients.edit',
    label: 'commands.editPatient',
    group: 'actions',
    keys: ['e'],
    icon: 'edit',
    method: 'patients.update',
    when: (ctx) => ctx.route.view === 'patients' && !!ctx.route.patientId && !ctx.route.mode,
    perform: (ctx) => {
      if (ctx.route.view === 'patients' && ctx.route.patientId) ctx.ui.navigate({ view: 'patients', patientId: ctx.route.patientId, mode: 'edit' });
    },
  },
  {
    id: 'book.new',
    label: 'commands.bookAppointment',
    group: 'actions',
    keys: ['b'],
    icon: 'calendarPlus',
    method: 'appointments.book',
    perform: (ctx) => {
      // From a patient's page, "book" means "book for this patient".
      const patientId = ctx.route.view === 'patients' && ctx.route.patientId && !ctx.route.mode ? ctx.route.patientId : undefined;
      ctx.ui.navigate(patientId ? { view: 'book', patientId } : { view: 'book' });
    },
  },
  {
    id: 'board.previous',
    label: 'commands.previousDay',
    group: 'board',
    keys: ['['],
    icon: 'chevronLeft',
    when: (ctx) => ctx.route.view === 'today' && !!ctx.shiftBoardDay,
    perform: (ctx) => ctx.shiftBoardDay?.(-1),
  },
  {
    id: 'board.next',
    label: 'commands.nextDay',
    group: 'board',
    keys: [']'],
    icon: 'chevronRight',
    when: (ctx) => ctx.route.view === 'today' && !!ctx.shiftBoardDay,
    perform: (ctx) => ctx.shiftBoardDay?.(1),
  },
  {
    id: 'board.today',
    label: 'commands.today',
    group: 'board',
    keys: ['t'],
    icon: 'calendar',
    when: (ctx) => ctx.route.view === 'today' && !!ctx.shiftBoardDay,
    perform: (ctx) => ctx.shiftBoardDay?.('today'),
  },
  {
    id: 'queue.checkIn',
    label: 'queue.commands.checkIn',
    group: 'board',
    keys: ['c'],
    icon: 'checkCircle',
    method: 'checkin.checkIn',
    when: offers('checkIn'),
    perform: run('checkIn'),
  },
  { id: 'queue.callNext', label: 'queue.commands.callNext', group: 'queue', keys: ['Alt+N'], icon: 'bell', when: offers('callNext'), perform: run('callNext') },
  { id: 'queue.recall', label: 'queue.commands.recall', group: 'queue', keys: ['r'], icon: 'refresh', when: offers('recall'), perform: run('recall') },
  { id: 'queue.start', label: 'queue.commands.start', group: 'queue', keys: ['s'], icon: 'play', when: offers('start'), perform: run('start') },
  { id: 'queue.finish', label: 'queue.commands.finish', group: 'queue', keys: ['f'], icon: 'check', when: offers('finish'), perform: run('finish') },
  {
    id: 'screens.add',
    label: 'screens.commands.addScreen',
    group: 'actions',
    keys: [],
    icon: 'monitor',
    method: 'devices.createPairingCode',
    perform: (ctx) => {
      ctx.ui.navigate({ view: 'settings' });
      ctx.ui.requestFocus('addScreen');
    },
  },
  { id: 'sync.open', label: 'sync.commands.open', group: 'actions', keys: [], icon: 'refresh', perform: (ctx) => ctx.ui.requestFocus('syncPanel') },
  {
    id: 'palette.open',
    label: 'commands.palette',
    group: 'help',
    keys: ['Ctrl+K', 'Meta+K'],
    icon: 'command',
    perform: (ctx) => ctx.ui.setPaletteOpen(!ctx.ui.isPaletteOpen),
  },
  { id: 'help.shortcuts', label: 'commands.shortcuts', group: 'help', keys: ['?'], icon: 'keyboard', perform: (ctx) => ctx.ui.setShortcutSheetOpen(true) },
  { id: 'session.lock', label: 'commands.lock', group: 'help', keys: ['Alt+L'], icon: 'lock', perform: (ctx) => ctx.session.lock() },
  { id: 'session.signOut', label: 'commands.signOut', group: 'help', keys: [], icon: 'logOut', perform: (ctx) => void ctx.session.signOut() },
];

export function isPermitted(command: Command, role: Role): boolean {
  return !command.method || may(role, command.method);
}

export function isAvailable(command: Command, ctx: CommandContext): boolean {
  return isPermitted(command, ctx.role) && (command.when ? command.when(ctx) : true);
}

/** The chord a key press makes: "Ctrl+K", "Alt+1", "g", "?". Layout-independent for modified keys. */
export function chordOf(event: Pick<KeyboardEvent, 'key' | 'code' | 'ctrlKey' | 'altKey' | 'metaKey' | 'shiftKey'>): string | null {
  if (['Control', 'Alt', 'Shift', 'Meta', 'AltGraph', 'Dead'].includes(event.key)) return null;
  const hasModifier = event.ctrlKey || event.altKey || event.metaKey;
  let key = event.key;
  if (hasModifier) {
    // Alt+1 types "¡" on a Mac and Ctrl+K may arrive as "k" or "K": the physical key is what counts.
    const letter = /^Key([A-Z])$/.exec(event.code);
    const digit = /^Digit(\d)$/.exec(event.code);
    if (letter) key = letter[1]!;
    else if (digit) key = digit[1]!;
    else if (key.length === 1) key = key.toUpperCase();
  } else if (key.length === 1) {
    key = key.toLowerCase() === key.toUpperCase() ? key : key.toLowerCase();
  }
  const parts: string[] = [];
  if (event.ctrlKey) parts.push('Ctrl');
  if (event.altKey) parts.push('Alt');
  if (event.metaKey) parts.push('Meta');
  parts.push(key);
  return parts.join('+');
}

export function hasModifier(chord: string): boolean {
  return /^(Ctrl|Alt|Meta)\+/.test(chord);
}

export type KeyMatch = { kind: 'command'; command: Command } | { kind: 'prefix' } | { kind: 'none' };

/** Matches the chords typed so far against the available commands' keys. */
export function matchKeys(sequence: string[], available: readonly Command[]): KeyMatch {
  const typed = sequence.join(' ');
  let isPrefix = false;
  for (const command of available) {
    for (const keys of command.keys) {
      if (keys === typed) return { kind: 'command', command };
      if (keys.startsWith(`${typed} `)) isPrefix = true;
    }
  }
  return isPrefix ? { kind: 'prefix' } : { kind: 'none' };
}
