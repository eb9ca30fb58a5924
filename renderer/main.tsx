import { StrictMode, type ReactNode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/app';
import { DisplayApp } from './display/display-app';
import { createI18n } from './i18n/i18n';
import { KioskApp } from './kiosk/kiosk-app';
import { screenForPath } from './devices/screen-for-path';
import { RootStoresProvider } from './stores/stores';
import { createDefaultTransport } from './transport/transport';
import './styles/tokens.css';
import './styles/base.css';
// The design system's components (class names match the components in ui/), in this order and
// after every screen's own stylesheet: screens style their parts, the design system has the last word.
import './ui/icons.css';
import './ui/button.css';
import './ui/field.css';
import './ui/form.css';
import './ui/card.css';
import './ui/badge.css';
import './ui/alert.css';
import './ui/empty-state.css';
import './ui/spinner.css';
import './ui/table.css';
import './ui/dialog.css';
import './ui/toast.css';
import './ui/misc.css';

const browserLocale = navigator.language.toLowerCase().startsWith('pt') ? 'pt' : 'en';
const i18n = createI18n(browserLocale);
const transport = createDefaultTransport();
const screen = screenForPath(window.location.pathname);
document.documentElement.dataset.screen = screen;

const writeHash = (hash: string, replace: boolean) => {
  if (window.location.hash === hash) return;
  if (replace) window.history.replaceState(null, '', hash);
  else window.history.pushState(null, '', hash);
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

let app: ReactNode;
switch (screen) {
  case 'display':
    app = <DisplayApp transport={transport} />;
    break;
  case 'kiosk':
    app = <KioskApp transport={transport} initialLocale={browserLocale} />;
    break;
  case 'reception':
    app = (
      <RootStoresProvider transport={transport} uiOptions={{ initialHash: window.location.hash, writeHash }}>
        <App />
      </RootStoresProvider>
    );
    break;
}

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>{app}</I18nextProvider>
  </StrictMode>,
);
