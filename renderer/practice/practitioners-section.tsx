import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SetupTableCard, StatusAndEditCells } from '../ui/setup-table';
import { practiceContract, type Practitioner } from '../../shared/practice/practice.contract';
import { useLocale } from '../i18n/hooks';
import { specialtyName } from './practice.store';
import { usePractice, usePracticeStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, FieldGroup, SelectField, TextArea, TextField } from '../ui/field';
import { Badge } from '../ui/misc';
import { useCssVar } from '../ui/use-css-var';
import { useContractForm } from '../ui/use-form';

export const practitionerPalette = ['#2563eb', '#0d9488', '#9333ea', '#db2777', '#ea580c', '#65a30d', '#0891b2', '#4f46e5', '#b45309', '#475569'];

export function ColorDot({ color, label }: { color: string; label?: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useCssVar(ref, '--practitioner-color', color);
  return <span ref={ref} className="practitioner-dot" role={label ? 'img' : undefined} aria-label={label} aria-hidden={label ? undefined : true} />;
}

export function PractitionersSection() {
  const { t } = useTranslation();
  const locale = useLocale();
  const practitioners = usePractice((state) => state.practitioners);
  const specialties = usePractice((state) => state.specialties);
  const rooms = usePractice((state) => state.rooms);
  const status = usePractice((state) => state.status);
  const [editing, setEditing] = useState<Practitioner | 'new' | null>(null);

  return (
    <SetupTableCard
      id="practitioners"
      title={t('setup.sections.practitioners')}
      subtitle={t('setup.practitioners.lead')}
      addLabel={t('setup.practitioners.add')}
      onAdd={() => setEditing('new')}
      isLoading={status === 'loading'}
      isEmpty={practitioners.length === 0}
      emptyIcon="stethoscope"
      emptyTitle={t('setup.practitioners.empty')}
      columns={[{ label: t('setup.practitioners.name') }, { label: t('setup.practitioners.specialties') }, { label: t('setup.practitioners.defaultRoom') }]}
      rows={practitioners.map((practitioner) => (
        <tr key={practitioner.id} className={practitioner.isActive ? '' : 'is-inactive'} data-testid="practitioner-row">
          <td className="strong">
            <span className="row">
              <ColorDot color={practitioner.color} />
              {practitioner.fullName}
            </span>
          </td>
          <td>
            <span className="row-wrap">
              {practitioner.specialtyIds.map((id) => (
                <Badge key={id}>
                  {specialtyName(
                    specialties.find((s) => s.id === id),
                    locale,
                  )}
                </Badge>
              ))}
            </span>
          </td>
          <td>{rooms.find((room) => room.id === practitioner.defaultRoomId)?.name ?? <span className="subtle">—</span>}</td>
          <StatusAndEditCells isActive={practitioner.isActive} name={practitioner.fullName} onEdit={() => setEditing(practitioner)} />
        </tr>
      ))}
    >
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('setup.practitioners.add') : t('setup.practitioners.edit')}
        size="lg"
        testId="practitioner-dialog"
      >
        {editing !== null ? <PractitionerForm practitioner={editing === 'new' ? null : editing} onDone={() => setEditing(null)} /> : null}
      </Dialog>
    </SetupTableCard>
  );
}

