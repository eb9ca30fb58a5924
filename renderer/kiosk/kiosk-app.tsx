import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Locale } from '../../shared/contract/common';
import { intlLocale } from '../i18n/format';
import { i18nLanguage } from '../i18n/i18n';
import { createPairingStore, type PairingStore } from '../devices/pairing.store';
import { ScreenGate } from '../devices/screen-gate';
import type { Transport } from '../transport/transport';
import { BrandMark } from '../ui/brand';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import { KioskFaceCamera } from '../faces/kiosk-face-camera';
import { createKioskFaceStore, type KioskFaceStore } from '../faces/kiosk-face.store';
import { Keypad } from './keypad';
import { createKioskStore, isCheckedIn, isEntryComplete, type KioskField, type KioskOutcome, type KioskStore } from './kiosk.store';
import './kiosk.css';

/** `/kiosk`: self check-in, behind the pairing gate. */
export function KioskApp({ transport, initialLocale }: { transport: Transport; initialLocale: Locale }) {
  const [pairing] = useState(() => createPairingStore(transport, { role: 'kiosk', probe: (t) => t.call('kiosk.info', {}) }));
  return (
    <ScreenGate store={pairing} role="kiosk" tone="light">
      <KioskScreen transport={transport} pairing={pairing} initialLocale={initialLocale} />
    </ScreenGate>
  );
}

function KioskScreen({ transport, pairing, initialLocale }: { transport: Transport; pairing: PairingStore; initialLocale: Locale }) {
  const { i18n } = useTranslation();
  const [store] = useState(() => createKioskStore(transport, { initialLocale, onAccessLost: (error) => pairing.getState().lost(error) }));
  const [face] = useState(() =>
    createKioskFaceStore(transport, { onResult: (result) => store.getState().showFaceResult(result), onAccessLost: (error) => pairing.getState().lost(error) }),
  );
  const step = useStore(store, (state) => state.step);
  const locale = useStore(store, (state) => state.locale);

  useEffect(() => {
    void store.getState().load();
    return () => store.getState().dispose();
  }, [store]);

  // Asked again at every return to the start screen: an admin may have switched it on or off.
  useEffect(() => {
    if (step === 'start') void face.getState().loadAvailability();
  }, [face, step]);

  useEffect(() => {
    if (i18n.language !== i18nLanguage(locale)) void i18n.changeLanguage(i18nLanguage(locale));
    document.documentElement.lang = intlLocale(locale);
  }, [i18n, locale]);

  useEffect(() => {
    const touch = () => store.getState().touch();
    document.addEventListener('pointerdown', touch, true);
    document.addEventListener('keydown', touch, true);
    return () => {
      document.removeEventListener('pointerdown', touch, true);
      document.removeEventListener('keydown', touch, true);
    };
  }, [store]);

  return (
    <div className="kiosk" data-step={step}>
      <KioskHeader store={store} />
      <main className="kiosk-main" id="main">
        {step === 'start' ? <StartStep store={store} face={face} /> : null}
        {step === 'method' ? <MethodStep store={store} /> : null}
        {step === 'dob' || step === 'code' ? <EntryStep store={store} /> : null}
        {step === 'result' ? <ResultStep store={store} /> : null}
      </main>
      <KioskFooter />
    </div>
  );
}

