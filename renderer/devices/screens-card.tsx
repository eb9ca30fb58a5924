import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { devicesContract, type Device, type DeviceRoleName } from '../../shared/devices/devices.contract';
import { clientFieldErrors, serverFieldErrors } from '../i18n/errors';
import { useErrorText, useFormat, useNow } from '../i18n/hooks';
import { useDevices, useDevicesStore, useUi, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { useRpcAction } from '../ui/use-rpc-action';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Alert, ErrorMessage } from '../ui/error-message';
import { Checkbox, TextField } from '../ui/field';
import { Icon, type IconName } from '../ui/icons';
import { Badge, Card, CardHeader, EmptyState, type Tone } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { deviceStatus, isThrottled, type DeviceStatus, type PairingCode } from './devices.store';
import './devices.css';

const roleIcon: Record<DeviceRoleName, IconName> = { display: 'monitor', kiosk: 'tablet' };
const statusTone: Record<DeviceStatus, Tone> = { online: 'success', offline: 'neutral', neverSeen: 'warning', revoked: 'danger' };

/** "Screens": the paired waiting-room displays and kiosks, "Add a screen", and Revoke. */
export function ScreensCard() {
  const { t } = useTranslation();
  const store = useDevicesStore();
  const devices = useDevices((state) => state.devices);
  const status = useDevices((state) => state.status);
  const error = useDevices((state) => state.error);
  const focusRequest = useUi((state) => state.focusRequest);
  const [isAdding, setIsAdding] = useState(false);
  const [revoking, setRevoking] = useState<Device | null>(null);
  const handledRequest = useRef(0);

  useEffect(() => {
    void store.getState().load();
  }, [store]);

  // The palette's "Add a screen" lands here and opens the dialog.
  useEffect(() => {
    if (focusRequest?.target === 'addScreen' && handledRequest.current !== focusRequest.seq) {
      handledRequest.current = focusRequest.seq;
      setIsAdding(true);
    }
  }, [focusRequest]);

  return (
    <Card aria-labelledby="screens-title" className="screens-card">
      <CardHeader
        titleId="screens-title"
        title={t('screens.title')}
        subtitle={t('screens.lead')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setIsAdding(true)} data-testid="add-screen">
            {t('screens.add')}
          </Button>
        }
      />
      {status === 'loading' && devices.length === 0 ? (
        <SkeletonList rows={2} label={t('common.loading')} />
      ) : status === 'error' ? (
        <div className="card-body">
          <ErrorMessage
            error={error}
            action={
              <Button size="sm" onClick={() => void store.getState().load()}>
                {t('common.retry')}
              </Button>
            }
          />
        </div>
      ) : devices.length === 0 ? (
        <EmptyState icon="monitor" title={t('screens.empty')}>
          {t('screens.emptyHint')}
        </EmptyState>
      ) : (
        <DevicesTable devices={devices} onRevoke={setRevoking} />
      )}
      <Dialog open={isAdding} onClose={() => setIsAdding(false)} title={t('screens.addTitle')} size="md" testId="add-screen-dialog">
        {isAdding ? <AddScreen onClose={() => setIsAdding(false)} /> : null}
      </Dialog>
      <Dialog open={revoking !== null} onClose={() => setRevoking(null)} title={t('screens.revokeTitle')} size="sm" testId="revoke-screen-dialog">
        {revoking ? <RevokeBody device={revoking} onClose={() => setRevoking(null)} /> : null}
      </Dialog>
    </Card>
  );
}

