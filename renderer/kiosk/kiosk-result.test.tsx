import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Locale } from '../../shared/contract/common';
import { createI18n } from '../i18n/i18n';
import { createFakeTransport } from '../test/fake-transport';
import { ResultStep } from './kiosk-result';
import { createKioskStore, type KioskOutcome } from './kiosk.store';

function render(outcome: KioskOutcome, locale: Locale = 'en'): string {
  const store = createKioskStore(createFakeTransport({}).transport, { initialLocale: locale });
  store.setState({ step: 'result', outcome });
  const html = renderToStaticMarkup(
    <I18nextProvider i18n={createI18n(locale)}>
      {/* Rendered on the "server": zustand reads the initial state there, so it is the one set. */}
      <ResultStep store={{ ...store, getInitialState: store.getState }} />
    </I18nextProvider>,
  );
  store.getState().dispose();
  return html;
}

describe('the kiosk told to wait', () => {
  it('says how long, in the patient’s language, and holds "Try again" until then', () => {
    const html = render({ outcome: 'rateLimited', retryAfterSeconds: 20 });
    expect(html).toContain('Please wait 20 seconds and try again');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="kiosk-retry"/);
    expect(render({ outcome: 'rateLimited', retryAfterSeconds: 1 })).toContain('wait 1 second and');
    expect(render({ outcome: 'rateLimited', retryAfterSeconds: 125 })).toContain('wait 3 minutes and');
    expect(render({ outcome: 'rateLimited', retryAfterSeconds: 20 }, 'pt')).toContain('Aguarde 20 segundos e tente de novo');
  });

  it('without a time sends the patient to the desk, as before', () => {
    const html = render({ outcome: 'rateLimited', retryAfterSeconds: null });
    expect(html).toContain('The desk will help you.');
    expect(html).not.toContain('kiosk-retry');
  });
});
