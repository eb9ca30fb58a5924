import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SetupTableCard, StatusAndEditCells } from '../ui/setup-table';
import { staffContract } from '../../shared/staff/staff.contract';
import { type StaffView } from '../../shared/staff/staff.contract';
import { roles, type Role } from '../../shared/contract/method';
import { usePractice, useSession, useStaff, useStaffStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorMessage } from '../ui/error-message';
import { Checkbox, SelectField, TextField } from '../ui/field';
import { Avatar, Badge } from '../ui/misc';
import { useContractForm } from '../ui/use-form';

export function StaffSection() {
  const { t } = useTranslation();
  const store = useStaffStore();
  const staff = useStaff((state) => state.staff);
  const status = useStaff((state) => state.staffStatus);
  const error = useStaff((state) => state.staffError);
  const practitioners = usePractice((state) => state.practitioners);
  const me = useSession((state) => state.staff?.id);
  const [editing, setEditing] = useState<StaffView | 'new' | null>(null);

  useEffect(() => {
    void store.getState().loadStaff();
  }, [store]);

  return (
    <SetupTableCard
      id="staff"
      title={t('setup.sections.staff')}
      subtitle={t('setup.staff.lead')}
      addLabel={t('setup.staff.add')}
      addIcon="userPlus"
      onAdd={() => setEditing('new')}
      isLoading={status === 'loading'}
      isEmpty={staff.length === 0}
      emptyIcon="users"
      emptyTitle={t('setup.staff.empty')}
      columns={[{ label: t('staff.displayName') }, { label: t('auth.username') }, { label: t('staff.role') }, { label: t('staff.practitioner') }]}
      above={status === 'error' ? <ErrorMessage error={error} /> : null}
      rows={staff.map((member) => (
        <tr key={member.id} className={member.isActive ? '' : 'is-inactive'} data-testid="staff-row">
          <td className="strong">
            <span className="row">
              <Avatar name={member.displayName} size="sm" />
              {member.displayName}
              {member.id === me ? <Badge tone="primary">{t('setup.staff.you')}</Badge> : null}
            </span>
          </td>
          <td className="mono">{member.username}</td>
          <td>{t(`roles.${member.role}`)}</td>
          <td>{practitioners.find((p) => p.id === member.practitionerId)?.fullName ?? <span className="subtle">—</span>}</td>
          <StatusAndEditCells
            isActive={member.isActive}
            inactiveLabel={t('setup.staff.disabled')}
            name={member.displayName}
            onEdit={() => setEditing(member)}
          />
        </tr>
      ))}
    >
      <Dialog
        open={editing !== null}
        onClose={() => setEditing(null)}
        title={editing === 'new' ? t('setup.staff.add') : t('setup.staff.edit')}
        testId="staff-dialog"
      >
        {editing === 'new' ? (
          <NewStaffForm onDone={() => setEditing(null)} />
        ) : editing ? (
          <EditStaffForm member={editing} isSelf={editing.id === me} onDone={() => setEditing(null)} />
        ) : null}
      </Dialog>
    </SetupTableCard>
  );
}

function RoleOptions() {
  const { t } = useTranslation();
  return (
    <>
      {roles.map((role) => (
        <option key={role} value={role}>
          {t(`roles.${role}`)}
        </option>
      ))}
    </>
  );
}

function PractitionerOptions() {
  const { t } = useTranslation();
  const practitioners = usePractice((state) => state.practitioners);
  return (
    <>
      <option value="">{t('setup.staff.notAPractitioner')}</option>
      {practitioners.map((p) => (
        <option key={p.id} value={p.id}>
          {p.fullName}
        </option>
      ))}
    </>
  );
}