function DevicesTable({ devices, onRevoke }: { devices: Device[]; onRevoke: (device: Device) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const now = useNow(5_000);
  const store = useDevicesStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const clearThrottle = async (device: Device) => {
    try {
      await store.getState().clearThrottle(device.id);
      ui.getState().toast('success', t('screens.throttleCleared', { name: device.name }));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    }
  };
  const setPrinter = async (device: Device, hasPrinter: boolean) => {
    try {
      await store.getState().setPrinter(device.id, hasPrinter);
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    }
  };
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('screens.name')}</th>
            <th scope="col">{t('screens.role')}</th>
            <th scope="col">{t('screens.lastSeen')}</th>
            <th scope="col">{t('common.status')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('common.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => {
            const state = deviceStatus(device, now);
            return (
              <tr
                key={device.id}
                className={state === 'revoked' ? 'is-inactive' : ''}
                data-testid="device-row"
                data-device-id={device.id}
                data-role={device.role}
                data-status={state}
              >
                <td className="strong">{device.name}</td>
                <td>
                  <span className="device-role">
                    <Icon name={roleIcon[device.role]} size={16} />
                    {t(`screens.roles.${device.role}`)}
                  </span>
                  {device.role === 'kiosk' && state !== 'revoked' ? (
                    <Checkbox
                      className="device-printer"
                      label={t('print.kioskPrinter')}
                      title={t('print.kioskPrinterHint')}
                      checked={device.hasPrinter}
                      onChange={(event) => void setPrinter(device, event.target.checked)}
                      data-testid="device-printer"
                    />
                  ) : null}
                </td>
                <td className="muted">{device.lastSeenAt === null ? t('screens.never') : format.dateTime(device.lastSeenAt)}</td>
                <td>
                  <Badge tone={statusTone[state]}>
                    {state === 'revoked' && device.revokedAt
                      ? t('screens.revokedOn', { when: format.dateTime(device.revokedAt) })
                      : t(`screens.status.${state}`)}
                  </Badge>
                  {isThrottled(device, now) && device.throttledUntil !== null ? (
                    <div className="device-throttled" data-testid="device-throttled">
                      <Badge tone="warning" title={t('screens.throttledUntil', { when: format.dateTime(device.throttledUntil) })}>
                        {t('screens.throttled')}
                      </Badge>
                      <Button
                        size="sm"
                        variant="secondary"
                        onClick={() => void clearThrottle(device)}
                        aria-label={`${t('screens.clearThrottle')}: ${device.name}`}
                        data-testid="device-clear-throttle"
                      >
                        {t('screens.clearThrottle')}
                      </Button>
                    </div>
                  ) : null}
                </td>
                <td className="actions">
                  {state === 'revoked' ? null : (
                    <Button
                      size="sm"
                      variant="danger-ghost"
                      onClick={() => onRevoke(device)}
                      aria-label={`${t('screens.revoke')}: ${device.name}`}
                      data-testid="device-revoke"
                    >
                      {t('screens.revoke')}
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** Where a screen on the LAN opens Front Desk: this page's own address in a browser. */
function hostAddress(): string | null {
  if (typeof window === 'undefined' || window.frontDesk) return null;
  return window.location.origin;
}

function AddScreen({ onClose }: { onClose: () => void }) {
  const [pairing, setPairing] = useState<PairingCode | null>(null);
  return pairing ? (
    <PairingCodePanel pairing={pairing} onAgain={() => setPairing(null)} onClose={onClose} />
  ) : (
    <AddScreenForm onCreated={setPairing} onClose={onClose} />
  );
}

function AddScreenForm({ onCreated, onClose }: { onCreated: (pairing: PairingCode) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useDevicesStore();
  const [role, setRole] = useState<DeviceRoleName>('display');
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | undefined>();
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const nameRef = useRef<HTMLInputElement>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const input = { role, name };
    const found = clientFieldErrors(t, devicesContract['devices.createPairingCode'].input, input)['name'];
    setNameError(found);
    setError(null);
    if (found) {
      nameRef.current?.focus();
      return;
    }
    setIsBusy(true);
    try {
      onCreated(await store.getState().createPairingCode(role, name));
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      const onName = serverFieldErrors(t, rpcError)['name'];
      if (onName) setNameError(onName);
      else setError(rpcError);
      setIsBusy(false);
    }
  };

  return (
    <form className="stack" onSubmit={onSubmit} noValidate>
      <fieldset className="field-group">
        <legend className="field-label">{t('screens.whatKind')}</legend>
        <div className="radio-cards screen-roles">
          {(['display', 'kiosk'] as const).map((option) => (
            <label key={option} className={`radio-card screen-role ${role === option ? 'is-selected' : ''}`}>
              <input
                type="radio"
                name="screen-role"
                value={option}
                checked={role === option}
                onChange={() => setRole(option)}
                data-testid={`screen-role-${option}`}
              />
              <Icon name={roleIcon[option]} size={22} />
              <span className="screen-role-text">
                <span className="radio-card-title">{t(`screens.roles.${option}`)}</span>
                <span className="muted">{t(`screens.roleHints.${option}`)}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <TextField
        ref={nameRef}
        label={t('screens.name')}
        required
        maxLength={60}
        value={name}
        placeholder={role === 'display' ? t('screens.namePlaceholderDisplay') : t('screens.namePlaceholderKiosk')}
        onChange={(event) => {
          setName(event.target.value);
          setNameError(undefined);
        }}
        error={nameError}
        hint={t('screens.nameHint')}
        data-testid="screen-name"
      />
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={isBusy} data-testid="create-pairing-code">
          {t('screens.createCode')}
        </Button>
      </div>
    </form>
  );
}

function PairingCodePanel({ pairing, onAgain, onClose }: { pairing: PairingCode; onAgain: () => void; onClose: () => void }) {
  const { t } = useTranslation();
  const now = useNow(1_000);
  const store = useDevicesStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const [current, setCurrent] = useState(pairing);
  const [isRenewing, setIsRenewing] = useState(false);
  const left = Math.max(0, Math.ceil((current.expiresAt - now) / 1000));
  const isExpired = left === 0;
  const path = current.role === 'display' ? '/display' : '/kiosk';
  const origin = hostAddress();

  const renew = async () => {
    setIsRenewing(true);
    try {
      setCurrent(await store.getState().createPairingCode(current.role, current.name));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setIsRenewing(false);
    }
  };

  return (
    <div className="stack screen-pairing">
      <p className="screen-pairing-for">
        <Icon name={roleIcon[current.role]} size={18} />
        <span>
          <strong>{current.name}</strong> · {t(`screens.roles.${current.role}`)}
        </span>
      </p>
      <div
        className={`screen-pairing-code ${isExpired ? 'is-expired' : ''}`}
        data-testid="pairing-code-display"
        data-code={current.code}
        aria-label={t('screens.codeLabel', { code: current.code.split('').join(' ') })}
        role="img"
      >
        {current.code.split('').map((digit, index) => (
          <span key={index} className="screen-pairing-digit">
            {digit}
          </span>
        ))}
      </div>
      <p className={`screen-pairing-expiry ${isExpired ? 'is-expired' : ''}`} aria-live="polite" data-testid="pairing-expiry">
        {isExpired ? t('screens.expired') : t('screens.expiresIn', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })}
      </p>
      <ol className="screen-pairing-steps">
        <li>
          {origin ? (
            <>
              {t('screens.stepOpen')} <code className="screen-pairing-url" data-testid="pairing-url">{`${origin}${path}`}</code>
            </>
          ) : (
            <>{t('screens.stepOpenElectron', { path })}</>
          )}
        </li>
        <li>{t('screens.stepEnter')}</li>
        <li>{current.role === 'display' ? t('screens.stepDoneDisplay') : t('screens.stepDoneKiosk')}</li>
      </ol>
      {origin ? null : (
        <Alert tone="info" title={t('screens.electronHostTitle')}>
          {t('screens.electronHost', { path })}
        </Alert>
      )}
      <div className="form-actions">
        <Button variant="ghost" onClick={onAgain}>
          {t('screens.another')}
        </Button>
        {isExpired ? (
          <Button variant="secondary" icon="refresh" isBusy={isRenewing} onClick={() => void renew()}>
            {t('screens.newCode')}
          </Button>
        ) : null}
        <Button variant="primary" onClick={onClose}>
          {t('screens.done')}
        </Button>
      </div>
    </div>
  );
}

function RevokeBody({ device, onClose }: { device: Device; onClose: () => void }) {
  const { t } = useTranslation();
  const store = useDevicesStore();
  const ui = useUiStore();
  const { error, isBusy, run } = useRpcAction();
  const confirm = () =>
    run(async () => {
      await store.getState().revoke(device.id);
      ui.getState().toast('success', t('screens.revoked', { name: device.name }));
      onClose();
    });
  return (
    <div className="stack">
      <p className="screen-pairing-for">
        <Icon name={roleIcon[device.role]} size={18} />
        <span>
          <strong>{device.name}</strong> · {t(`screens.roles.${device.role}`)}
        </span>
      </p>
      <p>{t('screens.revokeText')}</p>
      <ErrorMessage error={error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onClose} autoFocus>
          {t('common.cancel')}
        </Button>
        <Button variant="danger" isBusy={isBusy} onClick={() => void confirm()} data-testid="device-revoke-confirm">
          {t('screens.confirmRevoke')}
        </Button>
      </div>
    </div>
  );
}
