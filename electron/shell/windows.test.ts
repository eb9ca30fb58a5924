import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    readonly once = vi.fn();
    readonly show = vi.fn();
    readonly showInactive = vi.fn();
    readonly minimize = vi.fn();
    readonly removeMenu = vi.fn();
    constructor(readonly options: Record<string, any>) {
      FakeBrowserWindow.created.push(this);
    }
  }
  return {
    FakeBrowserWindow,
    registerSchemesAsPrivileged: vi.fn(),
    handle: vi.fn(),
  };
});

vi.mock('electron', () => ({
  BrowserWindow: electron.FakeBrowserWindow,
  protocol: { registerSchemesAsPrivileged: electron.registerSchemesAsPrivileged, handle: electron.handle },
}));

import { displayWindowShape, kioskWindowShape } from './screens';
import { createAppWindow, hardenWebContents, installSessionPolicy, registerAppScheme } from './windows';

type Listener = (...args: any[]) => unknown;

function emitter() {
  const listeners = new Map<string, Listener>();
  return { listeners, on: vi.fn((name: string, listener: Listener) => listeners.set(name, listener)) };
}

describe('createAppWindow', () => {
  it('creates a sandboxed, isolated window without Node, with the preload and nothing else', () => {
    createAppWindow({ preload: '/app/dist/electron/preload.cjs', devTools: false });
    const options = electron.FakeBrowserWindow.created.at(-1)!.options;
    expect(options.show).toBe(false);
    expect(options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
    });
    expect(options.webPreferences.disableBlinkFeatures).toContain('Auxclick');
  });
});

describe('createAppWindow for the display and the kiosk', () => {
  const hardened = {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    webviewTag: false,
    preload: '/app/preload.cjs',
  };

  it('shapes the window but keeps it hidden until painted and keeps the hardened webPreferences', () => {
    const shape = { ...displayWindowShape({ kind: 'second-screen', screenId: 2, bounds: { x: 1920, y: 0, width: 1920, height: 1080 } }) };
    createAppWindow({ preload: '/app/preload.cjs', devTools: false, shape, autoplayPolicy: 'no-user-gesture-required', hasMenu: false });
    const window = electron.FakeBrowserWindow.created.at(-1)!;
    expect(window.options).toMatchObject({ show: false, fullscreen: true, frame: false, x: 1920, width: 1920, height: 1080 });
    expect(window.options.webPreferences).toMatchObject({ ...hardened, autoplayPolicy: 'no-user-gesture-required' });
    expect(window.removeMenu).toHaveBeenCalled();
  });

  it('cannot be handed a shape that loosens webPreferences or shows the window early', () => {
    const hostile = { ...kioskWindowShape(true), show: true, webPreferences: { nodeIntegration: true, sandbox: false } };
    createAppWindow({ preload: '/app/preload.cjs', devTools: false, shape: hostile as never });
    const window = electron.FakeBrowserWindow.created.at(-1)!;
    expect(window.options.kiosk).toBe(true);
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toMatchObject(hardened);
    expect(window.options.webPreferences.autoplayPolicy).toBeUndefined();
  });

  it('keeps the desk’s menu and shows it focused, inactive or minimised once painted', () => {
    const readyListener = (window: InstanceType<typeof electron.FakeBrowserWindow>) => {
      const call = window.once.mock.calls.find(([name]) => name === 'ready-to-show');
      return call![1] as () => void;
    };
    createAppWindow({ preload: '/app/preload.cjs', devTools: false });
    const desk = electron.FakeBrowserWindow.created.at(-1)!;
    expect(desk.removeMenu).not.toHaveBeenCalled();
    readyListener(desk)();
    expect(desk.show).toHaveBeenCalled();

    createAppWindow({ preload: '/app/preload.cjs', devTools: false, show: 'inactive' });
    const inactive = electron.FakeBrowserWindow.created.at(-1)!;
    readyListener(inactive)();
    expect(inactive.showInactive).toHaveBeenCalled();
    expect(inactive.show).not.toHaveBeenCalled();
    expect(inactive.minimize).not.toHaveBeenCalled();

    createAppWindow({ preload: '/app/preload.cjs', devTools: false, show: 'minimized' });
    const minimized = electron.FakeBrowserWindow.created.at(-1)!;
    readyListener(minimized)();
    expect(minimized.show).not.toHaveBeenCalled();
    expect(minimized.minimize).toHaveBeenCalled();
  });
});

