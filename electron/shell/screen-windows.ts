import {
  displayPlacement,
  displayWindowShape,
  isSamePlacement,
  kioskWindowShape,
  type DisplayPlacement,
  type ScreenLayout,
  type ScreenRole,
  type ShowMode,
  type WindowShape,
} from './screens';

/** A window the shell opened for a screen role, as this module sees it. */
export interface ScreenWindow {
  /** Restores, shows and focuses it. */
  focus(): void;
  close(): void;
}

/** Electron's side, supplied by main.ts. */
export interface ScreenWindowsHost {
  layout(): ScreenLayout;
  /**
   * Creates the window with the app's hardened options and `shape`, registers it with the
   * IPC bridge under `role`, loads the role's page, and calls `onClosed` once it is gone.
   */
  open(role: ScreenRole, shape: WindowShape, show: ShowMode, onClosed: () => void): ScreenWindow;
}

export interface ScreenWindowsOptions {
  /** The clinic's `displayOnSecondScreen` setting when the app starts. */
  useSecondScreen: boolean;
  /** `--kiosk-window`: the kiosk opens at start, full screen and locked (`kiosk: true`). */
  isKioskMode: boolean;
  /** Monitors come and go in bursts (an HDMI handshake); the layout is read once it settles. */
  settleMs?: number;
}

interface DisplayRecord {
  placement: DisplayPlacement;
  window?: ScreenWindow;
}

/**
 * The waiting-room display and kiosk windows: at most one of each, the display kept on the
 * monitor the settings and the plugged-in monitors call for.
 *
 * A display that must change monitor, or go in or out of full screen, is closed and opened
 * again rather than moved: `frame` cannot change on a live window, and leaving full screen
 * is animated on macOS, so a move would depend on timing. The page reloads and fetches the
 * current waiting-room state, as it does after any reconnection.
 */
export class ScreenWindows {
  private display: DisplayRecord | null = null;
  private kiosk: ScreenWindow | null = null;
  private useSecondScreen: boolean;
  /** The user closed the display: it is not brought back by itself until they ask for it again. */
  private isDisplayDismissed = false;
  private settleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly settleMs: number;
  private readonly isKioskMode: boolean;

  constructor(
    private readonly host: ScreenWindowsHost,
    options: ScreenWindowsOptions,
  ) {
    this.useSecondScreen = options.useSecondScreen;
    this.isKioskMode = options.isKioskMode;
    this.settleMs = options.settleMs ?? 500;
  }

  /** After the desk window: the display when it has a monitor of its own, the kiosk in kiosk mode. */
  start(): void {
    this.reconcile();
    if (this.isKioskMode) this.open('kiosk');
  }

  /** The menu's "Open waiting-room display" / "Open check-in kiosk". */
  open(role: ScreenRole): void {
    if (role === 'kiosk') {
      if (this.kiosk) this.kiosk.focus();
      else this.openKiosk();
      return;
    }
    if (this.display) {
      this.display.window?.focus();
      return;
    }
    this.isDisplayDismissed = false;
    const placement = this.targetPlacement();
    // On its own monitor it need not take the keyboard from the desk to be seen.
    this.openDisplay(placement, placement.kind === 'second-screen' ? 'inactive' : 'focus');
  }

  /** The setting changed (or was saved again: nothing happens then). */
  setUseSecondScreen(useSecondScreen: boolean): void {
    if (useSecondScreen === this.useSecondScreen) return;
    this.useSecondScreen = useSecondScreen;
    // Switching it on says "show the display on the second screen", even after a close.
    if (useSecondScreen) this.isDisplayDismissed = false;
    this.reconcile();
  }

  /** A monitor was added, removed or changed. */
  displaysChanged(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = null;
      this.reconcile();
    }, this.settleMs);
  }

  dispose(): void {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = null;
  }

  private targetPlacement(): DisplayPlacement {
    return displayPlacement(this.useSecondScreen, this.host.layout());
  }

  private reconcile(): void {
    const target = this.targetPlacement();
    const current = this.display;
    if (!current) {
      if (target.kind === 'second-screen' && !this.isDisplayDismissed) this.openDisplay(target, 'inactive');
      return;
    }
    if (isSamePlacement(current.placement, target)) return;
    // Still wanted on a second screen but none left: the monitor was unplugged or switched off.
    const show: ShowMode = target.kind === 'window' && this.useSecondScreen ? 'minimized' : 'inactive';
    this.display = null;
    current.window?.close();
    this.openDisplay(target, show);
  }

  private openDisplay(placement: DisplayPlacement, show: ShowMode): void {
    const record: DisplayRecord = { placement };
    this.display = record;
    try {
      record.window = this.host.open('display', displayWindowShape(placement), show, () => {
        // A display closed here to be replaced is no longer the record; only the user's close counts.
        if (this.display !== record) return;
        this.display = null;
        this.isDisplayDismissed = true;
      });
    } catch (error) {
      // Otherwise the menu would keep "focusing" a window that never existed.
      if (this.display === record) this.display = null;
      throw error;
    }
  }

  private openKiosk(): void {
    let window: ScreenWindow | null = null;
    window = this.host.open('kiosk', kioskWindowShape(this.isKioskMode), 'focus', () => {
      if (this.kiosk === window) this.kiosk = null;
    });
    this.kiosk = window;
  }
}
