import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { practiceContract } from '../../shared/practice/practice.contract';
import { addDays, todayIn } from '../i18n/format';
import { useErrorText, useFormat } from '../i18n/hooks';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { RpcError } from '../transport/rpc-error';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Card, CardHeader, EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { ColorDot } from './practitioners-section';
import { useContractForm } from '../ui/use-form';
import { UnsettledDialog, useCheckUnsettled } from './unsettled-dialog';

export function TimeOffSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const errorText = useErrorText();
  const practitioners = usePractice((state) => state.practitioners);
  const list = usePractice((state) => state.timeOff);
  const status = usePractice((state) => state.timeOffStatus);
  const error = usePractice((state) => state.timeOffError);
  const [filter, setFilter] = useState<number | null>(null);
  const [isAdding, setIsAdding] = useState(false);
  const [removing, setRemoving] = useState<number | null>(null);

  useEffect(() => {
    void practice.getState().loadTimeOff(filter ?? undefined);
  }, [filter, practice]);

  const remove = async (id: number) => {
    setRemoving(id);
    try {
      await practice.getState().removeTimeOff(id);
      ui.getState().toast('success', t('setup.timeOff.removed'));
    } catch (caught) {
      ui.getState().toast('error', errorText(RpcError.from(caught)));
    } finally {
      setRemoving(null);
    }
  };

  return (
    <Card aria-labelledby="time-off-title">
      <CardHeader
        titleId="time-off-title"
        title={t('setup.sections.timeOff')}
        subtitle={t('setup.timeOff.lead')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setIsAdding(true)} disabled={practitioners.length === 0}>
            {t('setup.timeOff.add')}
          </Button>
        }
      />
      <div className="card-body">
        <SelectField
          className="field-narrow"
          label={t('setup.timeOff.filter')}
          value={filter ?? ''}
          onChange={(event) => setFilter(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('setup.timeOff.everyone')}</option>
          {practitioners.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
      </div>
      {status === 'error' ? <ErrorMessage error={error} /> : null}
      {status === 'loading' && list.length === 0 ? (
        <SkeletonList rows={3} label={t('common.loading')} />
      ) : list.length === 0 ? (
        <EmptyState compact icon="calendar" title={t('setup.timeOff.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('booking.practitioner')}</th>
                <th scope="col">{t('setup.timeOff.from')}</th>
                <th scope="col">{t('setup.timeOff.to')}</th>
                <th scope="col">{t('setup.timeOff.reason')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((row) => {
                const practitioner = practitioners.find((p) => p.id === row.practitionerId);
                return (
                  <tr key={row.id} data-testid="time-off-row">
                    <td className="strong">
                      <span className="row">
                        {practitioner ? <ColorDot color={practitioner.color} /> : null}
                        {practitioner?.fullName}
                      </span>
                    </td>
                    <td>{format.dateTime(row.startsAt)}</td>
                    <td>{format.dateTime(row.endsAt)}</td>
                    <td>{row.reason || <span className="subtle">—</span>}</td>
                    <td className="actions">
                      <Button
                        size="sm"
                        variant="danger-ghost"
                        icon="trash"
                        isBusy={removing === row.id}
                        onClick={() => void remove(row.id)}
                        aria-label={`${t('common.remove')}: ${practitioner?.fullName ?? ''} ${format.dateTime(row.startsAt)}`}
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
      <Dialog open={isAdding} onClose={() => setIsAdding(false)} title={t('setup.timeOff.add')} testId="time-off-dialog">
        {isAdding ? <TimeOffForm defaultPractitionerId={filter ?? practitioners[0]?.id ?? null} onDone={() => setIsAdding(false)} /> : null}
      </Dialog>
      <UnsettledDialog />
    </Card>
  );
}

function TimeOffForm({ defaultPractitionerId, onDone }: { defaultPractitionerId: number | null; onDone: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const practitioners = usePractice((state) => state.practitioners);
  const checkUnsettled = useCheckUnsettled();
  const tomorrow = addDays(todayIn(format.zone), 1);
  const form = useContractForm({
    initial: { practitionerId: defaultPractitionerId ? String(defaultPractitionerId) : '', from: `${tomorrow}T09:00`, to: `${tomorrow}T18:00`, reason: '' },
    schema: practiceContract['timeOff.add'].input,
    toInput: (values) => ({
      practitionerId: Number(values.practitionerId),
      startsAt: format.fromLocalInput(values.from) ?? Number.NaN,
      endsAt: format.fromLocalInput(values.to) ?? Number.NaN,
      reason: values.reason,
    }),
    check: (values) => {
      const from = format.fromLocalInput(values.from);
      const to = format.fromLocalInput(values.to);
      return from !== null && to !== null && to <= from ? { endsAt: t('setup.timeOff.endBeforeStart') } : {};
    },
    submit: async (input) => {
      await practice.getState().addTimeOff(input);
      // Patients already booked in it are listed to be settled, never left in silence.
      void checkUnsettled(input.practitionerId);
    },
    onDone: () => {
      ui.getState().toast('success', t('setup.timeOff.added'));
      onDone();
    },
  });
  const { values, setValue, errors } = form;
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <div className="form-grid">
        <SelectField
          className="span-2"
          label={t('booking.practitioner')}
          required
          value={values.practitionerId}
          onChange={(event) => setValue('practitionerId', event.target.value)}
          error={errors['practitionerId']}
        >
          {practitioners.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('setup.timeOff.from')}
          type="datetime-local"
          required
          value={values.from}
          onChange={(event) => setValue('from', event.target.value)}
          error={errors['startsAt']}
          hint={t('setup.timeOff.zoneHint', { zone: format.zone })}
        />
        <TextField
          label={t('setup.timeOff.to')}
          type="datetime-local"
          required
          value={values.to}
          onChange={(event) => setValue('to', event.target.value)}
          error={errors['endsAt']}
        />
        <TextField
          className="span-2"
          label={t('setup.timeOff.reason')}
          maxLength={200}
          value={values.reason}
          onChange={(event) => setValue('reason', event.target.value)}
          error={errors['reason']}
        />
      </div>
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('common.add')}
        </Button>
      </div>
    </form>
  );
}
