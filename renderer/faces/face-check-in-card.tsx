import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Locale } from '../../shared/contract/common';
import { useFormat } from '../i18n/hooks';
import { useSessionStore, useTransport } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Alert, ErrorMessage } from '../ui/error-message';
import { Badge, Card, CardHeader, type Tone } from '../ui/misc';
import type { FaceStatus } from '../../shared/faces/faces.contract';
import { createFaceStatusStore, type FaceStatusStore } from './face-status.store';
import { FaceCaptureStep } from './face-capture-step';
import { FaceConsentStep } from './face-consent-step';
import { FaceWithdrawStep } from './face-withdraw-step';
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
          <FaceConsentStep store={store} preferredLanguage={preferredLanguage} onAgreed={() => setOpen('capture')} onClose={() => setOpen(null)} />
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
        {open === 'capture' ? <FaceCaptureStep store={store} patientName={patientName} onClose={() => setOpen(null)} /> : null}
      </Dialog>
      <Dialog open={open === 'withdraw'} onClose={() => setOpen(null)} title={t('faces.withdrawDialog.title')} size="sm" testId="face-withdraw-dialog">
        {open === 'withdraw' ? <FaceWithdrawStep store={store} patientName={patientName} onClose={() => setOpen(null)} /> : null}
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
