import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from './button';
import type { IconName } from './icons';
import { Badge, Card, CardHeader, EmptyState } from './misc';
import { SkeletonList } from './spinner';

export interface SetupColumn {
  label: string;
  isNumeric?: boolean;
}

/**
 * The shape every Setup list shares: a card with its title and "Add" button, then a
 * skeleton while loading, an empty state, or a table whose rows the section renders.
 */
export function SetupTableCard({
  id,
  title,
  subtitle,
  addLabel,
  addIcon = 'plus',
  onAdd,
  isLoading,
  isEmpty,
  emptyIcon,
  emptyTitle,
  columns,
  above,
  rows,
  children,
}: {
  id: string;
  title: string;
  subtitle: string;
  addLabel: string;
  addIcon?: IconName;
  onAdd: () => void;
  isLoading: boolean;
  isEmpty: boolean;
  emptyIcon: IconName;
  emptyTitle: string;
  columns: SetupColumn[];
  /** Shown between the header and the list (e.g. a load error). */
  above?: ReactNode;
  rows: ReactNode;
  /** After the list: the section's dialogs. */
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const titleId = `${id}-title`;
  return (
    <Card aria-labelledby={titleId}>
      <CardHeader
        titleId={titleId}
        title={title}
        subtitle={subtitle}
        actions={
          <Button variant="primary" icon={addIcon} onClick={onAdd}>
            {addLabel}
          </Button>
        }
      />
      {above}
      {isLoading && isEmpty ? (
        <SkeletonList rows={3} label={t('common.loading')} />
      ) : isEmpty ? (
        <EmptyState icon={emptyIcon} title={emptyTitle} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                {columns.map((column) => (
                  <th key={column.label} scope="col" className={column.isNumeric ? 'num' : undefined}>
                    {column.label}
                  </th>
                ))}
                <th scope="col">{t('common.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>{rows}</tbody>
          </table>
        </div>
      )}
      {children}
    </Card>
  );
}

/** The status and edit cells that end every Setup row. */
export function StatusAndEditCells({ isActive, inactiveLabel, name, onEdit }: { isActive: boolean; inactiveLabel?: string; name: string; onEdit: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <td>{isActive ? <Badge tone="success">{t('common.active')}</Badge> : <Badge>{inactiveLabel ?? t('common.inactive')}</Badge>}</td>
      <td className="actions">
        <Button size="sm" variant="ghost" icon="edit" onClick={onEdit} aria-label={`${t('common.edit')}: ${name}`}>
          {t('common.edit')}
        </Button>
      </td>
    </>
  );
}