describe('registerAppScheme', () => {
  it('registers app:// as standard and secure, without bypassing the CSP', () => {
    registerAppScheme();
    const [[schemes]] = electron.registerSchemesAsPrivileged.mock.calls as [[Array<{ scheme: string; privileges: Record<string, boolean> }>]];
    expect(schemes).toHaveLength(1);
    expect(schemes[0]!.scheme).toBe('app');
    expect(schemes[0]!.privileges).toMatchObject({ standard: true, secure: true });
    expect(schemes[0]!.privileges.bypassCSP).toBeUndefined();
    expect(schemes[0]!.privileges.allowServiceWorkers).toBeUndefined();
  });
});

describe('hardenWebContents', () => {
  it('cancels every navigation and redirect, refuses new windows and webviews', () => {
    const contents = { ...emitter(), setWindowOpenHandler: vi.fn() };
    hardenWebContents(contents as never);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview']) {
      const event = { preventDefault: vi.fn() };
      contents.listeners.get(name)!(event, 'https://evil.example/');
      expect(event.preventDefault, name).toHaveBeenCalled();
    }
    const openHandler = contents.setWindowOpenHandler.mock.calls[0]![0] as Listener;
    expect(openHandler({ url: 'app://front-desk/' })).toEqual({ action: 'deny' });
    expect(openHandler({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('installSessionPolicy', () => {
  function install() {
    const session = {
      ...emitter(),
      setPermissionRequestHandler: vi.fn(),
      setPermissionCheckHandler: vi.fn(),
      setDevicePermissionHandler: vi.fn(),
      webRequest: { onBeforeRequest: vi.fn() },
    };
    installSessionPolicy(session as never);
    return session;
  }

  it('answers permission requests with the policy: camera for the app, nothing else', () => {
    const session = install();
    const onRequest = session.setPermissionRequestHandler.mock.calls[0]![0] as Listener;
    const answer = (permission: string, details: object) => {
      const callback = vi.fn();
      onRequest({}, permission, callback, details);
      return callback.mock.calls[0]![0];
    };
    expect(answer('media', { requestingUrl: 'app://front-desk/kiosk', isMainFrame: true, mediaTypes: ['video'] })).toBe(true);
    expect(answer('media', { requestingUrl: 'app://front-desk/kiosk', isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(answer('notifications', { requestingUrl: 'app://front-desk/', isMainFrame: true })).toBe(false);

    const onCheck = session.setPermissionCheckHandler.mock.calls[0]![0] as Listener;
    expect(onCheck({}, 'media', 'app://front-desk', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(onCheck({}, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(onCheck({}, 'geolocation', 'app://front-desk', { isMainFrame: true })).toBe(false);

    const onDevice = session.setDevicePermissionHandler.mock.calls[0]![0] as Listener;
    expect(onDevice({ deviceType: 'usb' })).toBe(false);
  });

  it('cancels downloads and requests that leave the app', () => {
    const session = install();
    const download = { preventDefault: vi.fn() };
    session.listeners.get('will-download')!(download);
    expect(download.preventDefault).toHaveBeenCalled();

    const onBeforeRequest = session.webRequest.onBeforeRequest.mock.calls[0]![0] as Listener;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const decide = (url: string) => {
      const callback = vi.fn();
      onBeforeRequest({ url }, callback);
      return callback.mock.calls[0]![0];
    };
    expect(decide('app://front-desk/assets/index.js')).toEqual({ cancel: false });
    expect(decide('https://cdn.example/x.js?patient=1')).toEqual({ cancel: true });
    expect(warn).toHaveBeenCalledWith('front-desk: blocked a request to https://cdn.example');
    warn.mockRestore();
  });
});
