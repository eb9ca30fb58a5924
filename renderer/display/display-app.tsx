import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { intlLocale } from '../i18n/format';
import { i18nLanguage } from '../i18n/i18n';
import { createPairingStore, type PairingStore } from '../devices/pairing.store';
import { ScreenGate } from '../devices/screen-gate';
import type { Transport } from '../transport/transport';
import { BrandMark } from '../ui/brand';
import { Spinner } from '../ui/spinner';
import { announcementText } from './announcement';
import { createAnnouncer, type Announcer } from './announcer';
import { DisplayBoard } from './display-board';
import { createDisplayStore } from './display.store';
import './display.css';

// Long enough for an AudioContext that autoplay allows (the app's own window) to start running.
const SOUND_CHECK_DELAY_MS = 800;

/** `/display`: the waiting-room screen, behind the pairing gate. */
export function DisplayApp({ transport }: { transport: Transport }) {
  const [pairing] = useState(() => createPairingStore(transport, { role: 'display', probe: (t) => t.call('display.state', {}) }));
  return (
    <ScreenGate store={pairing} role="display" tone="dark">
      <DisplayScreen transport={transport} pairing={pairing} />
    </ScreenGate>
  );
}

function DisplayScreen({ transport, pairing }: { transport: Transport; pairing: PairingStore }) {
  const { t, i18n } = useTranslation();
  const announcer = useRef<Announcer | null>(null);
  const [store] = useState(() =>
    createDisplayStore(transport, {
      announce: (call) => {
        // The call's own language: the clinic's or the patient's, whatever the screen shows.
        const text = announcementText(i18n.getFixedT(i18nLanguage(call.language)), call);
        announcer.current?.announce(call, text);
      },
      onAccessLost: (error) => pairing.getState().lost(error),
    }),
  );
  const view = useStore(store, (state) => state.view);
  const status = useStore(store, (state) => state.status);
  const isConnected = useStore(store, (state) => state.isConnected);
  const clockOffsetMs = useStore(store, (state) => state.clockOffsetMs);
  const now = useTicker(15_000);
  const isSoundEnabled = useSoundGate(announcer);
  const locale = view?.locale;

  useEffect(() => store.getState().start(), [store]);

  useEffect(() => {
    if (!locale) return;
    if (i18n.language !== i18nLanguage(locale)) void i18n.changeLanguage(i18nLanguage(locale));
    document.documentElement.lang = intlLocale(locale);
  }, [i18n, locale]);

  if (!view) {
    return (
      <div className="display-splash" role="status" aria-label={status === 'error' ? t('display.unreachable') : t('common.loading')}>
        <BrandMark size={64} />
        <Spinner size="lg" />
        {status === 'error' ? <p className="display-splash-text">{t('display.unreachable')}</p> : null}
      </div>
    );
  }

  return (
    <>
      <DisplayBoard view={view} isConnected={isConnected} clockOffsetMs={clockOffsetMs} now={now} />
      {isSoundEnabled ? null : <SoundPrompt onEnable={() => announcer.current?.enableSound()} />}
    </>
  );
}

function useTicker(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * Owns the announcer (audio and speech) for the screen's lifetime, and says whether the
 * browser lets it play: a TV that nobody has clicked yet shows the one-time prompt, and any
 * click or key on the page unlocks the sound.
 */
function useSoundGate(ref: { current: Announcer | null }): boolean {
  const [isEnabled, setEnabled] = useState(true);
  useEffect(() => {
    const announcer = createAnnouncer();
    ref.current = announcer;
    const offChange = announcer.onSoundChange(setEnabled);
    const check = setTimeout(() => setEnabled(announcer.isSoundEnabled()), SOUND_CHECK_DELAY_MS);
    const unlock = () => {
      if (!announcer.isSoundEnabled()) announcer.enableSound();
    };
    document.addEventListener('pointerdown', unlock, true);
    document.addEventListener('keydown', unlock, true);
    return () => {
      clearTimeout(check);
      offChange();
      document.removeEventListener('pointerdown', unlock, true);
      document.removeEventListener('keydown', unlock, true);
      announcer.dispose();
      if (ref.current === announcer) ref.current = null;
    };
  }, [ref]);
  return isEnabled;
}

function SoundPrompt({ onEnable }: { onEnable: () => void }) {
  const { t } = useTranslation();
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className="display-sound-overlay">
      <button ref={button} type="button" className="display-sound" data-testid="display-enable-sound" onClick={onEnable}>
        <svg className="display-sound-icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M11 5 6 9H3v6h3l5 4V5zM15.5 8.5a5 5 0 0 1 0 7M18.5 5.5a9 9 0 0 1 0 13" />
        </svg>
        <span className="display-sound-title">{t('display.enableSound')}</span>
        <span className="display-sound-hint">{t('display.enableSoundHint')}</span>
      </button>
    </div>
  );
}
