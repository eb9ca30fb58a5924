import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useStore } from 'zustand';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import { isCheckedIn, type KioskOutcome, type KioskStore } from './kiosk.store';
import { KioskTicketPrint } from '../print/kiosk-ticket';
import './kiosk-result.css';

export function ResultStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  const outcome = useStore(store, (state) => state.outcome);
  const info = useStore(store, (state) => state.info);
  const locale = useStore(store, (state) => state.locale);
  if (!outcome) return null;
  return (
    <section
      className={`kiosk-result ${isCheckedIn(outcome) ? 'is-success' : 'is-desk'}`}
      data-testid="kiosk-result"
      data-outcome={outcome.outcome}
      aria-live="polite"
    >
      {isCheckedIn(outcome) && info?.hasPrinter ? (
        <KioskTicketPrint outcome={outcome} clinicName={info.clinicName} locale={locale} zone={info.timeZone} />
      ) : null}
      {isCheckedIn(outcome) ? (
        <CheckedIn outcome={outcome} />
      ) : outcome.outcome === 'notRecognised' ? (
        <FaceFallback store={store} reason={outcome.reason} />
      ) : (
        <SeeDesk store={store} outcome={outcome} />
      )}
      <Button variant={isCheckedIn(outcome) ? 'primary' : 'secondary'} className="kiosk-done" onClick={() => store.getState().reset()} data-testid="kiosk-done">
        {t('kiosk.done')}
      </Button>
    </section>
  );
}

function CheckedIn({ outcome }: { outcome: Extract<KioskOutcome, { outcome: 'checkedIn' | 'alreadyCheckedIn' }> }) {
  const { t } = useTranslation();
  const wait = outcome.estimatedWaitMinutes <= 0 ? t('kiosk.waitSoon') : t('kiosk.waitMinutes', { count: outcome.estimatedWaitMinutes });
  return (
    <>
      <span className="kiosk-result-icon is-success">
        <Icon name="check" size={56} />
      </span>
      <h1 className="kiosk-title is-result">{t('kiosk.checkedInTitle', { name: outcome.greetingName })}</h1>
      <p className="kiosk-result-text">{outcome.outcome === 'checkedIn' ? t('kiosk.checkedIn') : t('kiosk.alreadyCheckedIn')}</p>
      <div className="kiosk-ticket-card">
        <span className="kiosk-ticket-label">{t('kiosk.yourTicket')}</span>
        <span className="kiosk-ticket" data-testid="kiosk-ticket">
          {outcome.ticket}
        </span>
      </div>
      <dl className="kiosk-facts">
        <Fact label={t('kiosk.room')}>
          {outcome.roomName ? <span data-testid="kiosk-room">{outcome.roomName}</span> : <span className="kiosk-fact-muted">{t('kiosk.roomLater')}</span>}
        </Fact>
        {outcome.outcome === 'checkedIn' ? <Fact label={t('kiosk.practitioner')}>{outcome.practitionerName}</Fact> : null}
        <Fact label={t('kiosk.wait')}>
          <span data-testid="kiosk-wait" data-minutes={outcome.estimatedWaitMinutes}>
            {wait}
          </span>
        </Fact>
      </dl>
      <p className="kiosk-hint">{t('kiosk.takeSeat')}</p>
    </>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="kiosk-fact">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

const deskTexts = {
  seeDesk: ['kiosk.seeDeskTitle', 'kiosk.seeDesk'],
  rateLimited: ['kiosk.rateLimitedTitle', 'kiosk.rateLimited'],
  error: ['kiosk.errorTitle', 'kiosk.error'],
} as const;

/** The camera did not find the patient (or could not ask): the birth-date check-in, one tap away. */
function FaceFallback({ store, reason }: { store: KioskStore; reason: Extract<KioskOutcome, { outcome: 'notRecognised' }>['reason'] }) {
  const { t } = useTranslation();
  const isUnavailable = reason === 'unavailable' || reason === 'off';
  return (
    <>
      <span className="kiosk-result-icon is-desk">
        <Icon name="user" size={52} />
      </span>
      <h1 className="kiosk-title is-result">{isUnavailable ? t('kioskFace.unavailableTitle') : t('kioskFace.notRecognisedTitle')}</h1>
      <p className="kiosk-result-text" data-testid="kiosk-face-fallback-reason" data-reason={reason}>
        {isUnavailable ? t('kioskFace.unavailable') : t('kioskFace.notRecognised')}
      </p>
      <Button variant="primary" className="kiosk-retry" onClick={() => store.getState().chooseMethod('dob')} data-testid="kiosk-face-fallback">
        {t('kioskFace.useBirthDate')}
      </Button>
    </>
  );
}

/**
 * No ticket: one friendly "Please see the desk", whatever the reason (the host does not
 * say, so that nobody learns whether someone is a patient here); trying again is always
 * offered, for a typing slip.
 */
function SeeDesk({ store, outcome }: { store: KioskStore; outcome: Exclude<KioskOutcome, { outcome: 'checkedIn' | 'alreadyCheckedIn' | 'notRecognised' }> }) {
  const { t } = useTranslation();
  const waitLeft = useCountdown(outcome.outcome === 'rateLimited' ? outcome.retryAfterSeconds : null);
  const canRetry = outcome.outcome === 'seeDesk' || outcome.outcome === 'error' || (outcome.outcome === 'rateLimited' && outcome.retryAfterSeconds !== null);
  const [titleKey, textKey] = deskTexts[outcome.outcome];
  return (
    <>
      <span className="kiosk-result-icon is-desk">
        <Icon name="info" size={52} />
      </span>
      <h1 className="kiosk-title is-result">{t(titleKey)}</h1>
      <p className="kiosk-result-text" data-testid="kiosk-result-text">
        {waitLeft !== null && waitLeft > 0 ? t('kiosk.rateLimitedWait', { time: waitText(t, waitLeft) }) : t(textKey)}
      </p>
      {canRetry ? (
        <Button
          variant="primary"
          className="kiosk-retry"
          onClick={() => store.getState().retry()}
          disabled={waitLeft !== null && waitLeft > 0}
          data-testid="kiosk-retry"
        >
          {t('kiosk.tryAgain')}
        </Button>
      ) : null}
    </>
  );
}

/** "5 seconds", "2 minutes": whole minutes from a minute and a half, rounded up, so that the wait is never shorter than said. */
export function waitText(t: TFunction, seconds: number): string {
  return seconds < 90 ? t('kiosk.waitForSeconds', { count: seconds }) : t('kiosk.waitForMinutes', { count: Math.ceil(seconds / 60) });
}

/** Seconds left of a wait the host asked for, counting down once a second; null without one. */
function useCountdown(seconds: number | null): number | null {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    setLeft(seconds);
    if (seconds === null) return;
    const startedAt = Date.now();
    const timer = setInterval(() => {
      const remaining = Math.max(0, seconds - Math.floor((Date.now() - startedAt) / 1000));
      setLeft(remaining);
      if (remaining === 0) clearInterval(timer);
    }, 1000);
    return () => clearInterval(timer);
  }, [seconds]);
  return left;
}