function NewStaffForm({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const store = useStaffStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: { displayName: '', username: '', role: 'receptionist', practitionerId: '', locale: 'pt', password: '', confirm: '' },
    schema: staffContract['staff.create'].input,
    toInput: (values) => ({
      displayName: values.displayName,
      username: values.username,
      role: values.role as Role,
      practitionerId: values.practitionerId ? Number(values.practitionerId) : null,
      locale: values.locale === 'en' ? ('en' as const) : ('pt' as const),
      password: values.password,
    }),
    check: (values) => ({
      ...(values.password !== values.confirm ? { confirm: t('validation.passwordsDiffer') } : {}),
      ...(values.role === 'doctor' && !values.practitionerId ? { practitionerId: t('setup.staff.doctorNeedsPractitioner') } : {}),
    }),
    submit: (input) => store.getState().createStaff(input),
    onDone: () => {
      ui.getState().toast('success', t('setup.staff.created'));
      onDone();
    },
  });
  const { values, setValue, errors } = form;
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <div className="form-grid">
        <TextField
          label={t('staff.displayName')}
          required
          autoFocus
          value={values.displayName}
          onChange={(event) => setValue('displayName', event.target.value)}
          error={errors['displayName']}
        />
        <TextField
          label={t('auth.username')}
          required
          autoCapitalize="none"
          spellCheck={false}
          autoComplete="off"
          value={values.username}
          onChange={(event) => setValue('username', event.target.value)}
          error={errors['username']}
          hint={t('validation.username')}
        />
        <SelectField label={t('staff.role')} value={values.role} onChange={(event) => setValue('role', event.target.value)} error={errors['role']}>
          <RoleOptions />
        </SelectField>
        <SelectField
          label={t('staff.practitioner')}
          value={values.practitionerId}
          onChange={(event) => setValue('practitionerId', event.target.value)}
          error={errors['practitionerId']}
          hint={t('setup.staff.practitionerHint')}
        >
          <PractitionerOptions />
        </SelectField>
        <SelectField label={t('common.language')} value={values.locale} onChange={(event) => setValue('locale', event.target.value)}>
          <option value="pt">Português</option>
          <option value="en">English</option>
        </SelectField>
        <div />
        <TextField
          label={t('auth.password')}
          type="password"
          autoComplete="new-password"
          required
          value={values.password}
          onChange={(event) => setValue('password', event.target.value)}
          error={errors['password']}
          hint={t('auth.passwordRule')}
        />
        <TextField
          label={t('auth.confirmPassword')}
          type="password"
          autoComplete="new-password"
          required
          value={values.confirm}
          onChange={(event) => setValue('confirm', event.target.value)}
          error={errors['confirm']}
        />
      </div>
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('setup.staff.create')}
        </Button>
      </div>
    </form>
  );
}

function EditStaffForm({ member, isSelf, onDone }: { member: StaffView; isSelf: boolean; onDone: () => void }) {
  const { t } = useTranslation();
  const store = useStaffStore();
  const ui = useUiStore();
  const form = useContractForm({
    initial: {
      displayName: member.displayName,
      role: member.role as string,
      practitionerId: member.practitionerId ? String(member.practitionerId) : '',
      isActive: member.isActive,
      password: '',
    },
    schema: staffContract['staff.update'].input,
    toInput: (values) => ({
      id: member.id,
      displayName: values.displayName,
      role: values.role as Role,
      practitionerId: values.practitionerId ? Number(values.practitionerId) : null,
      isActive: values.isActive,
      ...(values.password ? { password: values.password } : {}),
    }),
    check: (values) => (values.role === 'doctor' && !values.practitionerId ? { practitionerId: t('setup.staff.doctorNeedsPractitioner') } : {}),
    submit: (input) => store.getState().updateStaff(input),
    onDone: () => {
      ui.getState().toast('success', t('setup.staff.saved'));
      onDone();
    },
  });
  const { values, setValue, errors } = form;
  return (
    <form ref={form.formRef} className="stack" onSubmit={form.onSubmit} noValidate>
      <p className="muted">
        {t('auth.username')}: <span className="mono">{member.username}</span>
      </p>
      <div className="form-grid">
        <TextField
          label={t('staff.displayName')}
          required
          autoFocus
          value={values.displayName}
          onChange={(event) => setValue('displayName', event.target.value)}
          error={errors['displayName']}
        />
        <SelectField
          label={t('staff.role')}
          value={values.role}
          disabled={isSelf}
          onChange={(event) => setValue('role', event.target.value)}
          error={errors['role']}
          hint={isSelf ? t('setup.staff.selfHint') : undefined}
        >
          <RoleOptions />
        </SelectField>
        <SelectField
          label={t('staff.practitioner')}
          value={values.practitionerId}
          onChange={(event) => setValue('practitionerId', event.target.value)}
          error={errors['practitionerId']}
        >
          <PractitionerOptions />
        </SelectField>
        <TextField
          label={t('setup.staff.newPassword')}
          type="password"
          autoComplete="new-password"
          value={values.password}
          onChange={(event) => setValue('password', event.target.value)}
          error={errors['password']}
          hint={t('setup.staff.newPasswordHint')}
        />
        <Checkbox
          label={t('setup.staff.accountActive')}
          checked={values.isActive}
          disabled={isSelf}
          onChange={(event) => setValue('isActive', event.target.checked)}
          hint={t('setup.staff.activeHint')}
        />
      </div>
      <ErrorMessage error={form.error} />
      <div className="form-actions">
        <Button variant="ghost" onClick={onDone}>
          {t('common.cancel')}
        </Button>
        <Button type="submit" variant="primary" isBusy={form.isBusy}>
          {t('common.saveChanges')}
        </Button>
      </div>
    </form>
  );
}
