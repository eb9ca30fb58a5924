import { isAppUrl } from '../ipc/app-origin';

export interface PermissionQuery {
  permission: string;
  /** URL of the frame asking (the request's `requestingUrl`, or the check's origin). */
  requestingUrl: string | null | undefined;
  isMainFrame: boolean;
  /** For `media`: what is asked for. Unknown means the API did not say. */
  mediaTypes?: ReadonlyArray<string> | undefined;
}

/**
 * Every permission is denied except the camera for the app's own main frame: face check-in
 * at the kiosk and enrolment photos at the desk. No microphone: nothing at a desk needs to
 * record sound. Notifications, geolocation, clipboard reads, opening external apps: denied.
 */
export function isPermissionGranted(query: PermissionQuery): boolean {
  if (query.permission !== 'media') return false;
  if (!query.isMainFrame || !isAppUrl(query.requestingUrl)) return false;
  const types = query.mediaTypes ?? [];
  return types.length > 0 && types.every((type) => type === 'video');
}

/** Schemes a Front Desk window may request at all; http(s), ws(s) and file: never. */
const allowedRequestSchemes = new Set(['app:', 'data:', 'blob:', 'about:', 'devtools:', 'chrome:', 'chrome-extension:']);

/**
 * A second net under the CSP, at the session level: no request of any window leaves for
 * the network or the file system, whatever a page, a dependency or devtools tries.
 */
export function isRequestAllowed(url: string): boolean {
  try {
    return allowedRequestSchemes.has(new URL(url).protocol);
  } catch {
    return false;
  }
}