function KioskHeader({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  const clinicName = useStore(store, (state) => state.info?.clinicName ?? '');
  const locale = useStore(store, (state) => state.locale);
  return (
    <header className="kiosk-header">
      <div className="kiosk-brand">
        <BrandMark size={40} />
        <span className="kiosk-clinic">{clinicName}</span>
      </div>
      <div className="kiosk-languages" role="group" aria-label={t('common.language')}>
        {(['pt', 'en'] as const).map((option) => (
          <button
            key={option}
            type="button"
            lang={intlLocale(option)}
            className={`kiosk-language ${locale === option ? 'is-active' : ''}`}
            aria-pressed={locale === option}
            data-testid={`kiosk-lang-${option}`}
            onClick={() => store.getState().setLocale(option)}
          >
            {option === 'pt' ? 'Português' : 'English'}
          </button>
        ))}
      </div>
    </header>
  );
}

function KioskFooter() {
  const { t } = useTranslation();
  return (
    <footer className="kiosk-footer">
      <Icon name="info" size={20} />
      {t('kiosk.help')}
    </footer>
  );
}

function StartStep({ store, face }: { store: KioskStore; face: KioskFaceStore }) {
  const { t } = useTranslation();
  const availability = useStore(face, (state) => state.availability);
  const [hasCameraFailed, setHasCameraFailed] = useState(false);
  const onCameraFailed = useCallback(() => setHasCameraFailed(true), []);
  if (availability === 'on' && !hasCameraFailed) {
    return (
      <section className="kiosk-start is-face" aria-labelledby="kiosk-start-title">
        <p className="kiosk-eyebrow">{t('kiosk.welcome')}</p>
        <h1 id="kiosk-start-title" className="kiosk-title is-hero">
          {t('kioskFace.lookAtCamera')}
        </h1>
        <KioskFaceCamera store={face} onCameraFailed={onCameraFailed} />
        <button type="button" className="kiosk-secondary-start" data-testid="kiosk-start" onClick={() => store.getState().begin()}>
          <Icon name="keyboard" size={32} />
          <span className="kiosk-secondary-start-text">
            <span>{t('kioskFace.otherWay')}</span>
            <span className="kiosk-secondary-start-hint">{t('kioskFace.otherWayHint')}</span>
          </span>
        </button>
      </section>
    );
  }
  return (
    <section className="kiosk-start" aria-labelledby="kiosk-start-title">
      <p className="kiosk-eyebrow">{t('kiosk.welcome')}</p>
      <h1 id="kiosk-start-title" className="kiosk-title is-hero">
        {t('kiosk.startTitle')}
      </h1>
      <button type="button" className="kiosk-primary is-hero" data-testid="kiosk-start" onClick={() => store.getState().begin()}>
        <Icon name="checkCircle" size={40} />
        {t('kiosk.checkIn')}
      </button>
      <p className="kiosk-hint">{hasCameraFailed ? t('kioskFace.cameraProblem') : t('kiosk.startHint')}</p>
    </section>
  );
}

function MethodStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  return (
    <section className="kiosk-step" aria-labelledby="kiosk-method-title">
      <StepHeader store={store} titleId="kiosk-method-title" title={t('kiosk.chooseMethod')} />
      <div className="kiosk-methods">
        <button type="button" className="kiosk-method" data-testid="kiosk-method-dob" onClick={() => store.getState().chooseMethod('dob')}>
          <span className="kiosk-method-icon">
            <Icon name="calendar" size={44} />
          </span>
          <span className="kiosk-method-title">{t('kiosk.methodDob')}</span>
          <span className="kiosk-method-hint">{t('kiosk.methodDobHint')}</span>
        </button>
        <button type="button" className="kiosk-method" data-testid="kiosk-method-code" onClick={() => store.getState().chooseMethod('code')}>
          <span className="kiosk-method-icon">
            <Icon name="keyboard" size={44} />
          </span>
          <span className="kiosk-method-title">{t('kiosk.methodCode')}</span>
          <span className="kiosk-method-hint">{t('kiosk.methodCodeHint')}</span>
        </button>
      </div>
    </section>
  );
}

function StepHeader({ store, title, titleId }: { store: KioskStore; title: string; titleId: string }) {
  const { t } = useTranslation();
  return (
    <div className="kiosk-step-header">
      <button type="button" className="kiosk-back" onClick={() => store.getState().back()} data-testid="kiosk-back">
        <Icon name="chevronLeft" size={28} />
        {t('kiosk.back')}
      </button>
      <h1 id={titleId} className="kiosk-title">
        {title}
      </h1>
    </div>
  );
}

const testIds: Record<KioskField, string> = {
  day: 'kiosk-dob-day',
  month: 'kiosk-dob-month',
  year: 'kiosk-dob-year',
  phone: 'kiosk-phone-last4',
  code: 'kiosk-code',
};

function EntryStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  const step = useStore(store, (state) => state.step);
  const isSubmitting = useStore(store, (state) => state.isSubmitting);
  const isDateInvalid = useStore(store, (state) => state.isDateInvalid);
  const isComplete = useStore(store, (state) => isEntryComplete(state));
  const actions = store.getState();
  const isCode = step === 'code';

  return (
    <section className={`kiosk-step kiosk-entry ${isCode ? 'is-code' : 'is-dob'}`} aria-labelledby="kiosk-entry-title">
      <StepHeader store={store} titleId="kiosk-entry-title" title={isCode ? t('kiosk.codeTitle') : t('kiosk.dobTitle')} />
      <form
        className="kiosk-entry-body"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void store.getState().submit();
        }}
      >
        <div className="kiosk-fields">
          {isCode ? (
            <EntryField store={store} field="code" label={t('kiosk.code')} placeholder="······" />
          ) : (
            <>
              <fieldset className="kiosk-dob">
                <legend className="kiosk-label">{t('kiosk.dateOfBirth')}</legend>
                <div className="kiosk-dob-parts">
                  <EntryField store={store} field="day" label={t('kiosk.day')} placeholder={t('kiosk.dayPlaceholder')} />
                  <span className="kiosk-dob-sep" aria-hidden="true">
                    /
                  </span>
                  <EntryField store={store} field="month" label={t('kiosk.month')} placeholder={t('kiosk.monthPlaceholder')} />
                  <span className="kiosk-dob-sep" aria-hidden="true">
                    /
                  </span>
                  <EntryField store={store} field="year" label={t('kiosk.year')} placeholder={t('kiosk.yearPlaceholder')} />
                </div>
              </fieldset>
              <EntryField store={store} field="phone" label={t('kiosk.phoneLast4')} placeholder="····" isWide />
            </>
          )}
          {/* Reserved, so the message appearing does not move the keypad. */}
          <p className="kiosk-entry-error" role="alert" data-testid={isDateInvalid ? 'kiosk-date-error' : undefined}>
            {isDateInvalid ? t('kiosk.invalidDate') : ''}
          </p>
          <Button type="submit" variant="primary" className="kiosk-submit" isBusy={isSubmitting} disabled={!isComplete} data-testid="kiosk-submit">
            {t('kiosk.submit')}
          </Button>
        </div>
        <Keypad kind={isCode ? 'letters' : 'digits'} onKey={actions.press} onErase={actions.erase} onClear={actions.clearField} />
      </form>
    </section>
  );
}

