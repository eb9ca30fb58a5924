import { describe, expect, it } from 'vitest';
import { displayPlacement, displayWindowShape, isSamePlacement, kioskWindowShape, screenUrl, secondScreen, type ScreenLayout } from './screens';
import { screenForPath } from '../../renderer/devices/screen-for-path';

const laptop = { id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } };
const tv = { id: 7, bounds: { x: 1920, y: -200, width: 3840, height: 2160 } };
const projector = { id: 9, bounds: { x: -1280, y: 0, width: 1280, height: 720 } };

describe('screenUrl', () => {
  it('opens each screen at the path the renderer routes to that app', () => {
    expect(screenUrl('display')).toBe('app://front-desk/display');
    expect(screenUrl('kiosk')).toBe('app://front-desk/kiosk');
    expect(screenForPath(new URL(screenUrl('display')).pathname)).toBe('display');
    expect(screenForPath(new URL(screenUrl('kiosk')).pathname)).toBe('kiosk');
  });
});

describe('secondScreen', () => {
  it('is the first monitor that is not the primary, whatever the primary’s place in the list', () => {
    expect(secondScreen({ screens: [laptop, tv, projector], primaryId: 1 })).toEqual(tv);
    expect(secondScreen({ screens: [tv, laptop], primaryId: 1 })).toEqual(tv);
    expect(secondScreen({ screens: [laptop, tv], primaryId: 7 })).toEqual(laptop);
  });

  it('is null with one monitor', () => {
    expect(secondScreen({ screens: [laptop], primaryId: 1 })).toBeNull();
    expect(secondScreen({ screens: [], primaryId: 1 })).toBeNull();
  });
});

describe('displayPlacement', () => {
  const both: ScreenLayout = { screens: [laptop, tv], primaryId: 1 };

  it('is full screen on the second monitor when the setting is on and there is one', () => {
    expect(displayPlacement(true, both)).toEqual({ kind: 'second-screen', screenId: 7, bounds: tv.bounds });
  });

  it('is a window when the setting is off or there is one monitor', () => {
    expect(displayPlacement(false, both)).toEqual({ kind: 'window' });
    expect(displayPlacement(true, { screens: [laptop], primaryId: 1 })).toEqual({ kind: 'window' });
  });

  it('compares placements by monitor, not by its size', () => {
    const onTv = displayPlacement(true, both);
    const onResizedTv = displayPlacement(true, { screens: [laptop, { ...tv, bounds: { ...tv.bounds, width: 1920, height: 1080 } }], primaryId: 1 });
    const onProjector = displayPlacement(true, { screens: [laptop, projector], primaryId: 1 });
    expect(isSamePlacement(onTv, onResizedTv)).toBe(true);
    expect(isSamePlacement(onTv, onProjector)).toBe(false);
    expect(isSamePlacement(onTv, { kind: 'window' })).toBe(false);
    expect(isSamePlacement({ kind: 'window' }, { kind: 'window' })).toBe(true);
  });
});

describe('window shapes', () => {
  it('puts the display full screen and frameless over the second monitor’s bounds', () => {
    const shape = displayWindowShape({ kind: 'second-screen', screenId: 7, bounds: tv.bounds });
    expect(shape).toMatchObject({ x: 1920, y: -200, width: 3840, height: 2160, fullscreen: true, frame: false });
    expect(shape.kiosk).toBeUndefined();
  });

  it('gives the display a plain 16:9 window otherwise, in its own dark background', () => {
    const shape = displayWindowShape({ kind: 'window' });
    expect(shape).toMatchObject({ width: 1280, height: 720, backgroundColor: '#0a131d' });
    expect(shape.fullscreen).toBeUndefined();
    expect(shape.x).toBeUndefined();
    expect(shape.frame).toBeUndefined();
  });

  it('locks the kiosk full screen only in kiosk mode', () => {
    expect(kioskWindowShape(true)).toMatchObject({ kiosk: true, frame: false });
    expect(kioskWindowShape(false).kiosk).toBeUndefined();
    expect(kioskWindowShape(false).frame).toBeUndefined();
  });
});
