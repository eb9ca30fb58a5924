import type { MenuItemConstructorOptions } from 'electron';
import type { ScreenRole } from './screens';

export interface AppMenuOptions {
  platform: NodeJS.Platform;
  /** The system language (`app.getLocale()`); Portuguese or English, as the renderer chooses. */
  locale: string;
  /** Reload and developer tools, for development builds only. */
  isDevelopment: boolean;
  openScreen(role: ScreenRole): void;
}

const labels = {
  en: { file: 'File', view: 'View', openDisplay: 'Open waiting-room display', openKiosk: 'Open check-in kiosk' },
  pt: { file: 'Ficheiro', view: 'Ver', openDisplay: 'Abrir o ecrã da sala de espera', openKiosk: 'Abrir o quiosque de registo' },
} as const;

/**
 * The application menu, replacing Electron's default (whose Help menu links to Electron's
 * website). On Windows and Linux it is the desk window's menu bar, hidden until Alt; the
 * display and kiosk windows remove theirs. No accelerators: the desk's keyboard belongs to
 * the renderer's commands.
 */
export function appMenuTemplate(options: AppMenuOptions): MenuItemConstructorOptions[] {
  const text = options.locale.toLowerCase().startsWith('pt') ? labels.pt : labels.en;
  const isMac = options.platform === 'darwin';
  return [
    ...(isMac ? [{ role: 'appMenu' } as const] : []),
    {
      label: text.file,
      submenu: [
        { id: 'open-display', label: text.openDisplay, click: () => options.openScreen('display') },
        { id: 'open-kiosk', label: text.openKiosk, click: () => options.openScreen('kiosk') },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    // Without an Edit menu, copy and paste shortcuts do nothing on macOS.
    { role: 'editMenu' },
    {
      label: text.view,
      submenu: [
        ...(options.isDevelopment ? ([{ role: 'reload' }, { role: 'forceReload' }, { role: 'toggleDevTools' }, { type: 'separator' }] as const) : []),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ];
}
