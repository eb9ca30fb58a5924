import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Locale } from '../../shared/contract/common';
import { intlLocale } from '../i18n/format';
import { i18nLanguage } from '../i18n/i18n';
import { createPairingStore, type PairingStore } from '../devices/pairing.store';
import { ScreenGate } from '../devices/screen-gate';
import type { Transport } from '../transport/transport';
import { BrandMark } from '../ui/brand';
import { Icon } from '../ui/icons';
import { createKioskFaceStore } from '../faces/kiosk-face.store';
import { createKioskStore, type KioskStore } from './kiosk.store';
// The frame's stylesheet before the steps' (start, entry, result): theirs follow it in the cascade.
import './kiosk.css';
import { MethodStep, StartStep } from './kiosk-start';
import { EntryStep } from './kiosk-entry';
import { ResultStep } from './kiosk-result';

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
