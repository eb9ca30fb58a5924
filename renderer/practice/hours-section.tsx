import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DateTime } from 'luxon';
import { clockToMinutes } from '../../shared/contract/common';
import type { WorkingInterval } from '../../shared/practice/practice.contract';
import { intlLocale } from '../i18n/format';
import { useLocale } from '../i18n/hooks';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { RpcError, fieldIssues } from '../transport/rpc-error';
import { Button, IconButton } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { SelectField } from '../ui/field';
import { Card, CardHeader, EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { UnsettledDialog, useCheckUnsettled } from './unsettled-dialog';

type Draft = Array<{ key: number; weekday: number; start: string; end: string }>;

const weekdays = [1, 2, 3, 4, 5, 6, 7];
let keyCounter = 0;
const nextKey = () => (keyCounter += 1);

export function weekdayName(weekday: number, locale: 'en' | 'pt'): string {
  // 2024-01-01 was a Monday.
  return DateTime.fromISO('2024-01-01')
    .plus({ days: weekday - 1 })
    .setLocale(intlLocale(locale))
    .toLocaleString({ weekday: 'long' });
}

/** Problems the main process would refuse anyway, caught while typing: end before start, overlaps. */
export function intervalProblems(draft: Draft): Record<number, 'order' | 'overlap'> {
  const problems: Record<number, 'order' | 'overlap'> = {};
  for (const row of draft) if (clockToMinutes(row.end) <= clockToMinutes(row.start)) problems[row.key] = 'order';
  for (const weekday of weekdays) {
    const rows = draft.filter((row) => row.weekday === weekday && !problems[row.key]).sort((a, b) => clockToMinutes(a.start) - clockToMinutes(b.start));
    for (let index = 1; index < rows.length; index += 1) {
      if (clockToMinutes(rows[index]!.start) < clockToMinutes(rows[index - 1]!.end)) problems[rows[index]!.key] = 'overlap';
    }
  }
  return problems;
}

export function HoursSection() {
  const { t } = useTranslation();
  const practitioners = usePractice((state) => state.practitioners);
  const [practitionerId, setPractitionerId] = useState<number | null>(null);
  const chosen = practitionerId ?? practitioners[0]?.id ?? null;

  return (
    <Card aria-labelledby="hours-title">
      <CardHeader titleId="hours-title" title={t('setup.sections.hours')} subtitle={t('setup.hours.lead')} />
      <div className="card-body stack">
        {practitioners.length === 0 ? (
          <EmptyState compact icon="clock" title={t('setup.practitioners.empty')} />
        ) : (
          <>
            <SelectField
              className="field-narrow"
              label={t('booking.practitioner')}
              value={chosen ?? ''}
              onChange={(event) => setPractitionerId(Number(event.target.value))}
              data-testid="hours-practitioner"
            >
              {practitioners.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.fullName}
                </option>
              ))}
            </SelectField>
            {chosen ? <WeekEditor key={chosen} practitionerId={chosen} /> : null}
          </>
        )}
      </div>
      <UnsettledDialog />
    </Card>
  );
}

