import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/hooks';
import { useBackup, useSession } from '../stores/stores';
import { Alert } from '../ui/error-message';
import './backup.css';

/**
 * On the board, for every member of staff: the database is damaged (restore the last good
 * backup), or the last backup failed, or the last good one is over two days old, or there is none
 * (but in the demo clinic). Nothing when backups are fine.
 */
export function BackupBanner() {
  const { t } = useTranslation();
  const format = useFormat();
  const status = useBackup((state) => state.status);
  const isDemo = useSession((state) => state.settings?.isDemo ?? false);
  if (!status || status.health === 'ok') return null;
  // The demo clinic is for trying Front Desk out: nobody needs its backups until it holds real patients.
  if (isDemo && status.health === 'never' && status.damagedAt === null) return null;
  const isDamaged = status.damagedAt !== null;
  const text = isDamaged
    ? t('backup.banner.damaged')
    : status.health === 'stale' && status.lastGoodAt !== null
      ? t('backup.banner.stale', { when: format.dateTime(status.lastGoodAt) })
      : t(`backup.banner.${status.health === 'stale' ? 'never' : status.health}`);
  return (
    <div className="backup-banner" data-testid="backup-banner" data-health={isDamaged ? 'damaged' : status.health}>
      <Alert tone={isDamaged || status.health === 'failing' ? 'danger' : 'warning'} title={t('backup.title')} role={isDamaged ? 'alert' : 'status'}>
        <p>{text}</p>
      </Alert>
    </div>
  );
}
