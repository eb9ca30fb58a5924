/** The three apps one bundle serves: the reception desk, the waiting-room display and the kiosk. */
export type ScreenKind = 'reception' | 'display' | 'kiosk';

/**
 * Which app a URL opens, by its first path segment: `/display` and `/kiosk` on the browser
 * host, `app://front-desk/display` in the app's own windows; anything else is the desk.
 */
export function screenForPath(pathname: string): ScreenKind {
  const first = pathname.replace(/^\/+/, '').split('/')[0]?.toLowerCase() ?? '';
  if (first === 'display') return 'display';
  if (first === 'kiosk') return 'kiosk';
  return 'reception';
}