function PractitionerForm({ practitioner, onDone }: { practitioner: Practitioner | null; onDone: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const practice = usePracticeStore();
  const specialties = usePractice((state) => state.specialties);
  const rooms = usePractice((state) => state.rooms);
  const count = usePractice((state) => state.practitioners.length);
  const ui = useUiStore();
  const form = useContractForm({
    initial: {
      fullName: practitioner?.fullName ?? '',
      specialtyIds: practitioner?.specialtyIds ?? [],
      defaultRoomId: practitioner?.defaultRoomId ? String(practitioner.defaultRoomId) : '',
      descriptionEn: practitioner?.descriptionEn ?? '',
      descriptionPt: practitioner?.descriptionPt ?? '',
      color: practitioner?.color ?? practitionerPalette[count % practitionerPalette.length]!,
      isActive: practitioner?.isActive ?? true,
    },
    schema: practiceContract['practitioners.save'].input,
    toInput: (values) => ({
      ...(practitioner ? { id: practitioner.id } : {}),
      fullName: values.fullName,
      specialtyIds: values.specialtyIds,
      defaultRoomId: values.defaultRoomId ? Number(values.defaultRoomId) : null,
      descriptionEn: values.descriptionEn,
      descriptionPt: values.descriptionPt,
      color: values.color,
      isActive: values.isActive,
    }),
    check: (values) => (values.specialtyIds.length === 0 ? { specialtyIds: t('setup.practitioners.needSpecialty') } : {}),
    submit: (input) => practice.getState().savePractitioner(input),
    onDone: () => {
      ui.getState().toast('success', t('setup.practitioners.saved'));
      onDone();
    },
  });
  const { values, setValue, errors } = form;
  const toggle = (id: number, isChecked: boolean) =>
    setValue('specialtyIds', isChecked ? [...values.specialtyIds, id] : values.specialtyIds.filter((existing) => existing !== id));

  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <div className="form-grid">
        <TextField
          className="span-2"
          label={t('setup.practitioners.name')}
          required
          autoFocus
          value={values.fullName}
          onChange={(event) => setValue('fullName', event.target.value)}
          error={errors['fullName']}
        />
        <FieldGroup className="span-2" legend={t('setup.practitioners.specialties')} error={errors['specialtyIds']}>
          <div className="checkbox-grid">
            {specialties.map((specialty) => (
              <Checkbox
                key={specialty.id}
                label={specialtyName(specialty, locale)}
                checked={values.specialtyIds.includes(specialty.id)}
                onChange={(event) => toggle(specialty.id, event.target.checked)}
              />
            ))}
          </div>
        </FieldGroup>
        <SelectField
          label={t('setup.practitioners.defaultRoom')}
          value={values.defaultRoomId}
          onChange={(event) => setValue('defaultRoomId', event.target.value)}
          error={errors['defaultRoomId']}
        >
          <option value="">{t('setup.practitioners.noRoom')}</option>
          {rooms
            .filter((room) => room.isActive || String(room.id) === values.defaultRoomId)
            .map((room) => (
              <option key={room.id} value={room.id}>
                {room.name}
              </option>
            ))}
        </SelectField>
        <ColorField value={values.color} onChange={(color) => setValue('color', color)} error={errors['color']} />
        <TextArea
          label={t('setup.practitioners.descriptionEn')}
          rows={2}
          lang="en"
          value={values.descriptionEn}
          onChange={(event) => setValue('descriptionEn', event.target.value)}
          error={errors['descriptionEn']}
        />
        <TextArea
          label={t('setup.practitioners.descriptionPt')}
          rows={2}
          lang="pt-PT"
          value={values.descriptionPt}
          onChange={(event) => setValue('descriptionPt', event.target.value)}
          error={errors['descriptionPt']}
        />
        <Checkbox label={t('common.active')} checked={values.isActive} onChange={(event) => setValue('isActive', event.target.checked)} />
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

function ColorField({ value, onChange, error }: { value: string; onChange: (color: string) => void; error?: string | undefined }) {
  const { t } = useTranslation();
  return (
    <FieldGroup legend={t('setup.practitioners.color')} error={error}>
      <div className="color-field">
        {practitionerPalette.map((color) => (
          <ColorSwatch key={color} color={color} isSelected={color.toLowerCase() === value.toLowerCase()} onPick={() => onChange(color)} />
        ))}
        <label className="color-custom">
          <span className="visually-hidden">{t('setup.practitioners.customColor')}</span>
          <input type="color" value={value} onChange={(event) => onChange(event.target.value)} />
        </label>
      </div>
    </FieldGroup>
  );
}

function ColorSwatch({ color, isSelected, onPick }: { color: string; isSelected: boolean; onPick: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useCssVar(ref, '--swatch', color);
  return (
    <button ref={ref} type="button" className={`swatch ${isSelected ? 'is-selected' : ''}`} aria-pressed={isSelected} aria-label={color} onClick={onPick} />
  );
}
