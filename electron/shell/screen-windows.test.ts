import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScreenWindows, type ScreenWindowsHost } from './screen-windows';
import type { ScreenInfo, ScreenRole, ShowMode, WindowShape } from './screens';

const laptop: ScreenInfo = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const tv: ScreenInfo = { id: 7, bounds: { x: 1920, y: 0, width: 3840, height: 2160 } };

interface FakeWindow {
  role: ScreenRole;
  shape: WindowShape;
  show: ShowMode;
  isOpen: boolean;
  focus: ReturnType<typeof vi.fn<() => void>>;
  close: () => void;
  /** The user closes it (title bar, Alt+F4). */
  userClose: () => void;
}

/** Electron's side, faked: windows close asynchronously, as BrowserWindow's 'closed' does. */
function fakeHost(screens: ScreenInfo[]) {
  const windows: FakeWindow[] = [];
  const host: ScreenWindowsHost & { screens: ScreenInfo[] } = {
    screens,
    layout: () => ({ screens: host.screens, primaryId: 1 }),
    open: (role, shape, show, onClosed) => {
      const window: FakeWindow = {
        role,
        shape,
        show,
        isOpen: true,
        focus: vi.fn<() => void>(),
        close: () => {
          if (!window.isOpen) return;
          window.isOpen = false;
          queueMicrotask(onClosed);
        },
        userClose: () => window.close(),
      };
      windows.push(window);
      return window;
    },
  };
  const open = (role: ScreenRole) => windows.filter((window) => window.role === role && window.isOpen);
  return { host, windows, open };
}

const settle = async () => {
  await vi.advanceTimersByTimeAsync(1_000);
};

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('ScreenWindows at start', () => {
  it('opens the display full screen on the second monitor, without taking the desk’s focus', () => {
    const { host, open } = fakeHost([laptop, tv]);
    new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false }).start();
    const [display] = open('display');
    expect(open('display')).toHaveLength(1);
    expect(display!.shape).toMatchObject({ x: 1920, y: 0, width: 3840, height: 2160, fullscreen: true });
    expect(display!.show).toBe('inactive');
    expect(open('kiosk')).toHaveLength(0);
  });

  it('opens nothing with one monitor, or with the setting off', () => {
    const single = fakeHost([laptop]);
    new ScreenWindows(single.host, { useSecondScreen: true, isKioskMode: false }).start();
    expect(single.windows).toHaveLength(0);

    const off = fakeHost([laptop, tv]);
    new ScreenWindows(off.host, { useSecondScreen: false, isKioskMode: false }).start();
    expect(off.windows).toHaveLength(0);
  });

  it('opens the kiosk locked full screen and focused in kiosk mode', () => {
    const { host, open } = fakeHost([laptop]);
    new ScreenWindows(host, { useSecondScreen: false, isKioskMode: true }).start();
    expect(open('kiosk')).toHaveLength(1);
    expect(open('kiosk')[0]!.shape.kiosk).toBe(true);
    expect(open('kiosk')[0]!.show).toBe('focus');
  });
});

describe('ScreenWindows.open', () => {
  it('keeps one window per role and focuses the open one', async () => {
    const { host, open } = fakeHost([laptop]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.open('display');
    screens.open('display');
    screens.open('kiosk');
    screens.open('kiosk');
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.focus).toHaveBeenCalledTimes(1);
    expect(open('display')[0]!.shape.fullscreen).toBeUndefined();
    expect(open('display')[0]!.show).toBe('focus');
    expect(open('kiosk')).toHaveLength(1);
    expect(open('kiosk')[0]!.focus).toHaveBeenCalledTimes(1);
    expect(open('kiosk')[0]!.shape.kiosk).toBeUndefined();

    open('kiosk')[0]!.userClose();
    await Promise.resolve();
    screens.open('kiosk');
    expect(open('kiosk')).toHaveLength(1);
  });

  it('puts a display opened from the menu on the second monitor when the setting asks for it', () => {
    const { host, open } = fakeHost([laptop, tv]);
    new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false }).open('display');
    expect(open('display')[0]!.shape).toMatchObject({ fullscreen: true, x: 1920 });
  });
});

