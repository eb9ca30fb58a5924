import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Alert, ErrorMessage } from '../ui/error-message';
import { emptySlots, isComplete, retake, slotsAfterRefusal, takePhoto, type PhotoProblem, type PhotoSlots } from './enrol-photos';
import type { FaceStatusStore } from './face-status.store';
import { ENROLMENT_JPEG, JpegTooLargeError, captureJpeg } from './jpeg';
import { useCamera } from './use-camera';
import type { CameraProblem } from './camera';

const cameraText: Record<CameraProblem, 'faces.camera.denied' | 'faces.camera.unavailable' | 'faces.camera.inUse' | 'faces.camera.insecure'> = {
  denied: 'faces.camera.denied',
  unavailable: 'faces.camera.unavailable',
  inUse: 'faces.camera.inUse',
  insecure: 'faces.camera.insecure',
};

const knownReasons = ['noFace', 'severalFaces', 'poorQuality'] as const;

function PhotoProblemText({ problem }: { problem: PhotoProblem }) {
  const { t } = useTranslation();
  const key = knownReasons.find((reason) => reason === problem.reason) ?? 'other';
  const reason = t(`faces.capture.reasons.${key}`);
  return <>{problem.photo >= 0 ? t('faces.capture.unusable', { number: problem.photo + 1, reason }) : t('faces.capture.unusableAny', { reason })}</>;
}

function isTypingTarget(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && !!target.closest('button, input, select, textarea, a, summary, [contenteditable="true"]');
}

/** Face check-in's second step: the camera's preview, three photos taken, retaken and saved. */
export function FaceCaptureStep({ store, patientName, onClose }: { store: FaceStatusStore; patientName: string; onClose: () => void }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const camera = useCamera(true);
  const [slots, setSlots] = useState<PhotoSlots>(emptySlots);
  const [isTaking, setIsTaking] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  const [localProblem, setLocalProblem] = useState<string | null>(null);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const takeButton = useRef<HTMLButtonElement>(null);
  const isLive = camera.status === 'live';

  const take = useCallback(async () => {
    const video = camera.videoRef.current;
    if (!video || !isLive || isTaking || isSaving || slots.active < 0) return;
    setIsTaking(true);
    setLocalProblem(null);
    try {
      canvas.current ??= document.createElement('canvas');
      const jpeg = await captureJpeg(video, video.videoWidth, video.videoHeight, ENROLMENT_JPEG, canvas.current);
      setSlots((current) => takePhoto(current, { base64: jpeg.base64, bytes: jpeg.bytes }));
      setError(null);
    } catch (caught) {
      if (caught instanceof JpegTooLargeError) setLocalProblem(t('faces.capture.tooLarge'));
      else throw caught;
    } finally {
      setIsTaking(false);
    }
  }, [camera.videoRef, isLive, isTaking, isSaving, slots.active, t]);

  useEffect(() => {
    if (isLive) takeButton.current?.focus();
  }, [isLive]);

  // Space or Enter anywhere in the dialog takes the next photo (a focused button keeps its own meaning).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.key !== ' ' && event.key !== 'Enter') || event.repeat || isTypingTarget(event.target)) return;
      event.preventDefault();
      void take();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [take]);

  const save = async () => {
    if (!isComplete(slots)) return;
    setIsSaving(true);
    setError(null);
    try {
      await store.getState().enrol(slots.photos.map((photo) => photo!.base64));
      ui.getState().toast('success', t('faces.capture.done', { name: patientName }));
      onClose();
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      const aboutPhotos = slotsAfterRefusal(slots, rpcError) !== null;
      if (aboutPhotos) setSlots((current) => slotsAfterRefusal(current, rpcError) ?? current);
      // Photos of more than one person: the slots are emptied, and the message asks for new ones.
      if (!aboutPhotos || rpcError.code === 'PHOTOS_NOT_SAME_PERSON') setError(rpcError);
      setIsSaving(false);
    }
  };

  return (
    <div className="face-capture" data-testid="face-capture" data-camera={camera.status}>
      <div className="face-preview">
        <video ref={camera.videoRef} muted playsInline autoPlay aria-label={t('faces.capture.preview')} data-testid="face-capture-video" />
        {camera.status === 'starting' ? <div className="face-preview-status">{t('faces.capture.starting')}</div> : null}
      </div>
      {camera.status === 'failed' && camera.problem ? (
        <Alert
          tone="danger"
          role="alert"
          title={
            <span data-testid="face-camera-problem" data-problem={camera.problem}>
              {t(cameraText[camera.problem])}
            </span>
          }
          action={
            <Button size="sm" onClick={camera.retry}>
              {t('faces.camera.retry')}
            </Button>
          }
        />
      ) : null}
      <div className="face-photos">
        {slots.photos.map((photo, index) => {
          const hasProblem = slots.problem?.photo === index;
          return (
            <div
              key={index}
              className={`face-photo ${slots.active === index ? 'is-active' : ''} ${hasProblem ? 'has-problem' : ''}`}
              data-testid="face-photo"
              data-taken={photo ? 'true' : 'false'}
              data-problem={hasProblem || undefined}
            >
              <div className="face-photo-image">
                {photo ? (
                  <img src={`data:image/jpeg;base64,${photo.base64}`} alt={t('faces.capture.photo', { number: index + 1 })} />
                ) : (
                  t('faces.capture.empty')
                )}
              </div>
              <div className="face-photo-label">{t('faces.capture.photo', { number: index + 1 })}</div>
              {photo ? (
                <Button
                  size="sm"
                  variant={hasProblem ? 'danger' : 'ghost'}
                  icon="refresh"
                  onClick={() => setSlots((current) => retake(current, index))}
                  data-testid="face-photo-retake"
                >
                  {t('faces.capture.retake', { number: index + 1 })}
                </Button>
              ) : null}
            </div>
          );
        })}
      </div>
      {slots.problem ? (
        <div className="alert alert-danger" role="alert" data-testid="face-photo-problem" data-photo={slots.problem.photo}>
          <p className="alert-title">
            <PhotoProblemText problem={slots.problem} />
          </p>
        </div>
      ) : null}
      {localProblem ? <Alert tone="danger" role="alert" title={localProblem} /> : null}
      <ErrorMessage error={error} />
      <p className="muted">{isSaving ? t('faces.capture.saving') : t('faces.capture.takeHint')}</p>
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button
          ref={takeButton}
          variant={isComplete(slots) ? 'secondary' : 'primary'}
          icon="plus"
          isBusy={isTaking}
          disabled={!isLive || slots.active < 0 || isSaving}
          onClick={() => void take()}
          data-testid="face-take-photo"
        >
          {t('faces.capture.take')}
        </Button>
        <Button variant="primary" icon="check" isBusy={isSaving} disabled={!isComplete(slots)} onClick={() => void save()} data-testid="face-save-photos">
          {t('faces.capture.save')}
        </Button>
      </div>
    </div>
  );
}
