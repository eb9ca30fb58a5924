import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { BackupFile, BackupStatus } from '../../shared/backup/backup.contract';
import { useErrorText, useFormat } from '../i18n/hooks';
import { useBackup, useBackupStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Card, CardHeader } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { useSizeText } from './backup-words';
import './backup.css';

/** Admin: where the daily backups go, the last one, "Back up now", and restoring one. */
export function BackupSettingsCard() {
  const { t } = useTranslation();
  const store = useBackupStore();
  const status = useBackup((state) => state.status);
  const loadStatus = useBackup((state) => state.loadStatus);
  const error = useBackup((state) => state.error);

  useEffect(() => {
    void store.getState().load();
    void store.getState().loadBackups();
  }, [store]);

  return (
    <Card aria-labelledby="backup-title" className="backup-card">
      <CardHeader titleId="backup-title" title={t('backup.title')} subtitle={t('backup.lead')} />
      {status ? (
        <div className="card-body stack">
          <FolderForm key={status.folder ?? ''} folder={status.folder} />
          <LastBackup status={status} />
          {status.folder ? <BackupList /> : null}
        </div>
      ) : loadStatus === 'error' ? (
        <div className="card-body">
          <ErrorMessage error={error} />
        </div>
      ) : (
        <SkeletonList rows={2} label={t('common.loading')} />
      )}
    </Card>
  );
}

function FolderForm({ folder }: { folder: string | null }) {
  const { t } = useTranslation();
  const store = useBackupStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const [value, setValue] = useState(folder ?? '');
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setIsBusy(true);
    setError(null);
    try {
      const status = await store.getState().setFolder(value.trim());
      ui.getState().toast('success', t('backup.folderSaved', { folder: status.folder }));
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <form className="backup-folder" onSubmit={(event) => void submit(event)} noValidate>
      <TextField
        label={t('backup.folderLabel')}
        hint={t('backup.folderHint')}
        value={value}
        spellCheck={false}
        autoCapitalize="off"
        autoComplete="off"
        onChange={(event) => setValue(event.target.value)}
        error={error ? errorText(error) : undefined}
        data-testid="backup-folder"
      />
      <div className="form-actions">
        <Button type="submit" variant={folder ? 'secondary' : 'primary'} isBusy={isBusy} disabled={value.trim() === '' || value.trim() === folder}>
          {t('backup.saveFolder')}
        </Button>
      </div>
    </form>
  );
}

function LastBackup({ status }: { status: BackupStatus }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useBackupStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const sizeText = useSizeText();
  const isBackingUp = useBackup((state) => state.isBackingUp) || status.isRunning;
  const last = status.last;
  const runNow = async () => {
    try {
      const attempt = await store.getState().runNow();
      ui.getState().toast('success', t('backup.done', { size: sizeText(attempt.size ?? 0) }));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    }
  };
  return (
    <section className="backup-last" aria-labelledby="backup-last-title" data-testid="backup-last">
      <h3 id="backup-last-title" className="backup-subtitle">
        {t('backup.lastTitle')}
      </h3>
      {last === null ? (
        <p className="muted">{status.folder ? t('backup.never') : t('backup.noFolder')}</p>
      ) : (
        <dl className="backup-facts">
          <div className={last.isOk ? 'backup-result is-ok' : 'backup-result is-failed'} data-testid="backup-result">
            <dt className="visually-hidden">{t('backup.lastTitle')}</dt>
            <dd>
              {last.isOk
                ? t('backup.lastOk', { when: format.dateTime(last.at) })
                : t('backup.lastFailed', {
                    when: format.dateTime(last.at),
                    problem: t(`backup.problems.${last.problem ?? 'BACKUP_FAILED'}`, { defaultValue: last.problem ?? '' }),
                  })}
            </dd>
          </div>
          {last.file ? (
            <div>
              <dt>{t('backup.where')}</dt>
              <dd className="mono backup-file" data-testid="backup-file">
                {last.file}
              </dd>
            </div>
          ) : null}
          {last.size !== null ? (
            <div>
              <dt>{t('backup.size')}</dt>
              <dd data-testid="backup-size">{sizeText(last.size)}</dd>
            </div>
          ) : null}
          {!last.isOk && status.lastGoodAt !== null ? (
            <div>
              <dd>{t('backup.lastGood', { when: format.dateTime(status.lastGoodAt) })}</dd>
            </div>
          ) : null}
        </dl>
      )}
      {status.lastHealthCheckAt !== null && status.damagedAt === null ? (
        <p className="muted">{t('backup.healthChecked', { when: format.dateTime(status.lastHealthCheckAt) })}</p>
      ) : null}
      <div className="form-actions">
        <Button variant="primary" icon="refresh" isBusy={isBackingUp} disabled={!status.folder} onClick={() => void runNow()} data-testid="backup-now">
          {isBackingUp ? t('backup.running') : t('backup.runNow')}
        </Button>
      </div>
    </section>
  );
}

function BackupList() {
  const { t } = useTranslation();
  const format = useFormat();
  const sizeText = useSizeText();
  const backups = useBackup((state) => state.backups);
  const [chosen, setChosen] = useState<BackupFile | null>(null);
  return (
    <section aria-labelledby="backup-list-title">
      <h3 id="backup-list-title" className="backup-subtitle">
        {t('backup.listTitle')}
      </h3>
      {backups.length === 0 ? (
        <p className="muted">{t('backup.listEmpty')}</p>
      ) : (
        <ul className="backup-list" data-testid="backup-list">
          {backups.map((backup) => (
            <li key={backup.name}>
              <span>{format.dateTime(backup.at)}</span>
              <span className="muted">{sizeText(backup.size)}</span>
              <Button size="sm" variant="danger-ghost" onClick={() => setChosen(backup)}>
                {t('backup.restore')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      {chosen ? <RestoreDialog backup={chosen} onClose={() => setChosen(null)} /> : null}
    </section>
  );
}

function RestoreDialog({ backup, onClose }: { backup: BackupFile; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const store = useBackupStore();
  const ui = useUiStore();
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const when = format.dateTime(backup.at);
  const restore = async () => {
    setIsBusy(true);
    try {
      await store.getState().restore(backup.name);
      ui.getState().toast('success', t('backup.restoreStaged'));
      onClose();
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };
  return (
    <Dialog
      open
      onClose={onClose}
      title={t('backup.restoreConfirmTitle', { when })}
      testId="backup-restore-dialog"
      footer={
        <>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button variant="danger" isBusy={isBusy} onClick={() => void restore()}>
            {t('backup.restoreConfirm')}
          </Button>
        </>
      }
    >
      <p>{t('backup.restoreConfirmBody', { when })}</p>
      <ErrorMessage error={error} />
    </Dialog>
  );
}
