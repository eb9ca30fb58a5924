import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import type { Report, ReportPeriod } from '../../shared/reports/reports.contract';
import { useMay } from '../auth/use-may';
import { downloadBlob } from '../audit/download';
import { todayIn } from '../i18n/format';
import { useErrorText, useFormat, useLocale } from '../i18n/hooks';
import { useSession, useTransport, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { TextField } from '../ui/field';
import { Card, EmptyState, PageHeader } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { clampRange, periodAround, shiftPeriod, type Period, type PeriodKind } from './period';
import { printReport } from './print';
import { OverTimeChart, UtilisationChart } from './report-charts';
import { reportNumbers } from './report-format';
import { FiguresTable } from './report-tables';
import { createReportsStore } from './reports.store';
import './reports.css';

const KINDS: PeriodKind[] = ['day', 'week', 'month', 'range'];

/**
 * Reports: admins pick a day, week, month or range of the clinic's days; a receptionist sees
 * their own bookings of today and nothing to pick (the desk refuses them more).
 */
export function ReportsView() {
  const { t } = useTranslation();
  const transport = useTransport();
  const [store] = useState(() => createReportsStore(transport));
  const report = useStore(store, (state) => state.report);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const isExporting = useStore(store, (state) => state.isExporting);
  // Whoever may read the clinic's figures picks a period; anyone else sees their own day.
  const isAdmin = useMay('reports.get');
  const zone = useSession((state) => state.settings?.timeZone) ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const locale = useLocale();
  const ui = useUiStore();
  const errorText = useErrorText();
  const format = useFormat();
  const today = todayIn(zone);
  const [period, setPeriod] = useState<Period>(() => periodAround('week', today));

  const asked = useMemo<ReportPeriod>(() => (isAdmin ? { from: period.from, to: period.to } : 'mine'), [isAdmin, period]);
  const query = asked === 'mine' ? { from: today, to: today } : asked;
  useEffect(() => {
    void store.getState().load(asked);
  }, [store, asked]);

  const exportCsv = async () => {
    try {
      const { blob, rows } = await store.getState().exportCsv(locale);
      downloadBlob(blob, `report-${query.from}-${query.to}.csv`);
      ui.getState().toast('success', t('reports.actions.exported', { count: rows }));
    } catch (failure) {
      ui.getState().toast('error', errorText(RpcError.from(failure)));
    }
  };

  const rangeText = query.from === query.to ? format.dayLong(query.from) : t('reports.range', { from: format.date(query.from), to: format.date(query.to) });
  return (
    <div className="page reports-page" data-testid="reports-view">
      <PageHeader
        title={t('reports.title')}
        subtitle={isAdmin ? t('reports.subtitle') : t('reports.mineSubtitle')}
        actions={
          <div className="reports-actions">
            <Button icon="printer" onClick={printReport} disabled={!report} data-testid="reports-print">
              {t('reports.actions.print')}
            </Button>
            <Button variant="primary" icon="arrowDown" onClick={() => void exportCsv()} isBusy={isExporting} disabled={!report} data-testid="reports-export">
              {t('reports.actions.exportCsv')}
            </Button>
          </div>
        }
      />
      <div className="stack">
        {isAdmin ? <PeriodPicker period={period} today={today} onChange={setPeriod} /> : null}
        <p className="reports-range" data-testid="reports-range">
          <strong>{rangeText}</strong>
          {report ? <span> · {t('reports.computedAt', { when: format.dateTime(report.computedAt), zone: report.timeZone })}</span> : null}
        </p>
        {status === 'error' && error ? <ErrorMessage error={error} /> : null}
        {!report && status === 'loading' ? (
          <Card>
            <SkeletonList rows={4} label={t('reports.loading')} />
          </Card>
        ) : null}
        {report ? <ReportBody report={report} isStale={status === 'loading'} /> : null}
      </div>
    </div>
  );
}

function PeriodPicker({ period, today, onChange }: { period: Period; today: string; onChange: (period: Period) => void }) {
  const { t } = useTranslation();
  // A new kind of period keeps today when the current one holds it, else starts where it did.
  const anchor = period.from <= today && today <= period.to ? today : period.from;
  const pick = (kind: PeriodKind) => onChange(kind === 'range' ? { ...period, kind } : periodAround(kind, anchor));
  return (
    <Card className="reports-period">
      <div className="reports-kinds" role="group" aria-label={t('reports.period.label')}>
        {KINDS.map((kind) => (
          <button
            key={kind}
            type="button"
            className={`reports-kind ${period.kind === kind ? 'is-active' : ''}`}
            aria-pressed={period.kind === kind}
            onClick={() => pick(kind)}
            data-testid={`reports-period-${kind}`}
          >
            {t(`reports.period.${kind}`)}
          </button>
        ))}
      </div>
      <div className="reports-dates">
        <IconButton icon="chevronLeft" label={t('reports.period.previous')} onClick={() => onChange(shiftPeriod(period, -1))} data-testid="reports-previous" />
        {period.kind === 'range' ? (
          <>
            <TextField
              label={t('reports.period.from')}
              isLabelHidden
              type="date"
              value={period.from}
              onChange={(event) => event.target.value && onChange(clampRange(event.target.value, period.to))}
              data-testid="reports-from"
            />
            <TextField
              label={t('reports.period.to')}
              isLabelHidden
              type="date"
              value={period.to}
              onChange={(event) => event.target.value && onChange(clampRange(period.from, event.target.value))}
              data-testid="reports-to"
            />
          </>
        ) : (
          <TextField
            label={t(`reports.period.${period.kind}`)}
            isLabelHidden
            type="date"
            value={period.from}
            onChange={(event) => event.target.value && onChange(periodAround(period.kind as Exclude<PeriodKind, 'range'>, event.target.value))}
            data-testid="reports-anchor"
          />
        )}
        <IconButton icon="chevronRight" label={t('reports.period.next')} onClick={() => onChange(shiftPeriod(period, 1))} data-testid="reports-next" />
        {period.from > today || period.to < today ? (
          <Button variant="ghost" size="sm" onClick={() => onChange(period.kind === 'range' ? periodAround('day', today) : periodAround(period.kind, today))}>
            {t('nav.today')}
          </Button>
        ) : null}
      </div>
    </Card>
  );
}

function ReportBody({ report, isStale }: { report: Report; isStale: boolean }) {
  const { t, i18n } = useTranslation();
  const numbers = reportNumbers(useFormat());
  const total = report.total;
  const isEmpty = total.booked + total.walkIns === 0;
  const isPt = i18n.language.startsWith('pt');
  return (
    <div className={`reports-body ${isStale ? 'is-stale' : ''}`} aria-busy={isStale || undefined}>
      <ul className="reports-cards" data-testid="reports-cards">
        <Stat
          label={t('reports.figures.attended')}
          value={numbers.count(total.attended)}
          detail={t('reports.cards.attendedOf', { count: total.attended, booked: total.booked })}
        />
        <Stat
          label={t('reports.figures.noShowRate')}
          value={numbers.percent(total.noShowRate)}
          detail={t('reports.cards.noShowsOf', { count: total.noShows })}
          tone={total.noShowRate !== null && total.noShowRate >= 0.1 ? 'warning' : undefined}
        />
        <Stat
          label={t('reports.figures.cancelled')}
          value={numbers.count(total.cancelled)}
          detail={t('reports.cards.cancelledSplit', { desk: total.cancelledAtDesk, elsewhere: total.cancelledElsewhere })}
        />
        <Stat
          label={t('reports.figures.walkIns')}
          value={numbers.count(total.walkIns)}
          detail={`${t('reports.figures.leftUnseen')}: ${numbers.count(total.leftUnseen)}`}
        />
        <Stat
          label={t('reports.cards.wait')}
          value={total.waitMinutes.median === null ? '—' : `${numbers.minutes(total.waitMinutes.median)} min`}
          detail={total.waitMinutes.p90 === null ? '' : t('reports.cards.waitDetail', { p90: total.waitMinutes.p90 })}
        />
        <Stat
          label={t('reports.figures.utilisation')}
          value={numbers.percent(total.utilisation.ratio)}
          detail={t('reports.cards.utilisationDetail', {
            booked: numbers.hours(total.utilisation.bookedMinutes),
            working: numbers.hours(total.utilisation.workingMinutes),
          })}
        />
      </ul>
      {isEmpty ? <EmptyState icon="chart" title={t('reports.empty')} /> : null}
      <div className="reports-charts">
        <OverTimeChart report={report} />
        <UtilisationChart report={report} />
      </div>
      <FiguresTable
        testId="reports-practitioners"
        title={t('reports.tables.practitioners')}
        caption={t('reports.tables.practitionersCaption')}
        nameHeader={t('reports.tables.practitioner')}
        rows={report.practitioners.map((row) => ({ ...row, key: String(row.practitionerId) }))}
        total={{ ...total, key: 'total', name: t('reports.tables.total') }}
      />
      <FiguresTable
        testId="reports-specialties"
        title={t('reports.tables.specialties')}
        caption={t('reports.tables.specialtiesCaption')}
        nameHeader={t('reports.tables.specialty')}
        rows={report.specialties.map((row) => ({ ...row, key: String(row.specialtyId), name: isPt ? row.namePt : row.nameEn }))}
        total={{ ...total, key: 'total', name: t('reports.tables.total'), utilisation: undefined }}
      />
    </div>
  );
}

function Stat({ label, value, detail, tone }: { label: string; value: string; detail: string; tone?: 'warning' }) {
  return (
    <li className={`reports-stat ${tone ? `is-${tone}` : ''}`}>
      <span className="reports-stat-label">{label}</span>
      <span className="reports-stat-value">{value}</span>
      <span className="reports-stat-detail">{detail}</span>
    </li>
  );
}
