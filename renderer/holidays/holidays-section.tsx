import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useStore } from 'zustand';
import { holidaysContract, type Holiday } from '../../shared/holidays/holidays.contract';
import { todayIn } from '../i18n/format';
import { useErrorText, useFormat, useLocale } from '../i18n/hooks';
import { usePractice, useTransport, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Badge, Card, CardHeader, EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { useContractForm } from '../ui/use-form';
import { createHolidaysStore, type HolidaysStore } from './holidays.store';

export function HolidaysSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const locale = useLocale();
  const transport = useTransport();
  const ui = useUiStore();
  const errorText = useErrorText();
  const thisYear = Number(todayIn(format.zone).slice(0, 4));
  const [store] = useState(() => createHolidaysStore(transport, thisYear));
  const year = useStore(store, (state) => state.year);
  const holidays = useStore(store, (state) => state.holidays);
  const status = useStore(store, (state) => state.status);
  const error = useStore(store, (state) => state.error);
  const [editing, setEditing] = useState<Holiday | 'new' | null>(null);
  const [busy, setBusy] = useState<'prefill' | number | null>(null);

  useEffect(() => store.getState().connect(), [store]);
  useEffect(() => {
    void store.getState().load(thisYear);
  }, [store, thisYear]);

  const act = async (which: 'prefill' | number, action: () => Promise<void>) => {
    setBusy(which);
    try {
      await action();
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setBusy(null);
    }
  };
  const prefill = () =>
    act('prefill', async () => {
      const added = await store.getState().prefill();
      ui.getState().toast('success', added === 0 ? t('setup.holidays.prefilledNone', { year }) : t('setup.holidays.prefilled', { count: added }));
    });
  const remove = (holiday: Holiday) =>
    act(holiday.id, async () => {
      await store.getState().remove(holiday.id);
      ui.getState().toast('success', t('setup.holidays.removed'));
    });
  const years = [thisYear - 1, thisYear, thisYear + 1, thisYear + 2];

  return (
    <Card aria-labelledby="holidays-title">
      <CardHeader
        titleId="holidays-title"
        title={t('setup.sections.holidays')}
        subtitle={t('setup.holidays.lead')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
            {t('setup.holidays.add')}
          </Button>
        }
      />
      <div className="card-body row holidays-toolbar">
        <SelectField
          className="field-narrow"
          label={t('setup.holidays.year')}
          value={year}
          onChange={(event) => void store.getState().load(Number(event.target.value))}
        >
          {years.map((candidate) => (
            <option key={candidate} value={candidate}>
              {candidate}
            </option>
          ))}
        </SelectField>
        <Button icon="calendar" isBusy={busy === 'prefill'} onClick={() => void prefill()} data-testid="holidays-prefill">
          {t('setup.holidays.prefill', { year })}
        </Button>
      </div>
      <StrandedNotice store={store} />
      {status === 'error' ? <ErrorMessage error={error} /> : null}
      {status === 'loading' && holidays.length === 0 ? (
        <SkeletonList rows={3} label={t('common.loading')} />
      ) : holidays.length === 0 ? (
        <EmptyState compact icon="calendar" title={t('setup.holidays.empty', { year })} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('setup.holidays.day')}</th>
                <th scope="col">{t('setup.holidays.name')}</th>
                <th scope="col">{t('setup.holidays.kind')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {holidays.map((holiday) => {
                const name = locale === 'pt' ? holiday.namePt : holiday.nameEn;
                return (
                  <tr key={holiday.id} data-testid="holiday-row">
                    <td className="strong nowrap">
                      {format.weekday(holiday.day)}, {format.date(holiday.day)}
                    </td>
                    <td>{name}</td>
                    <td>
                      <Badge tone={holiday.isNational ? 'info' : 'neutral'}>
                        {holiday.isNational ? t('setup.holidays.national') : t('setup.holidays.own')}
                      </Badge>
                    </td>
                    <td className="actions">
                      <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing(holiday)} aria-label={`${t('common.edit')}: ${name}`}>
                        {t('common.edit')}
                      </Button>
                      <Button
                        size="sm"
                        variant="danger-ghost"
                        icon="trash"
                        isBusy={busy === holiday.id}
                        onClick={() => void remove(holiday)}
                        aria-label={`${t('common.remove')}: ${name}`}
                      >
                        {t('common.remove')}
                      </Button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('setup.holidays.add') : t('setup.holidays.edit')}
        size="sm"
        testId="holiday-dialog"
      >
        {editing !== null ? (
          <HolidayForm store={store} holiday={editing === 'new' ? null : editing} defaultDay={`${year}-01-01`} onDone={() => setEditing(null)} />
        ) : null}
      </Dialog>
    </Card>
  );
}

/** Appointments still booked on the days just closed: the desk moves or cancels them from the board or the patient. */
function StrandedNotice({ store }: { store: HolidaysStore }) {
  const { t } = useTranslation();
  const format = useFormat();
  const stranded = useStore(store, (state) => state.stranded);
  const practitioners = usePractice((state) => state.practitioners);
  if (stranded.length === 0) return null;
  return (
    <div className="card-body">
      <div className="alert alert-warning" role="status" data-testid="holidays-stranded">
        <div className="alert-body">
          <p className="alert-title">{t('setup.holidays.strandedTitle')}</p>
          <p>{t('setup.holidays.stranded', { count: stranded.length })}</p>
          <ul>
            {stranded.map((row) => (
              <li key={row.appointmentId}>
                {format.dateTime(row.startsAt)} · {row.patientName} · {practitioners.find((p) => p.id === row.practitionerId)?.fullName ?? ''}
              </li>
            ))}
          </ul>
          <Button size="sm" variant="ghost" onClick={() => store.getState().dismissStranded()}>
            {t('common.close')}
          </Button>
        </div>
      </div>
    </div>
  );
}

function HolidayForm({ store, holiday, defaultDay, onDone }: { store: HolidaysStore; holiday: Holiday | null; defaultDay: string; onDone: () => void }) {
  const { t } = useTranslation();
  const ui = useUiStore();
  const form = useContractForm({
    initial: { day: holiday?.day ?? defaultDay, nameEn: holiday?.nameEn ?? '', namePt: holiday?.namePt ?? '' },
    schema: holidaysContract['holidays.add'].input,
    toInput: (values) => ({ day: values.day, nameEn: values.nameEn, namePt: values.namePt }),
    submit: (input) => store.getState().save(holiday ? { ...input, id: holiday.id } : input),
    onDone: () => {
      ui.getState().toast('success', t('setup.holidays.saved'));
      onDone();
    },
  });
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <TextField
        label={t('setup.holidays.day')}
        type="date"
        required
        autoFocus
        value={form.values.day}
        onChange={(event) => form.setValue('day', event.target.value)}
        error={form.errors['day']}
      />
      <TextField
        label={t('setup.holidays.namePt')}
        required
        maxLength={120}
        value={form.values.namePt}
        onChange={(event) => form.setValue('namePt', event.target.value)}
        error={form.errors['namePt']}
      />
      <TextField
        label={t('setup.holidays.nameEn')}
        required
        maxLength={120}
        value={form.values.nameEn}
        onChange={(event) => form.setValue('nameEn', event.target.value)}
        error={form.errors['nameEn']}
      />
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('common.save')}
        </Button>
      </div>
    </form>
  );
}
