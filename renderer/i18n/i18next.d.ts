import 'i18next';
import type { Catalogue } from '../../shared/i18n/en';

// Typed keys: `t('patients.titel')` is a compile error, so no string reaches the screen untranslated.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Catalogue };
  }
}
