import jpeg from 'jpeg-js';

/**
 * The fake Rekognition's "face model": deterministic and crude, but stable under JPEG
 * re-encoding, mild scaling and the black bars of a letterboxed camera frame.
 * - A nearly uniform frame (a camera that sees nobody) has no face.
 * - Otherwise the content (uniform borders trimmed) is averaged down to 16×16 grey cells,
 *   centred and normalised; similarity is the cosine mapped to 0–100.
 */
export const SIGNATURE_SIZE = 16;

export interface ImageAnalysis {
  /** 'none': nearly uniform; 'dark': a face too dark to use (quality filter); 'face': one usable face. */
  kind: 'none' | 'dark' | 'face';
  width: number;
  height: number;
  meanLuma: number;
  lumaStdDev: number;
  /** Unit vector (length 256) when kind is not 'none'. */
  signature: Float64Array | null;
}

const UNIFORM_STD_DEV = 6;
const DARK_MEAN = 35;
const BORDER_STD_DEV = 3;

export function analyseJpeg(bytes: Uint8Array): ImageAnalysis {
  const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 50, maxMemoryUsageInMB: 256 });
  const { width, height, data } = image;
  const luma = new Float64Array(width * height);
  let sum = 0;
  for (let i = 0; i < width * height; i++) {
    const v = 0.299 * (data[i * 4] ?? 0) + 0.587 * (data[i * 4 + 1] ?? 0) + 0.114 * (data[i * 4 + 2] ?? 0);
    luma[i] = v;
    sum += v;
  }
  const mean = sum / luma.length;
  let sq = 0;
  for (const v of luma) sq += (v - mean) ** 2;
  const stdDev = Math.sqrt(sq / luma.length);
  if (stdDev < UNIFORM_STD_DEV) return { kind: 'none', width, height, meanLuma: mean, lumaStdDev: stdDev, signature: null };

  const box = contentBox(luma, width, height);
  const signature = cellSignature(luma, width, box);
  const contentMean = boxMean(luma, width, box);
  return { kind: contentMean < DARK_MEAN ? 'dark' : 'face', width, height, meanLuma: mean, lumaStdDev: stdDev, signature };
}

/** 0–100: 100 for the same picture. */
export function similarity(a: Float64Array, b: Float64Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return Math.round(Math.max(0, Math.min(1, dot)) * 100_000) / 1000;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Trims uniform rows and columns at the edges (letterbox bars, a plain wall). */
function contentBox(luma: Float64Array, width: number, height: number): Box {
  const lineStdDev = (get: (i: number) => number, n: number) => {
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = get(i);
      s += v;
      s2 += v * v;
    }
    const m = s / n;
    return Math.sqrt(Math.max(0, s2 / n - m * m));
  };
  const column = (x: number) => lineStdDev((y) => luma[y * width + x] ?? 0, height);
  const row = (y: number) => lineStdDev((x) => luma[y * width + x] ?? 0, width);
  let x0 = 0;
  let x1 = width;
  let y0 = 0;
  let y1 = height;
  while (x0 < x1 - SIGNATURE_SIZE && column(x0) < BORDER_STD_DEV) x0++;
  while (x1 - 1 > x0 + SIGNATURE_SIZE && column(x1 - 1) < BORDER_STD_DEV) x1--;
  while (y0 < y1 - SIGNATURE_SIZE && row(y0) < BORDER_STD_DEV) y0++;
  while (y1 - 1 > y0 + SIGNATURE_SIZE && row(y1 - 1) < BORDER_STD_DEV) y1--;
  return { x0, y0, x1, y1 };
}

function boxMean(luma: Float64Array, width: number, box: Box): number {
  let s = 0;
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) s += luma[y * width + x] ?? 0;
  return s / ((box.x1 - box.x0) * (box.y1 - box.y0));
}

function cellSignature(luma: Float64Array, width: number, box: Box): Float64Array {
  const n = SIGNATURE_SIZE;
  const cells = new Float64Array(n * n);
  const w = box.x1 - box.x0;
  const h = box.y1 - box.y0;
  for (let cy = 0; cy < n; cy++) {
    const ya = box.y0 + Math.floor((cy * h) / n);
    const yb = Math.max(ya + 1, box.y0 + Math.floor(((cy + 1) * h) / n));
    for (let cx = 0; cx < n; cx++) {
      const xa = box.x0 + Math.floor((cx * w) / n);
      const xb = Math.max(xa + 1, box.x0 + Math.floor(((cx + 1) * w) / n));
      let s = 0;
      for (let y = ya; y < yb; y++) for (let x = xa; x < xb; x++) s += luma[y * width + x] ?? 0;
      cells[cy * n + cx] = s / ((yb - ya) * (xb - xa));
    }
  }
  let mean = 0;
  for (const v of cells) mean += v;
  mean /= cells.length;
  let norm = 0;
  for (let i = 0; i < cells.length; i++) {
    cells[i] = (cells[i] ?? 0) - mean;
    norm += (cells[i] ?? 0) ** 2;
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < cells.length; i++) cells[i] = (cells[i] ?? 0) / norm;
  return cells;
}
