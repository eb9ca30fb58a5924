/**
 * The one policy every page of Front Desk is served with, by both transports: the Electron
 * app:// protocol (electron/shell/app-protocol.ts) and the browser host
 * (electron/host/web-host.ts), which also serves the display and kiosk pages to paired
 * screens. It lives outside electron/shell so the browser host can import it without Electron;
 * it imports nothing, and must stay that way.
 *
 * No inline script or style, no eval, nothing fetched from outside the app's origin; images
 * may be data: (a captured face photo) or blob:, media may come from blob: and the camera
 * (mediastream:) for the kiosk. The display's announcements (Web Audio, speech synthesis)
 * need no directive. React's `style={{...}}` goes through the CSSOM, which style-src does not
 * restrict, so no 'unsafe-inline' is needed. font-src repeats default-src on purpose: fonts
 * stay same-origin even if default-src is ever loosened.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob: mediastream:"],
  ['connect-src', "'self'"],
  ['font-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');
