import { isMethodName, type EventName } from '../../shared/contract/contract';
import { AppError, type ErrorBody, type RpcResult } from '../../shared/contract/errors';
import { eventAudience } from '../../shared/contract/events';
import type { DeviceRole } from '../../shared/contract/method';
import type { DeviceBinding, Session } from '../rpc/context';
import type { SessionStore } from '../auth/session-store';
import type { EventBus } from '../events/event-bus';
import type { Dispatch } from '../rpc/dispatch';
import type { EventMessage } from './channels';
import { checkSender, type SenderInfo } from './sender-policy';
import { WindowSessions } from './window-sessions';

/** Same ceiling as the browser host's request body: no contract input comes near it. */
export const MAX_INPUT_BYTES = 1024 * 1024;
const MAX_METHOD_NAME_LENGTH = 100;

/** A window as the bridge sees it: an id to bind a session to and a way to push events. */
export interface BridgeWindow {
  readonly id: number;
  send(message: EventMessage): void;
}

export interface WindowOptions {
  /**
   * The app's own waiting-room display or kiosk window: trusted as a device of that role
   * without pairing (it runs on the desk's machine, in a window main created). It may call
   * what that role may call and receives the events that role receives, signed in or not.
   * The desk window has none: signed out, it can call only public methods and hears nothing.
   */
  deviceRole?: DeviceRole;
}

/** How the built-in windows are named in the audit log and in `devices.whoAmI`. */
export const BUILT_IN_DEVICE_NAMES: Readonly<Record<DeviceRole, string>> = {
  display: 'Waiting-room display (this computer)',
  kiosk: 'Kiosk (this computer)',
};

export interface IpcBridgeOptions {
  dispatch: Dispatch;
  sessions: SessionStore;
  bus: EventBus;
  /** This machine's name, recorded with the window id in the audit log. */
  workstation: string;
  now?: () => number;
  log?: (message: string) => void;
  /** Whether a session is locked now (`FrontDesk.isLocked`): a locked window hears no events. */
  isLocked?: (session: Session) => boolean;
}

/**
 * The main-process half of the IPC bridge, without Electron: the shell hands it each
 * invoke with what it knows about the sender, and registers the windows it creates. Every
 * message is checked here before the dispatcher parses its input and checks the role.
 */
export class IpcBridge {
  private readonly windows = new Map<number, { window: BridgeWindow; options: WindowOptions }>();
  private readonly windowSessions: WindowSessions;
  private readonly unsubscribe: () => void;
  private readonly log: (message: string) => void;

  constructor(private readonly options: IpcBridgeOptions) {
    this.windowSessions = new WindowSessions(options.sessions, options.now);
    this.log = options.log ?? ((message) => console.warn(message));
    this.unsubscribe = options.bus.subscribe((event, payload) => this.forward(event, payload));
  }

  addWindow(window: BridgeWindow, options: WindowOptions = {}): void {
    this.windows.set(window.id, { window, options });
  }

  /** Closing a window signs it out: its session must not outlive the screen that showed it. */
  removeWindow(windowId: number): void {
    this.windows.delete(windowId);
    this.windowSessions.signOut(windowId);
  }

  isOurWindow = (webContentsId: number): boolean => this.windows.has(webContentsId);

  /** Never rejects: whatever goes wrong becomes an error result the renderer can show. */
  async handleInvoke(sender: SenderInfo, method: unknown, input: unknown, options?: unknown): Promise<RpcResult<unknown>> {
    const verdict = checkSender(sender, this.isOurWindow);
    if (!verdict.trusted) {
      this.log(`front-desk ipc: refused a call: ${verdict.reason}`);
      return failure({ code: 'FORBIDDEN', message: 'This window may not call Front Desk.' });
    }
    if (typeof method !== 'string' || method.length > MAX_METHOD_NAME_LENGTH || !isMethodName(method)) {
      const name = typeof method === 'string' ? method.slice(0, MAX_METHOD_NAME_LENGTH) : typeof method;
      return failure({ code: 'UNKNOWN_METHOD', message: `There is no method named ${JSON.stringify(name)}.` });
    }
    const size = jsonSize(input);
    if (size === null) return failure({ code: 'VALIDATION', message: 'The input must be plain JSON data.' });
    if (size > MAX_INPUT_BYTES) return failure({ code: 'PAYLOAD_TOO_LARGE', message: 'That request is too large.' });

    const windowId = sender.webContentsId;
    return this.options.dispatch(
      {
        transport: 'ipc',
        workstation: `${this.options.workstation} window ${windowId}`,
        source: 'app',
        auth: this.windowSessions.binding(windowId),
        device: this.deviceBinding(windowId),
        // Only a call the page marks as a person's counts as activity; anything else is background.
        isBackground: !(typeof options === 'object' && options !== null && (options as { background?: unknown }).background === false),
      },
      method,
      input,
    );
  }

  private deviceBinding(windowId: number): DeviceBinding {
    return {
      current: () => {
        const role = this.windows.get(windowId)?.options.deviceRole;
        return role ? { id: null, role, name: BUILT_IN_DEVICE_NAMES[role] } : null;
      },
      pair: () => {
        throw new AppError('FORBIDDEN', "The app's own windows need no pairing.");
      },
    };
  }

  /**
   * Each window gets the events its caller role may receive (`eventAudience`): a signed-in
   * window its member of staff's, a built-in display or kiosk window its device role's;
   * a signed-out desk window none.
   */
  private forward(event: EventName, payload: unknown): void {
    const audience = eventAudience[event];
    for (const [windowId, { window, options }] of this.windows) {
      const session = this.windowSessions.current(windowId);
      // A locked desk window hears nothing until it is unlocked; a built-in display or kiosk window still hears as its device role.
      const isLocked = session !== null && (session.isLocked || (this.options.isLocked?.(session) ?? false));
      const role = (isLocked ? null : session?.role) ?? options.deviceRole ?? null;
      if (role === null || !audience.includes(role)) continue;
      try {
        window.send({ event, payload });
      } catch (error) {
        // A window being torn down can refuse a send; the others must still get the event.
        this.log(`front-desk ipc: could not send ${event} to window ${windowId}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.windowSessions.signOutAll();
    this.windows.clear();
  }
}

function failure(error: ErrorBody): RpcResult<unknown> {
  return { ok: false, error };
}

/**
 * Size of the input as JSON, or null when it is not JSON data (a BigInt, a cycle). IPC's
 * structured clone carries more types than JSON; contract inputs never need them.
 */
function jsonSize(input: unknown): number | null {
  if (input === undefined) return 0;
  try {
    const json = JSON.stringify(input);
    return json === undefined ? null : Buffer.byteLength(json, 'utf8');
  } catch {
    return null;
  }
}
