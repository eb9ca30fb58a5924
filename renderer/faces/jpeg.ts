/**
 * Camera frames to small JPEGs: scaled so the long side fits, then encoded at falling
 * qualities until the file fits the byte budget. The encoder is passed in, so the rules
 * are tested without a canvas.
 */

import { ENROLMENT_PHOTO_MAX_BYTES } from '../../shared/faces/faces.contract';

export interface JpegBudget {
  maxLongSide: number;
  maxBytes: number;
  /** Tried in order until one fits. */
  qualities: readonly number[];
}

/** A kiosk frame: at most 640 px and about 100 KB (SearchUsersByImage needs no more). */
export const KIOSK_JPEG: JpegBudget = { maxLongSide: 640, maxBytes: 100 * 1024, qualities: [0.8, 0.7, 0.6, 0.5, 0.4, 0.3] };
/** An enrolment photo: better quality for indexing, still three to a request. */
export const ENROLMENT_JPEG: JpegBudget = { maxLongSide: 960, maxBytes: ENROLMENT_PHOTO_MAX_BYTES, qualities: [0.9, 0.82, 0.74, 0.66, 0.58, 0.5, 0.4] };

/** The size to draw at: the long side at most `maxLongSide`, never enlarged, proportions kept. */
export function scaledSize(width: number, height: number, maxLongSide: number): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: 0, height: 0 };
  const scale = Math.min(1, maxLongSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

export interface EncodedJpeg {
  blob: Blob;
  quality: number;
}

/** The best quality that fits the budget, or null when even the lowest does not. */
export async function encodeWithin(
  encode: (quality: number) => Promise<Blob | null>,
  budget: Pick<JpegBudget, 'maxBytes' | 'qualities'>,
): Promise<EncodedJpeg | null> {
  for (const quality of budget.qualities) {
    const blob = await encode(quality);
    if (blob && blob.size <= budget.maxBytes) return { blob, quality };
  }
  return null;
}

/** Base64 without the `data:` prefix, as the contract takes it. */
export function base64Of(bytes: Uint8Array): string {
  let binary = '';
  // In slices: String.fromCharCode with too many arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export interface CapturedJpeg {
  base64: string;
  bytes: number;
  width: number;
  height: number;
  quality: number;
}

export class JpegTooLargeError extends Error {
  constructor() {
    super('the image does not fit the size budget even at the lowest quality');
  }
}

type Drawable = HTMLVideoElement | HTMLCanvasElement | ImageBitmap;

/**
 * Draws `source` (a playing video, usually) scaled into `canvas` and encodes it within the
 * budget. The canvas is cleared afterwards: no frame is kept once it has been encoded.
 */
export async function captureJpeg(
  source: Drawable,
  sourceWidth: number,
  sourceHeight: number,
  budget: JpegBudget,
  canvas: HTMLCanvasElement = document.createElement('canvas'),
): Promise<CapturedJpeg> {
  const size = scaledSize(sourceWidth, sourceHeight, budget.maxLongSide);
  if (canvas.width !== size.width) canvas.width = size.width;
  if (canvas.height !== size.height) canvas.height = size.height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(source, 0, 0, size.width, size.height);
  try {
    const encoded = await encodeWithin((quality) => new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality)), budget);
    if (!encoded) throw new JpegTooLargeError();
    const bytes = new Uint8Array(await encoded.blob.arrayBuffer());
    return { base64: base64Of(bytes), bytes: bytes.length, width: size.width, height: size.height, quality: encoded.quality };
  } finally {
    context.clearRect(0, 0, size.width, size.height);
  }
}
