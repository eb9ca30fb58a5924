/**
 * The kiosk's cheap local check: whether a camera frame is worth sending to Rekognition.
 * It looks at a 64×48 luminance thumbnail only: enough contrast and edges in the centre
 * means a face is plausibly in view (an empty hall or a wall is flat), and a small
 * difference from the previous thumbnail means the person is standing still.
 */

export const LUMA_WIDTH = 64;
export const LUMA_HEIGHT = 48;

/** At most one request this often. */
export const MIN_SEND_INTERVAL_MS = 2_000;
/** After a check-in, the same person standing there must not be checked in again. */
export const COOLDOWN_AFTER_CHECK_IN_MS = 10_000;

export interface FrameThresholds {
  /** Standard deviation of the centre's luminance (0–255): below it, nothing is there. */
  minCentreStdDev: number;
  /** Mean gradient magnitude in the centre: a face has edges (eyes, mouth, hairline). */
  minCentreEdges: number;
  /** Mean absolute difference from the previous thumbnail: above it, someone is moving. */
  maxMotion: number;
}

export const DEFAULT_THRESHOLDS: FrameThresholds = { minCentreStdDev: 14, minCentreEdges: 6, maxMotion: 8 };

export interface FrameStats {
  centreStdDev: number;
  centreEdges: number;
  /** null for the first frame (nothing to compare with). */
  motion: number | null;
}

/** Rec. 601 luma of an RGBA image (canvas `getImageData`), in integers. */
export function lumaOf(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Uint8Array {
  const pixels = width * height;
  const luma = new Uint8Array(pixels);
  for (let i = 0, j = 0; i < pixels; i++, j += 4) luma[i] = (rgba[j]! * 77 + rgba[j + 1]! * 150 + rgba[j + 2]! * 29) >> 8;
  return luma;
}

/** Box-averages a luminance plane down to `width`×`height` (tests feed camera files through it). */
export function downscaleLuma(plane: Uint8Array, sourceWidth: number, sourceHeight: number, width = LUMA_WIDTH, height = LUMA_HEIGHT): Uint8Array {
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const y0 = Math.floor((y * sourceHeight) / height);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sourceHeight) / height));
    for (let x = 0; x < width; x++) {
      const x0 = Math.floor((x * sourceWidth) / width);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sourceWidth) / width));
      let sum = 0;
      for (let sy = y0; sy < y1; sy++) for (let sx = x0; sx < x1; sx++) sum += plane[sy * sourceWidth + sx]!;
      out[y * width + x] = Math.round(sum / ((y1 - y0) * (x1 - x0)));
    }
  }
  return out;
}

/** Contrast and edges of the centre (where a patient facing the kiosk is), and motion since `previous`. */
export function frameStats(luma: Uint8Array, previous: Uint8Array | null, width = LUMA_WIDTH, height = LUMA_HEIGHT): FrameStats {
  // The middle half across and the middle two thirds down: a face at arm's length fills much of it.
  const left = Math.floor(width / 4);
  const right = Math.ceil((width * 3) / 4);
  const top = Math.floor(height / 6);
  const bottom = Math.ceil((height * 5) / 6);
  let sum = 0;
  let sumSquares = 0;
  let edges = 0;
  let count = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = left; x < right; x++) {
      const value = luma[y * width + x]!;
      sum += value;
      sumSquares += value * value;
      const dx = x + 1 < width ? luma[y * width + x + 1]! - value : 0;
      const dy = y + 1 < height ? luma[(y + 1) * width + x]! - value : 0;
      edges += Math.abs(dx) + Math.abs(dy);
      count += 1;
    }
  }
  const mean = sum / count;
  const centreStdDev = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
  let motion: number | null = null;
  if (previous && previous.length === luma.length) {
    let difference = 0;
    for (let i = 0; i < luma.length; i++) difference += Math.abs(luma[i]! - previous[i]!);
    motion = difference / luma.length;
  }
  return { centreStdDev, centreEdges: edges / count, motion };
}

export type FrameVerdict = 'send' | 'inFlight' | 'cooldown' | 'throttled' | 'nobody' | 'moving';

export interface SendState {
  now: number;
  /** When the last request went out (null: none yet). */
  lastSentAt: number | null;
  isInFlight: boolean;
  /** No request before this time (after a check-in, or when the host asked to slow down). */
  quietUntil: number;
  minIntervalMs?: number;
}

/**
 * Whether the kiosk may send now, before looking at the frame at all: the time rules are
 * checked first so a busy or throttled kiosk does not even read pixels.
 */
export function timeVerdict(state: SendState): Exclude<FrameVerdict, 'nobody' | 'moving'> {
  if (state.isInFlight) return 'inFlight';
  if (state.now < state.quietUntil) return 'cooldown';
  if (state.lastSentAt !== null && state.now - state.lastSentAt < (state.minIntervalMs ?? MIN_SEND_INTERVAL_MS)) return 'throttled';
  return 'send';
}

/** What the frame itself says: a face plausibly in view and still, or not. */
export function frameVerdict(stats: FrameStats, thresholds: FrameThresholds = DEFAULT_THRESHOLDS): 'send' | 'nobody' | 'moving' {
  if (stats.centreStdDev < thresholds.minCentreStdDev || stats.centreEdges < thresholds.minCentreEdges) return 'nobody';
  // The first frame has nothing to compare with: wait for the next one to know the person is still.
  if (stats.motion === null || stats.motion > thresholds.maxMotion) return 'moving';
  return 'send';
}

/** Both checks in order; `stats` is computed only when the time rules allow a request. */
export function decide(state: SendState, stats: () => FrameStats, thresholds: FrameThresholds = DEFAULT_THRESHOLDS): FrameVerdict {
  const byTime = timeVerdict(state);
  return byTime === 'send' ? frameVerdict(stats(), thresholds) : byTime;
}
