import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../shared/audit/audit.contract';
import { auditActionLabel, auditSentence, auditWhat, auditWho, type AuditWording } from '../../shared/audit/audit-words';
import { catalogues } from '../../shared/i18n';
import { useFormat } from '../i18n/hooks';
import { Button } from '../ui/button';
import { EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';

/** The audit words in the UI language and the clinic's time zone. */
export function useAuditWording(): AuditWording {
  const format = useFormat();
  return useMemo(() => ({ words: catalogues[format.locale].audit, locale: format.locale, timeZone: format.zone }), [format]);
}

/**
 * Entries, newest first, each in words: when, who, where, and what happened to whom. Older
 * entries come a page at a time (keyset), so a screen holds what was asked for, not the years.
 */
export function AuditTable({
  entries,
  isLoading,
  hasMore,
  isLoadingMore,
  onMore,
  emptyText,
  isCompact = false,
}: {
  entries: AuditEntry[];
  isLoading: boolean;
  hasMore: boolean;
  isLoadingMore: boolean;
  onMore: () => void;
  emptyText: string;
  /** For a narrow column (a patient's page): when, and one sentence that says who, what and where. */
  isCompact?: boolean;
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const wording = useAuditWording();
  if (isLoading && entries.length === 0) return <SkeletonList rows={6} label={t('common.loading')} />;
  if (entries.length === 0) return <EmptyState compact icon="info" title={emptyText} />;
  return (
    <div className="audit-table">
      <div className="table-wrap">
        <table className="table" data-testid="audit-table">
          <caption className="visually-hidden">{t('audit.table.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('audit.table.when')}</th>
              {isCompact ? null : <th scope="col">{t('audit.table.who')}</th>}
              {isCompact ? null : <th scope="col">{t('audit.table.where')}</th>}
              <th scope="col">{t('audit.table.what')}</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-entry" data-action={entry.action}>
                <td className="audit-when">
                  <time dateTime={new Date(entry.at).toISOString()}>{format.dateTime(entry.at)}</time>
                </td>
                {isCompact ? null : <td className="strong audit-who">{auditWho(entry, wording.words)}</td>}
                {isCompact ? null : <td className="audit-where">{entry.workstation}</td>}
                <td>
                  <span className="audit-what" data-testid="audit-what">
                    {isCompact ? auditSentence(entry, wording) : auditWhat(entry, wording)}
                  </span>
                  <span className="audit-action muted">{auditActionLabel(entry.action, wording.words)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="audit-more">
        {hasMore ? (
          <Button onClick={onMore} isBusy={isLoadingMore} data-testid="audit-more">
            {t('audit.table.more')}
          </Button>
        ) : (
          <p className="muted">{t('audit.table.end')}</p>
        )}
      </div>
    </div>
  );
}
