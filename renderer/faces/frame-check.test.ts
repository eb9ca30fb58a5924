import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, LUMA_HEIGHT, LUMA_WIDTH, decide, downscaleLuma, frameStats, frameVerdict, lumaOf, timeVerdict } from './frame-check';

/** The camera files the e2e tests feed Chromium (tests/fixtures/faces). */
const fixtures = resolve(fileURLToPath(new URL('../..', import.meta.url)), 'tests', 'fixtures', 'faces');

/** The luminance plane of a one-frame YUV4MPEG2 file, scaled to the kiosk's 64×48 thumbnail. */
function thumbnailOf(file: string): Uint8Array {
  const data = readFileSync(resolve(fixtures, file));
  const headerEnd = data.indexOf(0x0a);
  const header = data.subarray(0, headerEnd).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)![1]);
  const height = Number(/ H(\d+)/.exec(header)![1]);
  const frameStart = data.indexOf(0x0a, headerEnd + 1) + 1;
  return downscaleLuma(new Uint8Array(data.subarray(frameStart, frameStart + width * height)), width, height);
}

const flat = (value: number) => new Uint8Array(LUMA_WIDTH * LUMA_HEIGHT).fill(value);

describe('the local check on camera frames', () => {
  it('sends a still face, not an empty hall, judged on the test camera files', () => {
    const astronaut = thumbnailOf('astronaut-640x480.y4m');
    const cameraman = thumbnailOf('cameraman-640x480.y4m');
    const empty = thumbnailOf('empty-640x480.y4m');
    expect(frameVerdict(frameStats(astronaut, astronaut))).toBe('send');
    expect(frameVerdict(frameStats(cameraman, cameraman))).toBe('send');
    expect(frameVerdict(frameStats(empty, empty))).toBe('nobody');
    // With margins, so camera noise does not flip the verdict.
    expect(frameStats(empty, empty).centreStdDev).toBeLessThan(DEFAULT_THRESHOLDS.minCentreStdDev / 2);
    expect(frameStats(astronaut, null).centreStdDev).toBeGreaterThan(DEFAULT_THRESHOLDS.minCentreStdDev * 2);
  });

  it('waits while the person moves, and for a second frame to compare with', () => {
    const astronaut = thumbnailOf('astronaut-640x480.y4m');
    const cameraman = thumbnailOf('cameraman-640x480.y4m');
    expect(frameVerdict(frameStats(astronaut, null))).toBe('moving');
    expect(frameVerdict(frameStats(astronaut, cameraman))).toBe('moving');
    // A little sensor noise is still "still".
    const noisy = astronaut.map((value, index) => Math.min(255, value + (index % 3)));
    expect(frameVerdict(frameStats(noisy, astronaut))).toBe('send');
  });

  it('finds nothing in a flat frame, whatever its brightness', () => {
    for (const value of [0, 90, 255]) expect(frameVerdict(frameStats(flat(value), flat(value)))).toBe('nobody');
  });

  it('computes luma from RGBA with the Rec. 601 weights', () => {
    const rgba = new Uint8ClampedArray([255, 255, 255, 255, 255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255]);
    expect([...lumaOf(rgba, 4, 1)]).toEqual([255, 76, 149, 28]);
  });

  it('sends at most one request every 2 s, never while one is in flight, never in the cooldown', () => {
    const base = { lastSentAt: 10_000, isInFlight: false, quietUntil: 0 };
    expect(timeVerdict({ ...base, now: 11_999 })).toBe('throttled');
    expect(timeVerdict({ ...base, now: 12_000 })).toBe('send');
    expect(timeVerdict({ ...base, now: 20_000, isInFlight: true })).toBe('inFlight');
    expect(timeVerdict({ ...base, now: 20_000, quietUntil: 25_000 })).toBe('cooldown');
    expect(timeVerdict({ ...base, now: 1, lastSentAt: null })).toBe('send');
  });

  it('does not look at the frame when the time rules say no', () => {
    let looked = 0;
    const stats = () => {
      looked += 1;
      return { centreStdDev: 50, centreEdges: 20, motion: 1 };
    };
    expect(decide({ now: 1_000, lastSentAt: 0, isInFlight: false, quietUntil: 0 }, stats)).toBe('throttled');
    expect(looked).toBe(0);
    expect(decide({ now: 3_000, lastSentAt: 0, isInFlight: false, quietUntil: 0 }, stats)).toBe('send');
    expect(looked).toBe(1);
  });
});
