import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { intlLocale } from '../i18n/format';
import { useErrorText } from '../i18n/hooks';
import { i18nLanguage } from '../i18n/i18n';
import { FirstRunScreen } from '../setup/first-run-screen';
import { LockScreen } from '../auth/lock-screen';
import { uiLocaleOf } from '../auth/session.store';
import { SignInScreen } from '../auth/sign-in-screen';
import { useIdleLock } from '../auth/use-idle-lock';
import { PrintHost } from '../print/print-host';
import { SessionStoresProvider, useSession, useSessionStore, useUiStore } from '../stores/stores';
import { BrandMark } from '../ui/brand';
import { Button } from '../ui/button';
import { Spinner } from '../ui/spinner';
import { ToastRegion } from '../ui/toasts';
import { AppShell } from './app-shell';
import './splash.css';

/** The root: asks who is signed in, then shows first run, sign-in, or the app (with the lock over it). */
export function App() {
  const store = useSessionStore();
  const ui = useUiStore();
  const phase = useSession((state) => state.phase);
  const sessionKey = useSession((state) => state.sessionKey);
  const isLocked = useSession((state) => state.isLocked);
  const hasSettings = useSession((state) => state.settings !== null);
  useLocaleSync();
  useIdleLock();

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  useEffect(() => {
    const onHashChange = () => ui.getState().syncFromHash(window.location.hash);
    window.addEventListener('hashchange', onHashChange);
    return () => window.removeEventListener('hashchange', onHashChange);
  }, [ui]);

  let screen;
  switch (phase) {
    case 'loading':
      screen = <Splash />;
      break;
    case 'unreachable':
      screen = <Unreachable />;
      break;
    case 'firstRun':
      screen = <FirstRunScreen />;
      break;
    case 'signedOut':
      screen = <SignInScreen />;
      break;
    case 'signedIn':
      screen = (
        <SessionStoresProvider key={sessionKey}>
          {hasSettings ? <AppShell isHidden={isLocked} /> : null}
          {hasSettings && !isLocked ? <PrintHost /> : null}
          {isLocked ? <LockScreen /> : null}
        </SessionStoresProvider>
      );
      break;
  }

  return (
    <>
      {screen}
      {/* Toasts name patients: not on the lock screen. */}
      {isLocked ? null : <ToastRegion />}
    </>
  );
}

/** The UI speaks the signed-in user's language (the clinic's before sign-in), and tells the page. */
function useLocaleSync() {
  const { i18n } = useTranslation();
  const locale = useSession(uiLocaleOf);
  useEffect(() => {
    if (i18n.language !== i18nLanguage(locale)) void i18n.changeLanguage(i18nLanguage(locale));
    document.documentElement.lang = intlLocale(locale);
  }, [i18n, locale]);
}

function Splash() {
  const { t } = useTranslation();
  return (
    <div className="splash" role="status" aria-label={t('common.loading')}>
      <BrandMark size={44} />
      <Spinner size="md" />
    </div>
  );
}

function Unreachable() {
  const { t } = useTranslation();
  const store = useSessionStore();
  const error = useSession((state) => state.loadError);
  const errorText = useErrorText();
  return (
    <div className="splash">
      <BrandMark size={44} />
      <h1 className="splash-title">{t('app.unreachable')}</h1>
      <p className="muted" role="alert" data-testid="error-message">
        {error ? errorText(error) : null}
      </p>
      <Button variant="primary" icon="refresh" onClick={() => void store.getState().load()}>
        {t('common.retry')}
      </Button>
    </div>
  );
}
