import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { practiceContract, type Specialty } from '../../shared/practice/practice.contract';
import { useCurrency, useFormat } from '../i18n/hooks';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, TextField } from '../ui/field';
import { Badge, Card, CardHeader, EmptyState } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { useContractForm } from './use-form';

export function SpecialtiesSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const specialties = usePractice((state) => state.specialties);
  const status = usePractice((state) => state.status);
  const [editing, setEditing] = useState<Specialty | 'new' | null>(null);

  return (
    <Card aria-labelledby="specialties-title">
      <CardHeader
        titleId="specialties-title"
        title={t('setup.sections.specialties')}
        subtitle={t('setup.specialties.lead')}
        actions={
          <Button variant="primary" icon="plus" onClick={() => setEditing('new')}>
            {t('setup.specialties.add')}
          </Button>
        }
      />
      {status === 'loading' && specialties.length === 0 ? (
        <SkeletonList rows={3} label={t('common.loading')} />
      ) : specialties.length === 0 ? (
        <EmptyState icon="stethoscope" title={t('setup.specialties.empty')} />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('setup.specialties.nameEn')}</th>
                <th scope="col">{t('setup.specialties.namePt')}</th>
                <th scope="col" className="num">
                  {t('setup.specialties.duration')}
                </th>
                <th scope="col" className="num">
                  {t('setup.specialties.price')}
                </th>
                <th scope="col">{t('setup.specialties.ticketPrefix')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('common.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {specialties.map((specialty) => (
                <tr key={specialty.id} className={specialty.isActive ? '' : 'is-inactive'} data-testid="specialty-row">
                  <td className="strong">{specialty.nameEn}</td>
                  <td>{specialty.namePt}</td>
                  <td className="num">{t('duration.minutes', { count: specialty.durationMinutes })}</td>
                  <td className="num">{format.money(specialty.priceCents, currency)}</td>
                  <td>
                    <span className="mono">{specialty.ticketPrefix}</span>
                  </td>
                  <td>{specialty.isActive ? <Badge tone="success">{t('common.active')}</Badge> : <Badge>{t('common.inactive')}</Badge>}</td>
                  <td className="actions">
                    <Button size="sm" variant="ghost" icon="edit" onClick={() => setEditing(specialty)} aria-label={`${t('common.edit')}: ${specialty.nameEn}`}>
                      {t('common.edit')}
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Dialog open={editing !== null} onClose={() => setEditing(null)} title={editing === 'new' ? t('setup.specialties.add') : t('setup.specialties.edit')} testId="specialty-dialog">
        {editing !== null ? <SpecialtyForm specialty={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </Card>
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
        <TextField label={t('setup.specialties.nameEn')} required autoFocus value={values.nameEn} onChange={(event) => setValue('nameEn', event.target.value)} error={errors['nameEn']} />
        <TextField label={t('setup.specialties.namePt')} required value={values.namePt} onChange={(event) => setValue('namePt', event.target.value)} error={errors['namePt']} lang="pt-PT" />
        <TextField label={t('setup.specialties.durationMinutes')} type="number" min={5} max={480} step={5} required value={values.durationMinutes} onChange={(event) => setValue('durationMinutes', event.target.value)} error={errors['durationMinutes']} />
        <TextField label={t('setup.specialties.priceIn', { currency })} inputMode="decimal" required value={values.price} onChange={(event) => setValue('price', event.target.value)} error={errors['priceCents']} placeholder="0.00" />
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
