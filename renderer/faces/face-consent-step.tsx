import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Locale } from '../../shared/contract/common';
import { intlLocale } from '../i18n/format';
import { useRpcAction } from '../ui/use-rpc-action';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Skeleton } from '../ui/spinner';
import type { FaceStatusStore } from './face-status.store';

/** Face check-in's first step: the consent text, in the patient's language or the other, and their answer. */
export function FaceConsentStep({
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