function WeekEditor({ practitionerId }: { practitionerId: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const saved = usePractice((state) => state.hours[practitionerId]);
  const status = usePractice((state) => state.hoursStatus[practitionerId] ?? 'idle');
  const [draft, setDraft] = useState<Draft | null>(null);
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const checkUnsettled = useCheckUnsettled();

  useEffect(() => {
    void practice.getState().loadHours(practitionerId);
  }, [practitionerId, practice]);

  useEffect(() => {
    if (saved && draft === null) setDraft(saved.map((interval) => ({ ...interval, key: nextKey() })));
  }, [saved, draft]);

  if (!draft)
    return status === 'error' ? (
      <ErrorMessage error={new RpcError('INTERNAL', 'Could not load working hours.')} />
    ) : (
      <SkeletonList rows={5} variant="line" label={t('common.loading')} />
    );

  const problems = intervalProblems(draft);
  const hasProblems = Object.keys(problems).length > 0;
  const serverIssues = error ? fieldIssues(error) : [];
  const isDirty = JSON.stringify(draft.map(({ weekday, start, end }) => ({ weekday, start, end }))) !== JSON.stringify(saved ?? []);

  const update = (key: number, patch: Partial<WorkingInterval>) => setDraft(draft.map((row) => (row.key === key ? { ...row, ...patch } : row)));
  const add = (weekday: number) => {
    const rows = draft.filter((row) => row.weekday === weekday).sort((a, b) => a.end.localeCompare(b.end));
    const last = rows[rows.length - 1];
    const start = last ? last.end : '09:00';
    const startMinutes = clockToMinutes(start);
    const end =
      startMinutes + 240 <= 24 * 60
        ? `${String(Math.floor((startMinutes + 240) / 60)).padStart(2, '0')}:${String((startMinutes + 240) % 60).padStart(2, '0')}`
        : '24:00';
    setDraft([...draft, { key: nextKey(), weekday, start: last ? start : '09:00', end: last ? end : '13:00' }]);
  };
  const copyToWeekdays = (weekday: number) => {
    const source = draft.filter((row) => row.weekday === weekday);
    const others = [1, 2, 3, 4, 5].filter((day) => day !== weekday);
    setDraft([
      ...draft.filter((row) => !others.includes(row.weekday)),
      ...others.flatMap((day) => source.map((row) => ({ ...row, weekday: day, key: nextKey() }))),
    ]);
  };

  const save = async () => {
    setIsBusy(true);
    setError(null);
    try {
      const intervals = [...draft]
        .sort((a, b) => a.weekday - b.weekday || a.start.localeCompare(b.start))
        .map(({ weekday, start, end }) => ({ weekday, start, end }));
      const result = await practice.getState().saveHours(practitionerId, intervals);
      setDraft(result.map((interval) => ({ ...interval, key: nextKey() })));
      ui.getState().toast('success', t('setup.hours.saved'));
      // Shorter hours may leave booked patients outside them: list those to be settled.
      void checkUnsettled(practitionerId);
    } catch (caught) {
      setError(RpcError.from(caught));
    } finally {
      setIsBusy(false);
    }
  };

  return (
    <div className="stack">
      <div className="week-grid" role="table" aria-label={t('setup.sections.hours')}>
        {weekdays.map((weekday) => {
          const rows = draft.filter((row) => row.weekday === weekday).sort((a, b) => a.start.localeCompare(b.start));
          const dayName = weekdayName(weekday, locale);
          return (
            <div key={weekday} className="week-row" role="row" data-testid="hours-day" data-weekday={weekday}>
              <div className="week-day" role="rowheader">
                {dayName}
              </div>
              <div className="week-intervals" role="cell">
                {rows.length === 0 ? <span className="subtle week-closed">{t('setup.hours.closed')}</span> : null}
                {rows.map((row, index) => (
                  <div key={row.key} className="interval-wrap">
                    <div className={`interval ${problems[row.key] ? 'has-error' : ''}`}>
                      <label className="visually-hidden" htmlFor={`start-${row.key}`}>
                        {t('setup.hours.startOf', { day: dayName, n: index + 1 })}
                      </label>
                      <input
                        id={`start-${row.key}`}
                        className="input input-time"
                        type="time"
                        step={300}
                        value={row.start}
                        aria-invalid={problems[row.key] ? true : undefined}
                        onChange={(event) => update(row.key, { start: event.target.value })}
                      />
                      <span aria-hidden="true">–</span>
                      <label className="visually-hidden" htmlFor={`end-${row.key}`}>
                        {t('setup.hours.endOf', { day: dayName, n: index + 1 })}
                      </label>
                      <input
                        id={`end-${row.key}`}
                        className="input input-time"
                        type="time"
                        step={300}
                        value={row.end === '24:00' ? '23:59' : row.end}
                        aria-invalid={problems[row.key] ? true : undefined}
                        onChange={(event) => update(row.key, { end: event.target.value })}
                      />
                      <IconButton
                        icon="x"
                        size="sm"
                        label={t('setup.hours.removeInterval', { day: dayName, n: index + 1 })}
                        onClick={() => setDraft(draft.filter((candidate) => candidate.key !== row.key))}
                      />
                    </div>
                    {problems[row.key] ? (
                      <span className="interval-error" role="alert">
                        {problems[row.key] === 'order' ? t('setup.hours.endBeforeStart') : t('setup.hours.overlap')}
                      </span>
                    ) : null}
                  </div>
                ))}
              </div>
              <div className="week-actions" role="cell">
                <Button size="sm" variant="ghost" icon="plus" onClick={() => add(weekday)} aria-label={`${t('setup.hours.add')}: ${dayName}`}>
                  {t('setup.hours.add')}
                </Button>
                {weekday <= 5 && rows.length > 0 ? (
                  <Button size="sm" variant="ghost" onClick={() => copyToWeekdays(weekday)}>
                    {t('setup.hours.copyToWeekdays')}
                  </Button>
                ) : null}
              </div>
            </div>
          );
        })}
      </div>
      <ErrorMessage error={error}>{serverIssues.length > 0 ? <p>{serverIssues.map((issue) => issue.message).join('; ')}</p> : null}</ErrorMessage>
      <div className="form-actions">
        <Button variant="ghost" disabled={!isDirty || isBusy} onClick={() => setDraft(saved ? saved.map((interval) => ({ ...interval, key: nextKey() })) : [])}>
          {t('common.discard')}
        </Button>
        <Button variant="primary" disabled={hasProblems || !isDirty} isBusy={isBusy} onClick={() => void save()}>
          {t('setup.hours.save')}
        </Button>
      </div>
    </div>
  );
}
