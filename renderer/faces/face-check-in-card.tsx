import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Locale } from '../../shared/contract/common';
import { intlLocale } from '../i18n/format';
import { useErrorText, useFormat } from '../i18n/hooks';
import { useSessionStore, useTransport, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { RpcError } from '../transport/rpc-error';
import { useRpcAction } from '../ui/use-rpc-action';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Alert, ErrorMessage } from '../ui/error-message';
import { Badge, Card, CardHeader, type Tone } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import type { FaceStatus } from '../../shared/faces/faces.contract';
import { emptySlots, isComplete, markProblem, photoProblemOf, retake, takePhoto, type PhotoProblem, type PhotoSlots } from './enrol-photos';
import { createFaceStatusStore, type FaceStatusStore } from './face-status.store';
import { ENROLMENT_JPEG, JpegTooLargeError, captureJpeg } from './jpeg';
import { useCamera } from './use-camera';
import type { CameraProblem } from './camera';
import './faces.css';

const stateTone: Record<FaceStatus['state'], Tone> = { off: 'neutral', consented: 'info', enrolled: 'success', withdrawing: 'warning' };

type Open = 'consent' | 'capture' | 'withdraw' | null;

/**
 * The patient page's face check-in: status and consent details, and for the desk "Set up"
 * (consent, then three photos), "Withdraw", and "Finish withdrawal" after one stopped halfway.
 * Hidden where face check-in is not set up and the patient was never enrolled.
 */
export function FaceCheckInCard({ patientId, patientName, preferredLanguage }: { patientId: number; patientName: string; preferredLanguage: Locale }) {
  const { t } = useTranslation();
  const format = useFormat();
  const transport = useTransport();
  const session = useSessionStore();
  // Setting up (consent, photos) and withdrawing: who may enrol a face may manage the card.
  const canManage = useMay('faces.enrol');
  const [store] = useState(() => createFaceStatusStore(transport, { canManage }));
  const status = useStore(store, (state) => state.status);
  const loadStatus = useStore(store, (state) => state.loadStatus);
  const error = useStore(store, (state) => state.error);
  const isAvailable = useStore(store, (state) => state.isAvailable);
  const [open, setOpen] = useState<Open>(null);

  useEffect(() => store.getState().connect(), [store]);
  useEffect(() => {
    void store.getState().load(patientId);
  }, [store, patientId]);
  // Calls made while the screen was locked failed: refetch once unlocked.
  useEffect(
    () =>
      session.subscribe((state, previous) => {
        if (previous.isLocked && !state.isLocked) void store.getState().load(patientId, { quiet: true });
      }),
    [session, store, patientId],
  );

  if (!status && loadStatus === 'loading') return null;
  if (!status) {
    // Not set up on this host (or not built in yet): nothing to show about a patient.
    if (!error || error.code === 'FACE_CHECKIN_OFF' || error.code === 'UNKNOWN_METHOD') return null;
    return (
      <Card aria-labelledby="face-title">
        <CardHeader titleId="face-title" title={t('faces.title')} />
        <div className="card-body">
          <ErrorMessage error={error} />
        </div>
      </Card>
    );
  }
  if (status.state === 'off' && isAvailable !== true) return null;

  const consent = status.consent;
  return (
    <Card aria-labelledby="face-title" className="face-card">
      <CardHeader
        titleId="face-title"
        title={t('faces.title')}
        subtitle={t('faces.lead')}
        actions={
          <Badge tone={stateTone[status.state]}>
            <span data-testid="face-status" data-state={status.state}>
              {t(`faces.state.${status.state}`)}
            </span>
          </Badge>
        }
      />
      <div className="card-body face-card-body">
        {status.state === 'off' ? <p className="face-card-line">{t('faces.offText')}</p> : null}
        {consent && status.state !== 'off' ? (
          <p className="face-card-line" data-testid="face-consent-details">
            {t('faces.consentedOn', { when: format.dateTime(consent.at), version: consent.version, staff: consent.staffName })}
          </p>
        ) : null}
        {status.state === 'consented' ? <p className="face-card-line">{t('faces.consentedText')}</p> : null}
        {status.state === 'enrolled' && status.enrolledAt !== null ? (
          <p className="face-card-line" data-testid="face-enrolled-details">
            {t('faces.enrolledOn', { when: format.dateTime(status.enrolledAt), count: status.faceCount })}
          </p>
        ) : null}
        {status.state === 'withdrawing' ? <Alert tone="warning" title={t('faces.withdrawingText')} /> : null}
        {canManage ? <CardActions store={store} status={status} isAvailable={isAvailable === true} onOpen={setOpen} /> : null}
      </div>
      <Dialog
        open={open === 'consent'}
        onClose={() => setOpen(null)}
        title={t('faces.consent.title')}
        description={t('faces.consent.lead')}
        size="lg"
        testId="face-consent-dialog"
      >
        {open === 'consent' ? (
          <ConsentBody store={store} preferredLanguage={preferredLanguage} onAgreed={() => setOpen('capture')} onClose={() => setOpen(null)} />
        ) : null}
      </Dialog>
      <Dialog
        open={open === 'capture'}
        onClose={() => setOpen(null)}
        title={t('faces.capture.title')}
        description={t('faces.capture.lead', { name: patientName })}
        size="lg"
        testId="face-capture-dialog"
      >
        {open === 'capture' ? <CaptureBody store={store} patientName={patientName} onClose={() => setOpen(null)} /> : null}
      </Dialog>
      <Dialog open={open === 'withdraw'} onClose={() => setOpen(null)} title={t('faces.withdrawDialog.title')} size="sm" testId="face-withdraw-dialog">
        {open === 'withdraw' ? <WithdrawBody store={store} patientName={patientName} onClose={() => setOpen(null)} /> : null}
      </Dialog>
    </Card>
  );
}

