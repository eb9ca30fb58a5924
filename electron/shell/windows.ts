import { BrowserWindow, protocol, type Session, type WebContents, type WebPreferences } from 'electron';
import { APP_SCHEME } from '../ipc/app-origin';
import { serveAppRequest } from './app-protocol';
import type { ShowMode, WindowShape } from './screens';
import { isPermissionGranted, isRequestAllowed } from './web-policy';

/** Must run before `app` is ready: Electron only honours the first registration. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: relative URLs and 'self' work; secure: a secure context (camera, crypto.subtle);
    // stream: media from app:// can seek. No bypassCSP, no service workers.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true, codeCache: true } },
  ]);
}

/** Serves dist/renderer on app://front-desk/. */
export function installAppProtocol(rendererRoot: string): void {
  protocol.handle(APP_SCHEME, (request) =>
    serveAppRequest(rendererRoot, request).catch((error: unknown) => {
      console.error(`front-desk: could not serve ${request.url}: ${error instanceof Error ? error.message : String(error)}`);
      return new Response(null, { status: 500 });
    }),
  );
}

/** Permissions, devices, downloads and outgoing requests for the session our windows use. */
export function installSessionPolicy(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(
      isPermissionGranted({
        permission,
        requestingUrl: details.requestingUrl,
        isMainFrame: details.isMainFrame,
        mediaTypes: 'mediaTypes' in details ? details.mediaTypes : undefined,
      }),
    );
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted({
      permission,
      requestingUrl: requestingOrigin,
      isMainFrame: details.isMainFrame,
      mediaTypes: details.mediaType ? [details.mediaType] : undefined,
    }),
  );
  session.setDevicePermissionHandler(() => false);
  session.on('will-download', (event) => event.preventDefault());
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isRequestAllowed(details.url);
    if (!allowed) console.warn(`front-desk: blocked a request to ${safeOrigin(details.url)}`);
    callback({ cancel: !allowed });
  });
}

/**
 * Applied to every webContents the app creates: no navigation away from the loaded page, no
 * redirects, no new windows, no <webview>. The UI routes on the client, so none are needed.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-frame-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export interface AppWindowOptions {
  preload: string;
  devTools: boolean;
  icon?: string | undefined;
  /** Size, place and chrome of the window; the desk's when absent. */
  shape?: WindowShape | undefined;
  /** How it shows itself once painted; `focus` when absent. */
  show?: ShowMode | undefined;
  /** The display speaks and chimes on its own, with nobody there to click first. */
  autoplayPolicy?: WebPreferences['autoplayPolicy'] | undefined;
  /** Screens for the public (display, kiosk) carry no menu: nothing for a patient to open or quit. */
  hasMenu?: boolean | undefined;
}

/**
 * Every window of the app, the desk's, the display's and the kiosk's, is made here, so all
 * of them get the same webPreferences; callers may shape the window, never loosen those.
 */
export function createAppWindow(options: AppWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    title: 'Front Desk',
    backgroundColor: '#f5f6f8',
    autoHideMenuBar: true,
    ...(options.icon ? { icon: options.icon } : {}),
    ...options.shape,
    show: false,
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      // Middle-click would otherwise try to open links in a new window.
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
      devTools: options.devTools,
      ...(options.autoplayPolicy ? { autoplayPolicy: options.autoplayPolicy } : {}),
    },
  });
  if (options.hasMenu === false) window.removeMenu();
  // Shown once painted, so the desk never sees a blank white frame.
  window.once('ready-to-show', () => showWindow(window, options.show ?? 'focus'));
  return window;
}

function showWindow(window: BrowserWindow, mode: ShowMode): void {
  if (mode === 'focus') {
    window.show();
    return;
  }
  window.showInactive();
  if (mode === 'minimized') window.minimize();
}

function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'an unparseable URL';
  }
}
