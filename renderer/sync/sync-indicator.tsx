import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat, useNow } from '../i18n/hooks';
import { useSync, useUi } from '../stores/stores';
import { indicatorOf, relativeTime } from './sync-state';
import { SyncPanel } from './sync-panel';
import './sync.css';

/**
 * The header's sync state, always in view while sync is on. With sync off (most clinics, and
 * the demo) it shows nothing: a desk that never syncs has nothing to watch, and the
 * command palette still opens the panel, which says sync is off and where to turn it on.
 */
export function SyncIndicator() {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useSync((state) => state.status);
  const focusRequest = useUi((state) => state.focusRequest);
  const [isOpen, setIsOpen] = useState(false);
  // A request made before this mounted (e.g. for another screen) must not open the panel.
  const handledRequest = useRef(focusRequest?.seq ?? 0);
  const now = useNow(15_000);
  const indicator = indicatorOf(status);

  useEffect(() => {
    if (focusRequest?.target === 'syncPanel' && handledRequest.current !== focusRequest.seq) {
      handledRequest.current = focusRequest.seq;
      setIsOpen(true);
    }
  }, [focusRequest]);

  const lastSyncedAt = status?.lastSyncedAt ?? null;
  const when = lastSyncedAt !== null ? relativeTime(lastSyncedAt, Math.max(now, Date.now()), format.locale) : null;

  return (
    <>
      {indicator.kind === 'off' ? null : (
        <button
          type="button"
          className={`sync-indicator sync-tone-${indicator.tone}`}
          data-testid="sync-indicator"
          data-state={indicator.kind}
          data-pending={indicator.pending}
          aria-haspopup="dialog"
          title={lastSyncedAt !== null ? t('sync.lastSynced', { when: format.dateTime(lastSyncedAt) }) : t('sync.neverSynced')}
          onClick={() => setIsOpen(true)}
        >
          <span className="sync-dot" aria-hidden="true" />
          <span className="visually-hidden">{t('sync.title')}: </span>
          <span className="sync-indicator-state">{t(`sync.state.${indicator.kind}`)}</span>
          {when ? (
            <span className="sync-indicator-when" data-testid="sync-last-synced">
              {/* Beside "Offline", a bare "5 min ago" would read as "offline for 5 min". */}
              {indicator.kind === 'offline' || indicator.kind === 'unauthorised' ? t('sync.lastSynced', { when }) : when}
            </span>
          ) : null}
          {indicator.pending > 0 ? (
            <span className="badge badge-info" data-testid="sync-pending">
              {t('sync.waiting', { count: indicator.pending })}
            </span>
          ) : null}
          {indicator.conflicts > 0 ? (
            <span className="badge badge-danger" data-testid="sync-conflicts">
              {t('sync.conflicts', { count: indicator.conflicts })}
            </span>
          ) : null}
          {indicator.problems > 0 ? (
            <span className="badge badge-warning" data-testid="sync-problems">
              {t('sync.problems', { count: indicator.problems })}
            </span>
          ) : null}
        </button>
      )}
      <SyncPanel open={isOpen} onClose={() => setIsOpen(false)} />
    </>
  );
}
