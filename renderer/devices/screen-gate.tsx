import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { DeviceRoleName } from '../../shared/devices/devices.contract';
import { errorText } from '../i18n/errors';
import { BrandMark } from '../ui/brand';
import { Button } from '../ui/button';
import { Spinner } from '../ui/spinner';
import { isBadPairingCode, PAIRING_CODE, type PairingStore } from './pairing.store';
import './pairing.css';

export type GateTone = 'dark' | 'light';

/**
 * Shows the screen's app only once the host lets this browser use it: a paired device of
 * the right role, or signed-in staff. Otherwise the pairing form, or why it is refused.
 */
export function ScreenGate({ store, role, tone, children }: { store: PairingStore; role: DeviceRoleName; tone: GateTone; children: ReactNode }) {
  const { t } = useTranslation();
  const phase = useStore(store, (state) => state.phase);

  useEffect(() => {
    void store.getState().check();
    return () => store.getState().dispose();
  }, [store]);

  switch (phase) {
    case 'ready':
      return <>{children}</>;
    case 'checking':
      return <GateMessage tone={tone} busy label={t('pairing.connecting')} />;
    case 'unreachable':
      return <GateMessage tone={tone} busy label={t('pairing.unreachable')} isVisibleLabel />;
    case 'unpaired':
      return <PairingForm store={store} role={role} tone={tone} />;
    case 'forbidden':
      return <Forbidden store={store} role={role} tone={tone} />;
  }
}

function GateMessage({ tone, busy, label, isVisibleLabel = false }: { tone: GateTone; busy?: boolean; label: string; isVisibleLabel?: boolean }) {
  return (
    <div className={`pairing-screen is-${tone}`} role="status" aria-label={label}>
      <BrandMark size={48} />
      {busy ? <Spinner size="md" /> : null}
      {isVisibleLabel ? <p className="pairing-status">{label}</p> : null}
    </div>
  );
}

function PairingForm({ store, role, tone }: { store: PairingStore; role: DeviceRoleName; tone: GateTone }) {
  const { t } = useTranslation();
  const isPairing = useStore(store, (state) => state.isPairing);
  const error = useStore(store, (state) => state.pairError);
  const isStaffLocked = useStore(store, (state) => state.isStaffLocked);
  const [code, setCode] = useState('');
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => input.current?.focus(), []);

  const message = !error
    ? null
    : error.code === 'VALIDATION' && error.details.field === 'code'
      ? t('pairing.codeFormat')
      : isBadPairingCode(error)
        ? t('pairing.badCode')
        : errorText(t, error);

  return (
    <div className={`pairing-screen is-${tone}`}>
      <form
        className="pairing-card"
        aria-labelledby="pairing-title"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void store
            .getState()
            .pair(code)
            .then((isPaired) => {
              if (!isPaired) input.current?.select();
            });
        }}
      >
        <BrandMark size={44} />
        <h1 id="pairing-title" className="pairing-title">
          {role === 'display' ? t('pairing.titleDisplay') : t('pairing.titleKiosk')}
        </h1>
        <p className="pairing-lead">{t('pairing.lead')}</p>
        <label className="pairing-label" htmlFor="pairing-code">
          {t('pairing.code')}
        </label>
        <input
          ref={input}
          id="pairing-code"
          className="pairing-code"
          data-testid="pairing-code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={6}
          placeholder="000000"
          value={code}
          aria-invalid={message ? true : undefined}
          aria-describedby="pairing-message"
          onChange={(event) => setCode(event.target.value.replace(/\D/g, '').slice(0, 6))}
        />
        <p
          id="pairing-message"
          className={message ? 'pairing-error' : 'pairing-hint'}
          role={message ? 'alert' : undefined}
          data-testid={message ? 'error-message' : undefined}
        >
          {message ?? t('pairing.codeHint')}
        </p>
        <Button
          type="submit"
          variant="primary"
          size="lg"
          className="btn-block"
          isBusy={isPairing}
          disabled={!PAIRING_CODE.test(code)}
          data-testid="pairing-submit"
        >
          {t('pairing.submit')}
        </Button>
        <p className="pairing-note">{isStaffLocked ? t('pairing.staffLocked') : t('pairing.staffHint')}</p>
      </form>
    </div>
  );
}

function Forbidden({ store, role, tone }: { store: PairingStore; role: DeviceRoleName; tone: GateTone }) {
  const { t } = useTranslation();
  const device = useStore(store, (state) => state.device);
  const roleName = (name: DeviceRoleName) => (name === 'display' ? t('pairing.roleDisplay') : t('pairing.roleKiosk'));
  const other = device && device.role !== role ? device.role : null;
  return (
    <div className={`pairing-screen is-${tone}`}>
      <section className="pairing-card" aria-labelledby="forbidden-title" data-testid="pairing-forbidden">
        <BrandMark size={44} />
        <h1 id="forbidden-title" className="pairing-title">
          {t('pairing.forbiddenTitle')}
        </h1>
        <p className="pairing-lead">
          {device ? t('pairing.forbiddenDevice', { role: roleName(device.role), name: device.name }) : t('pairing.forbiddenStaff')}
        </p>
        <div className="pairing-actions">
          <Button variant="primary" size="lg" className="btn-block" onClick={() => store.getState().startRepair()} data-testid="pairing-again">
            {t('pairing.pairAgain')}
          </Button>
          {other ? (
            <a className="btn btn-secondary btn-lg btn-block" href={other === 'display' ? '/display' : '/kiosk'}>
              <span className="btn-label">{other === 'display' ? t('pairing.openDisplay') : t('pairing.openKiosk')}</span>
            </a>
          ) : null}
        </div>
      </section>
    </div>
  );
}
