import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Card, CardHeader } from '../ui/misc';
import { AuditTable } from './audit-table';
import { useAuditLog } from './use-audit-log';
import { useAuditExport } from './use-audit-export';
import './audit.css';

/**
 * "Who has seen or changed this record": the audit entries about one patient (the GDPR right
 * of access), for admins. Opening it is itself recorded, once per sitting.
 */
export function PatientAuditCard({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const { store, entries, status, next, isLoadingMore, error, isExporting } = useAuditLog();
  const exportCsv = useAuditExport(store, `audit-patient-${patientId}`);

  useEffect(() => {
    void store.getState().load({ patientId });
  }, [store, patientId]);

  return (
    <Card aria-labelledby="patient-audit-title" className="patient-audit" data-testid="patient-audit">
      <CardHeader
        titleId="patient-audit-title"
        title={t('audit.patientSection.title')}
        subtitle={t('audit.patientSection.hint')}
        actions={
          <Button size="sm" icon="arrowDown" onClick={() => void exportCsv()} isBusy={isExporting} data-testid="patient-audit-export">
            {isExporting ? t('audit.exporting') : t('audit.export')}
          </Button>
        }
      />
      <ErrorMessage error={error} />
      <AuditTable
        entries={entries}
        isLoading={status === 'loading'}
        hasMore={next !== null}
        isLoadingMore={isLoadingMore}
        onMore={() => void store.getState().loadMore()}
        emptyText={t('audit.patientSection.empty')}
        isCompact
      />
    </Card>
  );
}