function CardActions({
  store,
  status,
  isAvailable,
  onOpen,
}: {
  store: FaceStatusStore;
  status: FaceStatus;
  isAvailable: boolean;
  onOpen: (open: Open) => void;
}) {
  const { t } = useTranslation();
  const [isFinishing, setIsFinishing] = useState(false);
  const [error, setError] = useState<RpcError | null>(null);
  const finish = async () => {
    setIsFinishing(true);
    setError(null);
    try {
      await store.getState().withdraw();
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsFinishing(false);
    }
  };
  return (
    <>
      <div className="form-actions">
        {status.state === 'off' && isAvailable ? (
          <Button variant="primary" icon="user" onClick={() => onOpen('consent')} data-testid="face-set-up">
            {t('faces.setUp')}
          </Button>
        ) : null}
        {status.state === 'consented' && isAvailable ? (
          <Button variant="primary" icon="user" onClick={() => onOpen('capture')} data-testid="face-take-photos">
            {t('faces.takePhotos')}
          </Button>
        ) : null}
        {status.state === 'consented' || status.state === 'enrolled' ? (
          <Button variant="danger-ghost" onClick={() => onOpen('withdraw')} data-testid="face-withdraw">
            {t('faces.withdraw')}
          </Button>
        ) : null}
        {status.state === 'withdrawing' ? (
          <Button variant="danger" isBusy={isFinishing} onClick={() => void finish()} data-testid="face-finish-withdrawal">
            {t('faces.finishWithdrawal')}
          </Button>
        ) : null}
      </div>
      <ErrorMessage error={error} />
    </>
  );
}

function ConsentBody({
  store,
  preferredLanguage,
  onAgreed,
  onClose,
}: {
  store: FaceStatusStore;
  preferredLanguage: Locale;
  onAgreed: () => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const consent = useStore(store, (state) => state.consent);
  const { error, isBusy, run } = useRpcAction();
  const [locale, setLocale] = useState<Locale>(preferredLanguage);

  useEffect(() => {
    void store.getState().loadConsentText(locale);
  }, [store, locale]);

  const agree = () =>
    run(async () => {
      await store.getState().recordConsent();
      onAgreed();
    });

  const text = consent.text;
  return (
    <div className="stack">
      <div className="face-consent-meta">
        <div className="face-language" role="group" aria-label={t('faces.consent.language')}>
          {(['pt', 'en'] as const).map((option) => (
            <Button
              key={option}
              size="sm"
              variant={locale === option ? 'primary' : 'ghost'}
              aria-pressed={locale === option}
              lang={intlLocale(option)}
              onClick={() => setLocale(option)}
              data-testid={`face-consent-lang-${option}`}
            >
              {option === 'pt' ? 'Português' : 'English'}
            </Button>
          ))}
        </div>
        {text ? (
          <span className="muted" data-testid="face-consent-version" data-version={text.version}>
            {t('faces.consent.version', { version: text.version })}
          </span>
        ) : null}
      </div>
      {consent.status === 'loading' && !text ? (
        <div className="face-consent-text">
          <Skeleton variant="title" />
          <Skeleton variant="block" />
        </div>
      ) : text ? (
        <div
          className="face-consent-text"
          lang={intlLocale(text.locale)}
          data-testid="face-consent-text"
          data-locale={text.locale}
          aria-busy={consent.status === 'loading' || undefined}
        >
          <h3 className="face-consent-title">{text.title}</h3>
          {text.paragraphs.map((paragraph, index) => (
            <p key={index}>{paragraph}</p>
          ))}
          <p className="face-consent-question">{text.question}</p>
        </div>
      ) : null}
      <ErrorMessage error={consent.error ?? error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose} data-testid="face-consent-decline">
          {t('faces.consent.decline')}
        </Button>
        <Button
          variant="primary"
          icon="check"
          isBusy={isBusy}
          disabled={!text || consent.status === 'loading'}
          onClick={() => void agree()}
          data-testid="face-consent-agree"
        >
          {t('faces.consent.agree')}
        </Button>
      </div>
    </div>
  );
}

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

function CaptureBody({ store, patientName, onClose }: { store: FaceStatusStore; patientName: string; onClose: () => void }) {
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
      const problem = photoProblemOf(rpcError);
      if (problem) setSlots((current) => markProblem(current, problem));
      else setError(rpcError);
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

function WithdrawBody({ store, patientName, onClose }: { store: FaceStatusStore; patientName: string; onClose: () => void }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const errorText = useErrorText();
  const { error, isBusy, run } = useRpcAction();
  const confirm = () =>
    run(
      async () => {
        await store.getState().withdraw();
        ui.getState().toast('success', t('faces.withdrawDialog.done', { name: patientName }));
        onClose();
      },
      (rpcError) => ui.getState().toast('error', errorText(rpcError)),
    );
  return (
    <div className="stack">
      <p>{t('faces.withdrawDialog.text', { name: patientName })}</p>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </Button>
        <Button variant="danger" isBusy={isBusy} onClick={() => void confirm()} data-testid="face-withdraw-confirm">
          {t('faces.withdrawDialog.confirm')}
        </Button>
      </div>
    </div>
  );
}
