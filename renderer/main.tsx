import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { App } from './app/app';
import { createI18n } from './i18n/i18n';
import { RootStoresProvider } from './stores/stores';
import { createDefaultTransport } from './transport/transport';
import './styles/tokens.css';
import './styles/base.css';
import './ui/ui.css';

const i18n = createI18n(navigator.language.toLowerCase().startsWith('pt') ? 'pt' : 'en');
const transport = createDefaultTransport();

const writeHash = (hash: string, replace: boolean) => {
  if (window.location.hash === hash) return;
  if (replace) window.history.replaceState(null, '', hash);
  else window.history.pushState(null, '', hash);
};

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <RootStoresProvider transport={transport} uiOptions={{ initialHash: window.location.hash, writeHash }}>
        <App />
      </RootStoresProvider>
    </I18nextProvider>
  </StrictMode>,
);
