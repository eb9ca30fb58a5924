import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { BrandMark } from '../ui/brand';
import { LocaleSelect } from '../ui/locale-select';
import { useSession, useSessionStore } from '../stores/stores';
import './auth.css';

/** The frame of every screen before sign-in: brand, language switch, one centred card. */
export function AuthLayout({ children, wide = false, clinicName }: { children: ReactNode; wide?: boolean; clinicName?: string }) {
  const { t } = useTranslation();
  const locale = useSession((state) => state.guestLocale);
  const setLocale = useSessionStore().getState().setGuestLocale;
  return (
    <div className="auth-screen">
      <header className="auth-topbar">
        <div className="auth-brand">
          <BrandMark size={28} />
          <span className="auth-brand-name">{t('app.name')}</span>
        </div>
        <LocaleSelect value={locale} onChange={setLocale} />
      </header>
      <main className={`auth-main ${wide ? 'is-wide' : ''}`} id="main">
        {clinicName ? <p className="auth-clinic">{clinicName}</p> : null}
        {children}
      </main>
      <footer className="auth-footer">{t('app.tagline')}</footer>
    </div>
  );
}
