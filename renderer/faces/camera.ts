/** The camera, for the desk's enrolment dialog and the kiosk's start screen. */

export type CameraProblem = 'denied' | 'unavailable' | 'inUse' | 'insecure';

export class CameraError extends Error {
  constructor(readonly problem: CameraProblem) {
    super(`camera ${problem}`);
  }
}

/** getUserMedia's failures, in the words the screen uses. */
export function cameraProblemOf(error: unknown): CameraProblem {
  if (error instanceof CameraError) return error.problem;
  const name = typeof error === 'object' && error !== null && 'name' in error ? String((error as { name: unknown }).name) : '';
  if (name === 'NotAllowedError' || name === 'PermissionDeniedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotReadableError' || name === 'TrackStartError' || name === 'AbortError') return 'inUse';
  return 'unavailable';
}

/** A front camera at a size worth capturing from; no sound. */
export async function openCamera(idealWidth = 1280, idealHeight = 720): Promise<MediaStream> {
  // Outside a secure context (plain http to another machine) the browser hides the camera API altogether.
  if (typeof window !== 'undefined' && !window.isSecureContext) throw new CameraError('insecure');
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) throw new CameraError('unavailable');
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: { facingMode: 'user', width: { ideal: idealWidth }, height: { ideal: idealHeight } },
    });
  } catch (error) {
    throw new CameraError(cameraProblemOf(error));
  }
}

export function stopCamera(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}

type VideoWithFrames = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: (now: number, metadata: { mediaTime: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `onFrame` for each new video frame (requestVideoFrameCallback), or on animation
 * frames where it is missing. `now` is when the frame was available. Returns a stop function.
 */
export function onVideoFrames(video: HTMLVideoElement, onFrame: (now: number) => void): () => void {
  const withFrames = video as VideoWithFrames;
  let isStopped = false;
  let handle = 0;
  if (typeof withFrames.requestVideoFrameCallback === 'function') {
    const next = () => {
      handle = withFrames.requestVideoFrameCallback!((now) => {
        if (isStopped) return;
        onFrame(now);
        next();
      });
    };
    next();
    return () => {
      isStopped = true;
      withFrames.cancelVideoFrameCallback?.(handle);
    };
  }
  const next = () => {
    handle = requestAnimationFrame((now) => {
      if (isStopped) return;
      if (video.readyState >= 2) onFrame(now);
      next();
    });
  };
  next();
  return () => {
    isStopped = true;
    cancelAnimationFrame(handle);
  };
}

/**
 * Resolves after `count` real frames: a fake or just-opened camera starts with blank ones,
 * and a photo taken then would be empty.
 */
export function waitForFrames(video: HTMLVideoElement, count = 3): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const stop = onVideoFrames(video, () => {
      seen += 1;
      if (seen >= count) {
        stop();
        resolve();
      }
    });
  });
}
