import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Report } from '../../shared/reports/reports.contract';
import { useFormat } from '../i18n/hooks';
import { Button } from '../ui/button';
import { Card, CardHeader } from '../ui/misc';
import { periodLabel, reportNumbers } from './report-format';

/** The design tokens' colours: SVG presentation attributes cannot read CSS variables. */
const COLOURS = { booked: '#566272', attended: '#0b6e69', noShows: '#b54708', cancelled: '#b42318', walkIns: '#175cd3', utilisation: '#0b6e69' };

/**
 * A chart for the eye and its numbers as a table for everyone else: the drawing is hidden
 * from screen readers, the table always read; "Show the numbers" puts it on screen too.
 */
function ChartCard({ title, caption, chart, table, testId }: { title: string; caption: string; chart: ReactNode; table: ReactNode; testId: string }) {
  const { t } = useTranslation();
  const [isTableShown, setTableShown] = useState(false);
  const titleId = useId();
  const tableId = useId();
  return (
    <Card className="report-chart" aria-labelledby={titleId}>
      <CardHeader
        title={title}
        titleId={titleId}
        subtitle={caption}
        actions={
          <Button
            variant="ghost"
            size="sm"
            aria-expanded={isTableShown}
            aria-controls={tableId}
            onClick={() => setTableShown((shown) => !shown)}
            data-testid={`${testId}-toggle`}
          >
            {isTableShown ? t('reports.charts.hideTable') : t('reports.charts.showTable')}
          </Button>
        }
      />
      <div className="report-chart-body" aria-hidden="true" data-testid={testId}>
        {chart}
      </div>
      <div id={tableId} className={isTableShown ? 'report-chart-table table-wrap' : 'report-chart-table visually-hidden'} data-testid={`${testId}-table`}>
        {table}
      </div>
    </Card>
  );
}

export function OverTimeChart({ report }: { report: Report }) {
  const { t } = useTranslation();
  const format = useFormat();
  const numbers = reportNumbers(format);
  const data = report.series.map((point) => ({ ...point, label: periodLabel(format, report.bucket, point.key) }));
  const outcomes = [
    { key: 'attended', label: t('reports.figures.attended') },
    { key: 'noShows', label: t('reports.figures.noShows') },
    { key: 'cancelled', label: t('reports.figures.cancelled') },
  ] as const;
  const lines = [
    { key: 'booked', label: t('reports.figures.booked') },
    { key: 'walkIns', label: t('reports.figures.walkIns') },
  ] as const;
  const series = [...lines.slice(0, 1), ...outcomes, ...lines.slice(1)];
  return (
    <ChartCard
      testId="report-over-time"
      title={t('reports.charts.overTime')}
      caption={t('reports.charts.overTimeCaption')}
      chart={
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="#dde2e9" />
            <XAxis dataKey="label" tickLine={false} stroke="#566272" fontSize={12} interval="preserveStartEnd" minTickGap={8} />
            <YAxis allowDecimals={false} tickLine={false} axisLine={false} stroke="#566272" fontSize={12} />
            <Tooltip cursor={{ fill: '#eef1f5' }} isAnimationActive={false} />
            <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} />
            {/* What happened, stacked; what was booked and who walked in, as lines over it. */}
            {outcomes.map((s) => (
              <Bar key={s.key} dataKey={s.key} name={s.label} stackId="outcome" fill={COLOURS[s.key]} isAnimationActive={false} maxBarSize={36} />
            ))}
            {lines.map((s) => (
              <Line
                key={s.key}
                dataKey={s.key}
                name={s.label}
                type="linear"
                stroke={COLOURS[s.key]}
                strokeWidth={2}
                strokeDasharray={s.key === 'booked' ? '4 3' : undefined}
                dot={data.length <= 12}
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      }
      table={
        <table className="table">
          <caption>{t('reports.charts.overTimeCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.charts.periodColumn')}</th>
              {series.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.map((point) => (
              <tr key={point.key}>
                <th scope="row">{point.label}</th>
                {series.map((s) => (
                  <td key={s.key}>{numbers.count(point[s.key])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}

export function UtilisationChart({ report }: { report: Report }) {
  const { t } = useTranslation();
  const format = useFormat();
  const numbers = reportNumbers(format);
  const data = report.practitioners.map((row) => ({ name: row.name, percent: Math.round((row.utilisation.ratio ?? 0) * 1000) / 10, row }));
  return (
    <ChartCard
      testId="report-utilisation"
      title={t('reports.charts.utilisation')}
      caption={t('reports.charts.utilisationCaption')}
      chart={
        <ResponsiveContainer width="100%" height={Math.max(120, 36 * data.length + 40)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid horizontal={false} stroke="#dde2e9" />
            <XAxis
              type="number"
              domain={[0, (max: number) => Math.max(100, Math.ceil(max / 10) * 10)]}
              unit="%"
              tickLine={false}
              stroke="#566272"
              fontSize={12}
            />
            <YAxis type="category" dataKey="name" width={150} tickLine={false} axisLine={false} stroke="#566272" fontSize={12} />
            <Tooltip cursor={{ fill: '#eef1f5' }} isAnimationActive={false} formatter={(value) => `${String(value)}%`} />
            <Bar dataKey="percent" name={t('reports.figures.utilisation')} fill={COLOURS.utilisation} isAnimationActive={false} maxBarSize={22} />
          </BarChart>
        </ResponsiveContainer>
      }
      table={
        <table className="table">
          <caption>{t('reports.charts.utilisationCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('reports.tables.practitioner')}</th>
              <th scope="col">{t('reports.figures.bookedMinutes')}</th>
              <th scope="col">{t('reports.figures.workingMinutes')}</th>
              <th scope="col">{t('reports.figures.utilisation')}</th>
            </tr>
          </thead>
          <tbody>
            {data.map(({ row }) => (
              <tr key={row.practitionerId}>
                <th scope="row">{row.name}</th>
                <td>{numbers.count(row.utilisation.bookedMinutes)}</td>
                <td>{numbers.count(row.utilisation.workingMinutes)}</td>
                <td>{numbers.percent(row.utilisation.ratio)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    />
  );
}