function EntryField({ store, field, label, placeholder, isWide = false }: { store: KioskStore; field: KioskField; label: string; placeholder: string; isWide?: boolean }) {
  const value = useStore(store, (state) => state.values[field]);
  const isActive = useStore(store, (state) => state.field === field);
  const isInvalid = useStore(store, (state) => state.isDateInvalid && field !== 'phone');
  const input = useRef<HTMLInputElement>(null);
  const id = `kiosk-field-${field}`;

  useEffect(() => {
    if (isActive && document.activeElement !== input.current) input.current?.focus();
  }, [isActive]);

  return (
    <div className={`kiosk-field is-${field} ${isWide ? 'is-wide' : ''} ${isActive ? 'is-active' : ''}`}>
      <label htmlFor={id} className="kiosk-label">
        {label}
      </label>
      <input
        ref={input}
        id={id}
        className="kiosk-input"
        data-testid={testIds[field]}
        // The on-screen keypad is the keyboard: a tablet must not raise its own over it.
        inputMode="none"
        autoComplete="off"
        autoCapitalize={field === 'code' ? 'characters' : 'off'}
        spellCheck={false}
        placeholder={placeholder}
        value={value}
        aria-invalid={isInvalid || undefined}
        onFocus={() => store.getState().focusField(field)}
        onChange={(event) => store.getState().setValue(field, event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Backspace' && value === '') {
            event.preventDefault();
            store.getState().erase();
          }
        }}
      />
    </div>
  );
}

function ResultStep({ store }: { store: KioskStore }) {
  const { t } = useTranslation();
  const outcome = useStore(store, (state) => state.outcome);
  if (!outcome) return null;
  return (
    <section className={`kiosk-result ${isCheckedIn(outcome) ? 'is-success' : 'is-desk'}`} data-testid="kiosk-result" data-outcome={outcome.outcome} aria-live="polite">
      {isCheckedIn(outcome) ? <CheckedIn outcome={outcome} /> : outcome.outcome === 'notRecognised' ? <FaceFallback store={store} reason={outcome.reason} /> : <SeeDesk store={store} outcome={outcome} />}
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
  tooLate: ['kiosk.tooLateTitle', 'kiosk.tooLate'],
  noAppointment: ['kiosk.noAppointmentTitle', 'kiosk.noAppointment'],
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

function SeeDesk({ store, outcome }: { store: KioskStore; outcome: Exclude<KioskOutcome, { outcome: 'checkedIn' | 'alreadyCheckedIn' | 'notRecognised' }> }) {
  const { t } = useTranslation();
  const canRetry = outcome.outcome === 'noAppointment' || outcome.outcome === 'error';
  let title: string;
  let text: string;
  if (outcome.outcome === 'tooEarly') {
    title = t('kiosk.tooEarlyTitle');
    text = t('kiosk.tooEarly', { count: Math.max(1, outcome.minutesUntilOpen) });
  } else {
    const [titleKey, textKey] = deskTexts[outcome.outcome];
    title = t(titleKey);
    text = t(textKey);
  }
  return (
    <>
      <span className="kiosk-result-icon is-desk">
        <Icon name={outcome.outcome === 'tooEarly' ? 'clock' : 'info'} size={52} />
      </span>
      <h1 className="kiosk-title is-result">{title}</h1>
      <p className="kiosk-result-text">{text}</p>
      {canRetry ? (
        <Button variant="primary" className="kiosk-retry" onClick={() => store.getState().retry()} data-testid="kiosk-retry">
          {t('kiosk.tryAgain')}
        </Button>
      ) : null}
    </>
  );
}
