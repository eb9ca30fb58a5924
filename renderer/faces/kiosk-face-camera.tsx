import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { onVideoFrames } from './camera';
import { LUMA_HEIGHT, LUMA_WIDTH, frameStats, lumaOf } from './frame-check';
import { KIOSK_JPEG, captureJpeg } from './jpeg';
import type { KioskFaceStore } from './kiosk-face.store';
import { useCamera } from './use-camera';
import './faces.css';

/** Frames are looked at this often at most; the camera may deliver 30 a second. */
const SAMPLE_EVERY_MS = 150;
/** A performance mark per frame that left the kiosk: when that frame was available (the benchmark reads it). */
export const FRAME_MARK = 'kioskFace.frame';

/**
 * The kiosk's live camera: samples frames, lets the store decide which to send, and stops
 * the camera when the start screen goes. Nothing of a frame outlives its request.
 */
export function KioskFaceCamera({ store, onCameraFailed }: { store: KioskFaceStore; onCameraFailed?: () => void }) {
  const { t } = useTranslation();
  const { videoRef, status } = useCamera(true, { width: 1280, height: 720 });
  const hint = useStore(store, (state) => state.hint);
  const isInFlight = useStore(store, (state) => state.isInFlight);
  const sentCount = useStore(store, (state) => state.sentCount);

  useEffect(() => {
    if (status === 'failed') onCameraFailed?.();
  }, [status, onCameraFailed]);

  useEffect(() => {
    const video = videoRef.current;
    if (status !== 'live' || !video) return undefined;
    const thumb = document.createElement('canvas');
    thumb.width = LUMA_WIDTH;
    thumb.height = LUMA_HEIGHT;
    const thumbContext = thumb.getContext('2d', { willReadFrequently: true, alpha: false });
    const photo = document.createElement('canvas');
    let previous: Uint8Array | null = null;
    let sampledAt = Number.NEGATIVE_INFINITY;
    const stop = onVideoFrames(video, (frameAt) => {
      if (!thumbContext || frameAt - sampledAt < SAMPLE_EVERY_MS || video.videoWidth === 0) return;
      sampledAt = frameAt;
      store.getState().offer({
        stats: () => {
          thumbContext.drawImage(video, 0, 0, LUMA_WIDTH, LUMA_HEIGHT);
          const luma = lumaOf(thumbContext.getImageData(0, 0, LUMA_WIDTH, LUMA_HEIGHT).data, LUMA_WIDTH, LUMA_HEIGHT);
          const stats = frameStats(luma, previous);
          previous = luma;
          return stats;
        },
        capture: async () => {
          const jpeg = await captureJpeg(video, video.videoWidth, video.videoHeight, KIOSK_JPEG, photo);
          performance.clearMarks(FRAME_MARK);
          performance.mark(FRAME_MARK, { startTime: frameAt, detail: { bytes: jpeg.bytes } });
          return jpeg.base64;
        },
      });
    });
    return () => {
      stop();
      previous = null;
      store.getState().dispose();
    };
  }, [status, store, videoRef]);

  return (
    <div className="kiosk-face" data-testid="kiosk-face" data-camera={status} data-sent={sentCount} data-in-flight={isInFlight || undefined}>
      <div className={`kiosk-face-frame ${status === 'live' ? 'is-live' : ''} ${isInFlight ? 'is-checking' : ''}`}>
        <video ref={videoRef} className="kiosk-face-video" data-testid="kiosk-face-video" muted playsInline autoPlay aria-label={t('kioskFace.camera')} />
        <span className="kiosk-face-guide" aria-hidden="true" />
        {isInFlight ? <span className="kiosk-face-checking">{t('kioskFace.checking')}</span> : null}
      </div>
      <p className="kiosk-face-prompt" role="status" data-testid="kiosk-face-prompt" data-hint={hint}>
        {hint === 'comeCloser' ? t('kioskFace.comeCloser') : t('kioskFace.lookHint')}
      </p>
      <p className="kiosk-face-privacy">{t('kioskFace.privacy')}</p>
    </div>
  );
}
