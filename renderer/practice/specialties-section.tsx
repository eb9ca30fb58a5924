import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SetupTableCard, StatusAndEditCells } from '../ui/setup-table';
import { practiceContract, type Specialty } from '../../shared/practice/practice.contract';
import { useCurrency, useFormat } from '../i18n/hooks';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, TextField } from '../ui/field';
import { useContractForm } from '../ui/use-form';

export function SpecialtiesSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const specialties = usePractice((state) => state.specialties);
  const status = usePractice((state) => state.status);
  const [editing, setEditing] = useState<Specialty | 'new' | null>(null);

  return (
    <SetupTableCard
      id="specialties"
      title={t('setup.sections.specialties')}
      subtitle={t('setup.specialties.lead')}
      addLabel={t('setup.specialties.add')}
      onAdd={() => setEditing('new')}
      isLoading={status === 'loading'}
      isEmpty={specialties.length === 0}
      emptyIcon="stethoscope"
      emptyTitle={t('setup.specialties.empty')}
      columns={[
        { label: t('setup.specialties.nameEn') },
        { label: t('setup.specialties.namePt') },
        { label: t('setup.specialties.duration'), isNumeric: true },
        { label: t('setup.specialties.price'), isNumeric: true },
        { label: t('setup.specialties.ticketPrefix') },
      ]}
      rows={specialties.map((specialty) => (
        <tr key={specialty.id} className={specialty.isActive ? '' : 'is-inactive'} data-testid="specialty-row">
          <td className="strong">{specialty.nameEn}</td>
          <td>{specialty.namePt}</td>
          <td className="num">{t('duration.minutes', { count: specialty.durationMinutes })}</td>
          <td className="num">{format.money(specialty.priceCents, currency)}</td>
          <td>
            <span className="mono">{specialty.ticketPrefix}</span>
          </td>
          <StatusAndEditCells isActive={specialty.isActive} name={specialty.nameEn} onEdit={() => setEditing(specialty)} />
        </tr>
      ))}
    >
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('setup.specialties.add') : t('setup.specialties.edit')}
        testId="specialty-dialog"
      >
        {editing !== null ? <SpecialtyForm specialty={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </SetupTableCard>
  );
}

function SpecialtyForm({ specialty, onDone }: { specialty: Specialty | null; onDone: () => void }) {
  const { t } = useTranslation();
  const practice = usePracticeStore();
  const ui = useUiStore();
  const currency = useCurrency();
  const form = useContractForm({
    initial: {
      nameEn: specialty?.nameEn ?? '',
      namePt: specialty?.namePt ?? '',
      durationMinutes: String(specialty?.durationMinutes ?? 20),
      price: specialty ? (specialty.priceCents / 100).toFixed(2) : '',
      ticketPrefix: specialty?.ticketPrefix ?? '',
      isActive: specialty?.isActive ?? true,
    },
    schema: practiceContract['specialties.save'].input,
    toInput: (values) => ({
      ...(specialty ? { id: specialty.id } : {}),
      nameEn: values.nameEn,
      namePt: values.namePt,
      durationMinutes: Number(values.durationMinutes),
      priceCents: Math.round(Number(values.price.replace(',', '.') || 'NaN') * 100),
      ticketPrefix: values.ticketPrefix.toUpperCase(),
      isActive: values.isActive,
    }),
    submit: (input) => practice.getState().saveSpecialty(input),
    onDone: () => {
      ui.getState().toast('success', t('setup.specialties.saved'));
      onDone();
    },
  });
  const { values, setValue, errors } = form;
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <div className="form-grid">
        <TextField
          label={t('setup.specialties.nameEn')}
          required
          autoFocus
          value={values.nameEn}
          onChange={(event) => setValue('nameEn', event.target.value)}
          error={errors['nameEn']}
        />
        <TextField
          label={t('setup.specialties.namePt')}
          required
          value={values.namePt}
          onChange={(event) => setValue('namePt', event.target.value)}
          error={errors['namePt']}
          lang="pt-PT"
        />
        <TextField
          label={t('setup.specialties.durationMinutes')}
          type="number"
          min={5}
          max={480}
          step={5}
          required
          value={values.durationMinutes}
          onChange={(event) => setValue('durationMinutes', event.target.value)}
          error={errors['durationMinutes']}
        />
        <TextField
          label={t('setup.specialties.priceIn', { currency })}
          inputMode="decimal"
          required
          value={values.price}
          onChange={(event) => setValue('price', event.target.value)}
          error={errors['priceCents']}
          placeholder="0.00"
        />
        <TextField
          label={t('setup.specialties.ticketPrefix')}
          required
          maxLength={2}
          value={values.ticketPrefix}
          onChange={(event) => setValue('ticketPrefix', event.target.value.toUpperCase())}
          error={errors['ticketPrefix']}
          hint={t('setup.specialties.ticketPrefixHint')}
        />
        <Checkbox className="align-end" label={t('common.active')} checked={values.isActive} onChange={(event) => setValue('isActive', event.target.checked)} />
      </div>
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
