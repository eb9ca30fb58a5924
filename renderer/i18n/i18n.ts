import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Locale } from '../../shared/contract/common';
import { catalogues } from '../../shared/i18n';

/** i18next's language code for a contract locale: "pt-PT", so plurals follow European Portuguese (0 anos, not 0 ano). */
export function i18nLanguage(locale: Locale): string {
  return locale === 'pt' ? 'pt-PT' : 'en';
}

/** A fresh i18next instance with both catalogues bundled (no loading, so no flash of keys). */
export function createI18n(locale: Locale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources: { en: { translation: catalogues.en }, 'pt-PT': { translation: catalogues.pt } },
    lng: i18nLanguage(locale),
    fallbackLng: 'en',
    supportedLngs: ['en', 'pt-PT'],
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  return instance;
}
