import { describe, expect, it } from 'vitest';
import { isPermissionGranted, isRequestAllowed } from './web-policy';

const app = 'app://front-desk/kiosk';

describe('isPermissionGranted', () => {
  it("grants the camera to the app's own main frame", () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: true, mediaTypes: ['video'] })).toBe(true);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: 'app://front-desk', isMainFrame: true, mediaTypes: ['video'] })).toBe(true);
  });

  it('denies the microphone and requests that do not say what they want', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: true, mediaTypes: ['audio'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: true, mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: true, mediaTypes: ['unknown'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: true })).toBe(false);
  });

  it('denies the camera to other origins and to sub-frames', () => {
    expect(isPermissionGranted({ permission: 'media', requestingUrl: 'https://evil.example/', isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: app, isMainFrame: false, mediaTypes: ['video'] })).toBe(false);
    expect(isPermissionGranted({ permission: 'media', requestingUrl: undefined, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
  });

  it('denies everything else, even to the app', () => {
    for (const permission of ['notifications', 'geolocation', 'openExternal', 'clipboard-read', 'display-capture', 'fullscreen', 'unknown']) {
      expect(isPermissionGranted({ permission, requestingUrl: app, isMainFrame: true, mediaTypes: ['video'] })).toBe(false);
    }
  });
});

describe('isRequestAllowed', () => {
  it('lets the app load its own files and in-memory data', () => {
    for (const url of ['app://front-desk/assets/x.js', 'data:image/png;base64,AA==', 'blob:app://front-desk/1234', 'devtools://devtools/bundled/x.html']) {
      expect(isRequestAllowed(url), url).toBe(true);
    }
  });

  it('blocks the network and the file system', () => {
    for (const url of ['https://example.com/', 'http://127.0.0.1:5170/', 'wss://example.com/', 'file:///etc/passwd', 'ftp://x/', 'nonsense']) {
      expect(isRequestAllowed(url), url).toBe(false);
    }
  });
});
