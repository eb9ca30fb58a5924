/**
 * The UI is served from `app://front-desk/`, a privileged standard scheme mapped onto
 * dist/renderer. It is the only origin our windows ever load and the only origin whose
 * frames may call the IPC bridge.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'front-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/`;

/**
 * Whether a URL belongs to the app's own origin. Compares scheme and host rather than
 * `URL.origin`, which is the opaque `"null"` for schemes that WHATWG does not know.
 */
export function isAppUrl(url: string | null | undefined): boolean {
  if (typeof url !== 'string' || url.length === 0) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.hostname === APP_HOST && parsed.port === '' && parsed.username === '' && parsed.password === '';
}