describe('ScreenWindows when monitors change', () => {
  it('moves the display to a monitor plugged in later, and back to a minimised window when it goes', async () => {
    const { host, open } = fakeHost([laptop]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.start();
    expect(open('display')).toHaveLength(0);

    host.screens = [laptop, tv];
    screens.displaysChanged();
    await settle();
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.shape.fullscreen).toBe(true);

    host.screens = [laptop];
    screens.displaysChanged();
    await settle();
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.shape.fullscreen).toBeUndefined();
    expect(open('display')[0]!.show).toBe('minimized');

    host.screens = [laptop, tv];
    screens.displaysChanged();
    await settle();
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.shape.fullscreen).toBe(true);
  });

  it('reads the layout once a burst of changes has settled', async () => {
    const { host, windows } = fakeHost([laptop, tv]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.start();
    // An HDMI handshake: the TV goes and comes back within a moment.
    host.screens = [laptop];
    screens.displaysChanged();
    await vi.advanceTimersByTimeAsync(100);
    host.screens = [laptop, tv];
    screens.displaysChanged();
    await settle();
    expect(windows).toHaveLength(1);
  });

  it('leaves a display window alone when the setting is off, and a closed display closed', async () => {
    const { host, windows, open } = fakeHost([laptop]);
    const screens = new ScreenWindows(host, { useSecondScreen: false, isKioskMode: false });
    screens.open('display');
    host.screens = [laptop, tv];
    screens.displaysChanged();
    await settle();
    expect(windows).toHaveLength(1);
    expect(open('display')[0]!.shape.fullscreen).toBeUndefined();

    const dismissed = fakeHost([laptop, tv]);
    const other = new ScreenWindows(dismissed.host, { useSecondScreen: true, isKioskMode: false });
    other.start();
    dismissed.open('display')[0]!.userClose();
    await Promise.resolve();
    dismissed.host.screens = [laptop];
    other.displaysChanged();
    await settle();
    dismissed.host.screens = [laptop, tv];
    other.displaysChanged();
    await settle();
    expect(dismissed.windows).toHaveLength(1);
    expect(dismissed.open('display')).toHaveLength(0);
  });

  it('does not count a display it replaced as closed by the user', async () => {
    const { host, open } = fakeHost([laptop, tv]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.start();
    host.screens = [laptop];
    screens.displaysChanged();
    await settle();
    // The replaced window's 'closed' came after the new one opened; the new one is still tracked.
    screens.open('display');
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.focus).toHaveBeenCalledTimes(1);
  });

  it('stops listening when disposed', async () => {
    const { host, windows } = fakeHost([laptop]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.displaysChanged();
    screens.dispose();
    host.screens = [laptop, tv];
    await settle();
    expect(windows).toHaveLength(0);
  });
});

describe('ScreenWindows when the setting changes', () => {
  it('moves an open display onto the second monitor and off it again', () => {
    const { host, open } = fakeHost([laptop, tv]);
    const screens = new ScreenWindows(host, { useSecondScreen: false, isKioskMode: false });
    screens.open('display');
    expect(open('display')[0]!.shape.fullscreen).toBeUndefined();

    screens.setUseSecondScreen(true);
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.shape).toMatchObject({ fullscreen: true, x: 1920 });

    screens.setUseSecondScreen(false);
    expect(open('display')).toHaveLength(1);
    expect(open('display')[0]!.shape.fullscreen).toBeUndefined();
    // The user switched it off: a window they can see, not one hidden in the taskbar.
    expect(open('display')[0]!.show).toBe('inactive');
  });

  it('opens the display when switched on with a second monitor, even after the user closed it', async () => {
    const { host, open } = fakeHost([laptop, tv]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.start();
    open('display')[0]!.userClose();
    await Promise.resolve();
    screens.setUseSecondScreen(true);
    expect(open('display')).toHaveLength(0);

    screens.setUseSecondScreen(false);
    screens.setUseSecondScreen(true);
    expect(open('display')).toHaveLength(1);
  });

  it('ignores a save that leaves the setting as it was', () => {
    const { host, windows } = fakeHost([laptop, tv]);
    const screens = new ScreenWindows(host, { useSecondScreen: true, isKioskMode: false });
    screens.start();
    screens.setUseSecondScreen(true);
    expect(windows).toHaveLength(1);
  });
});

describe('ScreenWindows when a window cannot be created', () => {
  it('does not keep a display that never opened', () => {
    const { host, open } = fakeHost([laptop]);
    const realOpen = host.open;
    host.open = () => {
      throw new Error('no GPU');
    };
    const screens = new ScreenWindows(host, { useSecondScreen: false, isKioskMode: false });
    expect(() => screens.open('display')).toThrow('no GPU');
    host.open = realOpen;
    screens.open('display');
    expect(open('display')).toHaveLength(1);
  });
});
