import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { appMenuTemplate, type AppMenuOptions } from './app-menu';

function build(overrides: Partial<AppMenuOptions> = {}) {
  const openScreen = vi.fn();
  const template = appMenuTemplate({ platform: 'win32', locale: 'en-GB', isDevelopment: false, openScreen, ...overrides });
  const items = template.flatMap((menu) => [menu, ...((menu.submenu as MenuItemConstructorOptions[] | undefined) ?? [])]);
  const byId = (id: string) => items.find((item) => item.id === id);
  return { template, items, byId, openScreen };
}

describe('appMenuTemplate', () => {
  it('opens the waiting-room display and the kiosk', () => {
    const { byId, openScreen } = build();
    expect(byId('open-display')!.label).toBe('Open waiting-room display');
    expect(byId('open-kiosk')!.label).toBe('Open check-in kiosk');
    (byId('open-display')!.click as () => void)();
    (byId('open-kiosk')!.click as () => void)();
    expect(openScreen.mock.calls).toEqual([['display'], ['kiosk']]);
  });

  it('speaks Portuguese to a Portuguese system, as the renderer does', () => {
    const { byId, template } = build({ locale: 'pt-PT' });
    expect(byId('open-display')!.label).toBe('Abrir o ecrã da sala de espera');
    expect(byId('open-kiosk')!.label).toBe('Abrir o quiosque de registo');
    expect(template[0]!.label).toBe('Ficheiro');
  });

  it('offers reload and developer tools only in development, and no shortcuts of its own', () => {
    const roles = (options: Partial<AppMenuOptions>) =>
      build(options)
        .items.map((item) => item.role)
        .filter(Boolean);
    expect(roles({ isDevelopment: false })).not.toContain('toggleDevTools');
    expect(roles({ isDevelopment: false })).not.toContain('reload');
    expect(roles({ isDevelopment: true })).toEqual(expect.arrayContaining(['toggleDevTools', 'reload']));
    expect(build().items.some((item) => item.accelerator !== undefined)).toBe(false);
  });

  it('has the macOS application menu only on macOS, and an Edit menu everywhere', () => {
    expect(build({ platform: 'darwin' }).template[0]!.role).toBe('appMenu');
    expect(build({ platform: 'linux' }).template.some((menu) => menu.role === 'appMenu')).toBe(false);
    expect(build({ platform: 'linux' }).template.some((menu) => menu.role === 'editMenu')).toBe(true);
    expect(build({ platform: 'linux' }).template.some((menu) => menu.role === 'help')).toBe(false);
  });
});
