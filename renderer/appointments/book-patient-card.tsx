import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import { useFormat } from '../i18n/hooks';
import { useBooking, useBookingStore, usePatientPickerStore, usePatientsStore, useUiStore } from '../stores/stores';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Avatar, Card, CardHeader } from '../ui/misc';
import { PatientForm } from '../patients/patient-form';
import { PatientSearch } from '../patients/patient-search';
import { draftFromQuery } from '../patients/patients-view';
import { StepTitle } from './book-step-title';
import { formatPhone } from '../../shared/patients/phone-format';

/** Booking's step 1: the patient picked, or a search for one and a new patient form. */
export function BookPatientCard() {
  const { t } = useTranslation();
  const format = useFormat();
  const patient = useBooking((state) => state.patient);
  const store = useBookingStore();
  const picker = usePatientPickerStore();
  const patients = usePatientsStore();
  const ui = useUiStore();
  const [isCreating, setIsCreating] = useState(false);
  const [draftQuery, setDraftQuery] = useState('');
  /** "Change" puts the cursor in the search at once; arriving on the page does not take it from elsewhere. */
  const [isChanging, setIsChanging] = useState(false);

  const pick = (summary: PatientSummary) => {
    store.getState().setPatient(summary);
    picker.getState().clearSearch();
  };

  return (
    <Card aria-labelledby="book-patient-title">
      <CardHeader titleId="book-patient-title" title={<StepTitle n={1} text={t('booking.patient')} />} />
      <div className="card-body">
        {patient ? (
          <div className="picked-patient" data-testid="picked-patient" data-patient-id={patient.id}>
            <Avatar name={patient.fullName} />
            <div className="picked-patient-text">
              <p className="picked-patient-name">
                {patient.fullName}
                {patient.preferredName ? <span className="muted"> “{patient.preferredName}”</span> : null}
              </p>
              <p className="muted">
                {format.date(patient.dateOfBirth)}
                {patient.phone ? (
                  <>
                    {' · '}
                    <span className="nowrap">{formatPhone(patient.phone)}</span>
                  </>
                ) : null}
              </p>
            </div>
            <Button
              size="sm"
              variant="ghost"
              onClick={() => {
                setIsChanging(true);
                store.getState().setPatient(null);
              }}
              data-testid="change-patient"
            >
              {t('booking.changePatient')}
            </Button>
          </div>
        ) : (
          <>
            <PatientSearch
              store={picker}
              label={t('booking.findPatient')}
              testId="booking-patient-search"
              autoFocus={isChanging}
              onOpen={pick}
              idle={<p className="muted search-idle">{t('booking.findPatientHint')}</p>}
            />
            <Button
              icon="userPlus"
              variant="secondary"
              className="btn-block"
              onClick={() => {
                setDraftQuery(picker.getState().query);
                setIsCreating(true);
              }}
            >
              {t('patients.new')}
            </Button>
          </>
        )}
      </div>
      <Dialog open={isCreating} onClose={() => setIsCreating(false)} title={t('patients.newTitle')} size="lg" testId="new-patient-dialog">
        <PatientForm
          patient={null}
          draft={draftFromQuery(draftQuery)}
          isCompact
          onSubmit={(fields, confirmed) => patients.getState().create(fields, confirmed)}
          onSaved={(created) => {
            setIsCreating(false);
            pick({
              id: created.id,
              fullName: created.fullName,
              preferredName: created.preferredName,
              dateOfBirth: created.dateOfBirth,
              phone: created.phone,
              taxId: created.taxId,
              email: created.email,
            });
            ui.getState().toast('success', t('patients.created', { name: created.fullName }));
          }}
          onCancel={() => setIsCreating(false)}
          onOpenExisting={(match) => {
            setIsCreating(false);
            pick(match);
          }}
        />
      </Dialog>
    </Card>
  );
}
