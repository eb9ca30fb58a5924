import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jpeg from 'jpeg-js';

/**
 * The face fixtures (tests/fixtures/faces, see its SOURCES.md) as JPEGs for tests that
 * do not go through a browser. Only the Y4M files' luma plane is used: a grey JPEG is all the
 * fake Rekognition looks at, and encoding it ourselves keeps it deterministic.
 */
export type FaceFixture = 'astronaut' | 'cameraman' | 'empty';

export const faceFixturesDir = process.env.FACE_FIXTURES_DIR ?? fileURLToPath(new URL('../fixtures/faces/', import.meta.url));

export function y4mPath(name: FaceFixture): string {
  return join(faceFixturesDir, `${name}-640x480.y4m`);
}

/** The first frame's luma plane of a 4:2:0 Y4M file. */
export function readY4mLuma(path: string): { width: number; height: number; luma: Uint8Array } {
  const file = readFileSync(path);
  const headerEnd = file.indexOf(0x0a);
  const header = file.subarray(0, headerEnd).toString('latin1');
  const width = Number(/ W(\d+)/.exec(header)?.[1]);
  const height = Number(/ H(\d+)/.exec(header)?.[1]);
  if (!header.startsWith('YUV4MPEG2') || !width || !height) throw new Error(`${path} is not a Y4M file`);
  const frameHeaderEnd = file.indexOf(0x0a, headerEnd + 1);
  if (file.subarray(headerEnd + 1, headerEnd + 6).toString('latin1') !== 'FRAME') throw new Error(`${path} has no frame`);
  const start = frameHeaderEnd + 1;
  return { width, height, luma: new Uint8Array(file.subarray(start, start + width * height)) };
}

export interface JpegOptions {
  quality?: number;
  /** Scale factor (nearest neighbour), e.g. 0.5 for a 320×240 frame. */
  scale?: number;
  /** Added to every pixel (clamped): a darker or brighter camera. */
  brightness?: number;
}

/** A fixture as a grey JPEG (the Y plane encoded with jpeg-js). */
export function fixtureJpeg(name: FaceFixture, options: JpegOptions = {}): Buffer {
  const { width, height, luma } = readY4mLuma(y4mPath(name));
  return lumaToJpeg(width, height, luma, options);
}

export function fixtureJpegBase64(name: FaceFixture, options: JpegOptions = {}): string {
  return fixtureJpeg(name, options).toString('base64');
}

export function lumaToJpeg(width: number, height: number, luma: Uint8Array, options: JpegOptions = {}): Buffer {
  const scale = options.scale ?? 1;
  const brightness = options.brightness ?? 0;
  const w = Math.max(1, Math.round(width * scale));
  const h = Math.max(1, Math.round(height * scale));
  const rgba = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(y / scale));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(width - 1, Math.floor(x / scale));
      const v = Math.max(0, Math.min(255, (luma[sy * width + sx] ?? 0) + brightness));
      const i = (y * w + x) * 4;
      rgba[i] = v;
      rgba[i + 1] = v;
      rgba[i + 2] = v;
      rgba[i + 3] = 255;
    }
  }
  return Buffer.from(jpeg.encode({ data: rgba, width: w, height: h }, options.quality ?? 85).data);
}
