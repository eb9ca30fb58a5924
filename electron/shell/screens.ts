import type { DeviceRole } from '../../shared/contract/method';
import { APP_ORIGIN } from '../ipc/app-origin';

/** A rectangle in DIP, as Electron's `Display.bounds`. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What the shell needs to know of a monitor (a subset of Electron's `Display`). */
export interface ScreenInfo {
  id: number;
  bounds: Rect;
}

export interface ScreenLayout {
  screens: readonly ScreenInfo[];
  primaryId: number;
}

/** The app's own extra windows are the two device screens; the role is also their bridge role. */
export type ScreenRole = DeviceRole;

const SCREEN_PATHS: Readonly<Record<ScreenRole, string>> = { display: '/display', kiosk: '/kiosk' };

/** The renderer picks its app from the path (renderer/devices/screen-for-path.ts). */
export function screenUrl(role: ScreenRole): string {
  return new URL(SCREEN_PATHS[role], APP_ORIGIN).href;
}

/** The first monitor that is not the primary one, in the order the system lists them. */
export function secondScreen(layout: ScreenLayout): ScreenInfo | null {
  return layout.screens.find((screen) => screen.id !== layout.primaryId) ?? null;
}

export type DisplayPlacement = { kind: 'second-screen'; screenId: number; bounds: Rect } | { kind: 'window' };

/** Full screen on the second monitor when the clinic wants it and one is plugged in; a window otherwise. */
export function displayPlacement(useSecondScreen: boolean, layout: ScreenLayout): DisplayPlacement {
  const target = useSecondScreen ? secondScreen(layout) : null;
  return target ? { kind: 'second-screen', screenId: target.id, bounds: { ...target.bounds } } : { kind: 'window' };
}

/**
 * Two placements are the same when they put the window on the same monitor. The monitor's
 * size is left out: a full-screen window follows a resolution change by itself.
 */
export function isSamePlacement(a: DisplayPlacement, b: DisplayPlacement): boolean {
  if (a.kind === 'window' || b.kind === 'window') return a.kind === b.kind;
  return a.screenId === b.screenId;
}

/**
 * Options for the window itself, without Electron's types so that they can be tested here;
 * `createAppWindow` lays them over its defaults and never lets them touch webPreferences.
 */
export interface WindowShape {
  title: string;
  backgroundColor: string;
  x?: number;
  y?: number;
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  fullscreen?: boolean;
  kiosk?: boolean;
  frame?: boolean;
}

/** The display's own background (renderer/display/display.css), so no white frame flashes on the TV. */
const DISPLAY_BACKGROUND = '#0a131d';

export function displayWindowShape(placement: DisplayPlacement): WindowShape {
  const base = { title: 'Front Desk: waiting-room display', backgroundColor: DISPLAY_BACKGROUND, minWidth: 640, minHeight: 360 };
  if (placement.kind === 'window') return { ...base, width: 1280, height: 720 };
  // Positioned on the monitor first: a window goes full screen on the monitor it is on.
  // Frameless as well, so that where a window manager refuses full screen the window still
  // covers the monitor without a title bar.
  return { ...base, ...placement.bounds, fullscreen: true, frame: false };
}

export function kioskWindowShape(isKioskMode: boolean): WindowShape {
  const base = { title: 'Front Desk: check-in kiosk', backgroundColor: '#f5f6f8', width: 1024, height: 768, minWidth: 768, minHeight: 576 };
  return isKioskMode ? { ...base, kiosk: true, frame: false } : base;
}

/**
 * How a new window shows itself once painted. The display is put on its monitor without
 * taking the keyboard from the desk; when its monitor goes away it waits minimised, so a
 * TV switched off does not drop a window on top of the receptionist's work.
 */
export type ShowMode = 'focus' | 'inactive' | 'minimized';
