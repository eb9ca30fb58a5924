import { describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    readonly once = vi.fn();
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
