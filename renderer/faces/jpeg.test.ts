import { describe, expect, it } from 'vitest';
import { ENROLMENT_JPEG, KIOSK_JPEG, base64Of, encodeWithin, scaledSize } from './jpeg';
import { ENROLMENT_PHOTO_MAX_BYTES, KIOSK_FRAME_MAX_BYTES, jpegBase64 } from '../../shared/faces/faces.contract';

describe('kiosk and enrolment JPEGs', () => {
  it('scales the long side down to the limit, keeps proportions, never enlarges', () => {
    expect(scaledSize(1280, 720, 640)).toEqual({ width: 640, height: 360 });
    expect(scaledSize(720, 1280, 640)).toEqual({ width: 360, height: 640 });
    expect(scaledSize(640, 480, 960)).toEqual({ width: 640, height: 480 });
    expect(scaledSize(1920, 1080, 960)).toEqual({ width: 960, height: 540 });
    expect(scaledSize(0, 480, 640)).toEqual({ width: 0, height: 0 });
  });

  it('lowers the quality until the file fits, and gives up below the lowest', async () => {
    const tried: number[] = [];
    // A fake encoder whose files shrink with the quality: 200 KB at 1.0.
    const encode = async (quality: number) => {
      tried.push(quality);
      return new Blob([new Uint8Array(Math.round(200 * 1024 * quality))]);
    };
    const fitted = await encodeWithin(encode, KIOSK_JPEG);
    expect(fitted?.quality).toBe(0.5);
    expect(fitted!.blob.size).toBeLessThanOrEqual(100 * 1024);
    expect(tried).toEqual([0.8, 0.7, 0.6, 0.5]);
    expect(await encodeWithin(encode, { maxBytes: 10 * 1024, qualities: [0.9, 0.5] })).toBeNull();
    expect(await encodeWithin(async () => null, KIOSK_JPEG)).toBeNull();
  });

  it('stays inside what the contract accepts', () => {
    expect(KIOSK_JPEG.maxBytes).toBeLessThanOrEqual(KIOSK_FRAME_MAX_BYTES);
    expect(ENROLMENT_JPEG.maxBytes).toBeLessThanOrEqual(ENROLMENT_PHOTO_MAX_BYTES);
    // A JPEG of exactly the budget, as base64, passes the contract's own check.
    const bytes = new Uint8Array(KIOSK_JPEG.maxBytes).map((_, index) => (index * 7) % 256);
    bytes.set([0xff, 0xd8, 0xff, 0xe0]);
    const base64 = base64Of(bytes);
    expect(base64).toBe(Buffer.from(bytes).toString('base64'));
    expect(jpegBase64(KIOSK_FRAME_MAX_BYTES).safeParse(base64).success).toBe(true);
  });
});
