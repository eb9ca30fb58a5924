import { useCallback, useEffect, useRef, useState } from 'react';
import { cameraProblemOf, openCamera, stopCamera, waitForFrames, type CameraProblem } from './camera';

export type CameraStatus = 'off' | 'starting' | 'live' | 'failed';

/**
 * A live camera in a `<video>` while `isActive`: opened on demand, "live" only once real
 * frames arrive, and every track stopped when it is no longer wanted or the component goes.
 */
export function useCamera(isActive: boolean, ideal: { width: number; height: number } = { width: 1280, height: 720 }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState<CameraStatus>('off');
  const [problem, setProblem] = useState<CameraProblem | null>(null);
  const [attempt, setAttempt] = useState(0);
  const { width, height } = ideal;

  useEffect(() => {
    if (!isActive) {
      setStatus('off');
      return undefined;
    }
    let stream: MediaStream | null = null;
    let isCancelled = false;
    setStatus('starting');
    setProblem(null);
    void (async () => {
      try {
        const opened = await openCamera(width, height);
        if (isCancelled) {
          stopCamera(opened);
          return;
        }
        stream = opened;
        const video = videoRef.current;
        if (!video) return;
        video.srcObject = opened;
        await video.play().catch(() => undefined);
        await waitForFrames(video, 3);
        if (!isCancelled) setStatus('live');
      } catch (error) {
        if (isCancelled) return;
        setProblem(cameraProblemOf(error));
        setStatus('failed');
      }
    })();
    const video = videoRef.current;
    return () => {
      isCancelled = true;
      stopCamera(stream);
      if (video) video.srcObject = null;
    };
  }, [isActive, attempt, width, height]);

  const retry = useCallback(() => setAttempt((value) => value + 1), []);
  return { videoRef, status, problem, retry };
}
