/**
 * The policy every app:// response carries. No inline script or style, no eval, nothing
 * fetched from outside the app's origin; media may come from blob: and the camera
 * (mediastream:) for the kiosk. React's `style={{...}}` goes through the CSSOM, which
 * style-src does not restrict, so no 'unsafe-inline' is needed.
 */
export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self'"],
  ['img-src', "'self' data: blob:"],
  ['media-src', "'self' blob: mediastream:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"],
];

export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([name, value]) => `${name} ${value}`).join('; ');
