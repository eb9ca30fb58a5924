import { analyseJpeg, type ImageAnalysis } from '../face-signature';
import { AwsError, type Body, type FakeState } from './state';
import type { ForcedDetection } from './types';

/** What the "model" sees in an image: ../face-signature's analysis, or a detection forced by the test. */

export interface ReadImage {
  analysis: ImageAnalysis | null;
  forced: ForcedDetection | null;
  bytes: number;
}

export function readImage(state: FakeState, body: Body): ReadImage {
  const image = body.Image as { Bytes?: unknown; S3Object?: unknown } | undefined;
  if (!image || typeof image.Bytes !== 'string') throw new AwsError('InvalidParameterException', 'Request has invalid parameters');
  const bytes = Buffer.from(image.Bytes, 'base64');
  const next = state.forced.shift() ?? null;
  if (next) return { analysis: null, forced: next, bytes: bytes.length };
  try {
    return { analysis: analyseJpeg(bytes), forced: null, bytes: bytes.length };
  } catch {
    throw new AwsError('InvalidImageFormatException', 'Request has invalid image format');
  }
}

/** Faces the "model" sees: [usable?, reasons] per face, largest first. */
export function detect(image: { analysis: ImageAnalysis | null; forced: ForcedDetection | null }, qualityFilter: string) {
  const filtering = qualityFilter !== 'NONE';
  if (image.forced === 'noFace' || image.analysis?.kind === 'none') return [];
  const base = image.analysis?.signature ?? syntheticSignature();
  if (image.forced === 'severalFaces')
    return [
      { signature: base, lowQuality: false },
      { signature: syntheticSignature(), lowQuality: false },
    ];
  const lowQuality = image.forced === 'poorQuality' || image.analysis?.kind === 'dark';
  return [{ signature: base, lowQuality: lowQuality && filtering }];
}

export function faceDetail(index: number) {
  return {
    BoundingBox: { Width: 0.3, Height: 0.4, Left: 0.35 - index * 0.3, Top: 0.2 },
    Confidence: 99.9,
    Quality: { Brightness: 70, Sharpness: 80 },
  };
}

/** A random unit vector: a face that matches nobody. */
function syntheticSignature(): Float64Array {
  const v = new Float64Array(256);
  let norm = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.random() - 0.5;
    norm += (v[i] ?? 0) ** 2;
  }
  norm = Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] ?? 0) / norm;
  return v;
}
