import { useTranslation } from 'react-i18next';
import type { ReportFigures, Utilisation } from '../../shared/reports/reports.contract';
import { useFormat } from '../i18n/hooks';
import { Card, CardHeader } from '../ui/misc';
import { reportNumbers } from './report-format';

export interface FiguresRow extends ReportFigures {
  key: string;
  name: string;
  utilisation?: Utilisation;
}

/** One row per practitioner or specialty, every figure a column; the clinic's total last. */
export function FiguresTable({
  title,
  caption,
  nameHeader,
  rows,
  total,
  testId,
}: {
  title: string;
  caption: string;
  nameHeader: string;
  rows: FiguresRow[];
  total: FiguresRow;
  testId: string;
}) {
  const { t } = useTranslation();
  const numbers = reportNumbers(useFormat());
  const hasUtilisation = rows.some((row) => row.utilisation);
  const cells = (row: FiguresRow) => [
    numbers.count(row.booked),
    numbers.count(row.attended),
    numbers.count(row.cancelled),
    numbers.count(row.cancelledAtDesk),
    numbers.count(row.cancelledElsewhere),
    numbers.count(row.noShows),
    numbers.percent(row.noShowRate),
    numbers.count(row.walkIns),
    numbers.count(row.leftUnseen),
    numbers.minutes(row.waitMinutes.median),
    numbers.minutes(row.waitMinutes.p90),
    numbers.minutes(row.consultationMinutes.median),
    numbers.minutes(row.consultationMinutes.p90),
    ...(hasUtilisation ? [row.utilisation ? numbers.percent(row.utilisation.ratio) : '—'] : []),
  ];
  const headers = [
    t('reports.figures.booked'),
    t('reports.figures.attended'),
    t('reports.figures.cancelled'),
    t('reports.tables.columns.cancelledAtDesk'),
    t('reports.tables.columns.cancelledElsewhere'),
    t('reports.figures.noShows'),
    t('reports.figures.noShowRate'),
    t('reports.figures.walkIns'),
    t('reports.figures.leftUnseen'),
    t('reports.tables.columns.waitMedian'),
    t('reports.tables.columns.waitP90'),
    t('reports.tables.columns.consultationMedian'),
    t('reports.tables.columns.consultationP90'),
    ...(hasUtilisation ? [t('reports.figures.utilisation')] : []),
  ];
  return (
    <Card className="report-table">
      <CardHeader title={title} />
      <div className="table-wrap">
        <table className="table report-figures" data-testid={testId}>
          <caption className="report-figures-caption">{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{nameHeader}</th>
              {headers.map((header) => (
                <th scope="col" key={header}>
                  {header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.name}</th>
                {cells(row).map((cell, index) => (
                  <td key={index}>{cell}</td>
                ))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('reports.tables.total')}</th>
              {cells(total).map((cell, index) => (
                <td key={index}>{cell}</td>
              ))}
            </tr>
          </tfoot>
        </table>
      </div>
    </Card>
  );
}
