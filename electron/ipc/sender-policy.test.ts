import { describe, expect, it } from 'vitest';
import { isAppUrl } from './app-origin';
import { checkSender } from './sender-policy';

const ours = (id: number) => id === 7;

describe('checkSender', () => {
  it('trusts the main frame of our window showing the app origin, on any route', () => {
    for (const frameUrl of ['app://front-desk/', 'app://front-desk/display', 'app://front-desk/kiosk?x=1#top']) {
      expect(checkSender({ webContentsId: 7, frameUrl, isMainFrame: true }, ours)).toEqual({ trusted: true });
    }
  });

  it('refuses a webContents we did not create, even on our origin', () => {
    const verdict = checkSender({ webContentsId: 8, frameUrl: 'app://front-desk/', isMainFrame: true }, ours);
    expect(verdict).toMatchObject({ trusted: false, reason: expect.stringContaining('not a Front Desk window') });
  });

  it('refuses sub-frames of our window', () => {
    const verdict = checkSender({ webContentsId: 7, frameUrl: 'app://front-desk/', isMainFrame: false }, ours);
    expect(verdict).toMatchObject({ trusted: false, reason: 'message from a sub-frame' });
  });

  it('refuses other origins, look-alikes and unknown frames', () => {
    for (const frameUrl of [
      'https://front-desk/',
      'http://localhost:5170/',
      'file:///etc/passwd',
      'app://front-desk.evil.example/',
      'app://evil@front-desk/',
      'app://front-desk:8080/',
      'app://other/',
      'about:blank',
      'not a url',
      null,
    ]) {
      expect(checkSender({ webContentsId: 7, frameUrl, isMainFrame: true }, ours).trusted).toBe(false);
    }
  });

  it('keeps query strings out of the refusal reason', () => {
    const verdict = checkSender({ webContentsId: 7, frameUrl: 'https://evil.example/x?patient=Maria', isMainFrame: true }, ours);
    expect(verdict).toEqual({ trusted: false, reason: 'message from a foreign origin (https://evil.example)' });
  });
});

describe('isAppUrl', () => {
  it('accepts only app://front-desk', () => {
    expect(isAppUrl('app://front-desk')).toBe(true);
    expect(isAppUrl('app://front-desk/assets/index.js')).toBe(true);
    expect(isAppUrl('')).toBe(false);
    expect(isAppUrl(undefined)).toBe(false);
    expect(isAppUrl('APP://front-desk.example/')).toBe(false);
  });
});
