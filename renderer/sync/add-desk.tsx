import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncSettings } from '../../shared/sync/sync.contract';
import { useSyncStore } from '../stores/stores';
import { useFormat } from '../i18n/hooks';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import type { JoinCode } from './sync.store';

/**
 * Admin, in the sync card: "Add a desk". A one-time code from the cloud, shown large enough
 * to read across the desk, with its expiry and what to do with it on the new computer.
 */
export function AddDeskSection({ settings }: { settings: SyncSettings }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useSyncStore();
  const [joinCode, setJoinCode] = useState<JoinCode | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const isReady = settings.cloudUrl !== '' && settings.hasToken;

  const create = async () => {
    setIsBusy(true);
    setError(null);
    try {
      setJoinCode(await store.getState().createJoinCode());
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <section className="card-body stack add-desk" aria-labelledby="add-desk-title" data-testid="add-desk">
      <div>
        <h3 id="add-desk-title" className="add-desk-title">
          {t('sync.settings.addDesk.title')}
        </h3>
        <p className="muted">{isReady ? t('sync.settings.addDesk.lead') : t('sync.settings.addDesk.needsSync')}</p>
      </div>
      {joinCode ? (
        <div className="join-code-panel" data-testid="join-code-panel">
          <output className="join-code-value mono" data-testid="join-code-value" aria-label={t('firstRun.join.code')}>
            {joinCode.code}
          </output>
          <p className="join-code-expiry" data-testid="join-code-expiry">
            {t('sync.settings.addDesk.expires', { time: format.dateTime(joinCode.expiresAt) })}
          </p>
          <p className="muted">{t('sync.settings.addDesk.howTo', { url: settings.cloudUrl })}</p>
        </div>
      ) : null}
      <ErrorMessage error={error} />
      <div>
        <Button icon="plus" isBusy={isBusy} disabled={!isReady} onClick={() => void create()} data-testid="add-desk-create">
          {joinCode ? t('sync.settings.addDesk.again') : t('sync.settings.addDesk.action')}
        </Button>
      </div>
    </section>
  );
}
