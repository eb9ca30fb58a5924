import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import { addDays, dayOf, todayIn } from '../i18n/format';
import { useCurrency, useFormat } from '../i18n/hooks';
import { specialtyName } from '../practice/practice.store';
import { useBooking, useBookingStore, usePatientPickerStore, usePatientsStore, usePractice, useUi, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Alert, ErrorMessage } from '../ui/error-message';
import { SelectField, TextField } from '../ui/field';
import { Avatar, Card, CardHeader, EmptyState, PageHeader } from '../ui/misc';
import { SkeletonList } from '../ui/spinner';
import { PatientForm } from '../patients/patient-form';
import { PatientSearch } from '../patients/patient-search';
import { draftFromQuery } from '../patients/patients-view';
import { SlotGrid } from './slot-grid';
import { SlotTakenAlert } from './slot-taken';
import { WalkInCheckInButton, WalkInTicket } from '../checkin/walk-in-check-in';
import './booking.css';

export function BookView() {
  const { t } = useTranslation();
  const route = useUi((state) => state.route);
  const store = useBookingStore();
  const routePatientId = route.view === 'book' ? route.patientId : undefined;

  useEffect(() => {
    if (routePatientId) void store.getState().setPatientById(routePatientId);
  }, [routePatientId, store]);

  return (
    <div className="page">
      <PageHeader title={t('booking.title')} subtitle={t('booking.subtitle')} />
      <div className="book-layout">
        <div className="book-form">
          <PatientCard />
          <WhatWhenCard />
        </div>
        <SlotsPanel />
      </div>
    </div>
  );
}

function PatientCard() {
  const { t } = useTranslation();
  const format = useFormat();
  const patient = useBooking((state) => state.patient);
  const store = useBookingStore();
  const picker = usePatientPickerStore();
  const patients = usePatientsStore();
  const ui = useUiStore();
  const [isCreating, setIsCreating] = useState(false);
  const [draftQuery, setDraftQuery] = useState('');

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
                    <span className="nowrap">{patient.phone}</span>
                  </>
                ) : null}
              </p>
            </div>
            <Button size="sm" variant="ghost" onClick={() => store.getState().setPatient(null)}>
              {t('booking.changePatient')}
            </Button>
          </div>
        ) : (
          <>
            <PatientSearch
              store={picker}
              label={t('booking.findPatient')}
              testId="booking-patient-search"
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

function StepTitle({ n, text }: { n: number; text: string }) {
  return (
    <span className="step-title">
      <span className="step-number" aria-hidden="true">
        {n}
      </span>
      {text}
    </span>
  );
}

function WhatWhenCard() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const store = useBookingStore();
  const specialtyId = useBooking((state) => state.specialtyId);
  const practitionerId = useBooking((state) => state.practitionerId);
  const day = useBooking((state) => state.day);
  const specialties = usePractice((state) => state.specialties);
  const practitioners = usePractice((state) => state.practitioners);
  const today = todayIn(format.zone);
  const active = specialties.filter((specialty) => specialty.isActive);
  const candidates = practitioners.filter((p) => p.isActive && (specialtyId === null || p.specialtyIds.includes(specialtyId)));
  const quickDays = Array.from({ length: 7 }, (_, index) => addDays(today, index));
  const maySaveSpecialties = useMay('specialties.save');
  const ui = useUiStore();
  const isPracticeReady = usePractice((state) => state.status === 'ready');

  return (
    <Card aria-labelledby="book-what-title">
      <CardHeader titleId="book-what-title" title={<StepTitle n={2} text={t('booking.whatWhen')} />} />
      <div className="card-body form-stack">
        {isPracticeReady && active.length === 0 ? (
          <Alert
            tone="warning"
            title={t('booking.noSpecialties')}
            action={
              maySaveSpecialties ? (
                <Button size="sm" onClick={() => ui.getState().navigate({ view: 'setup', section: 'specialties' })}>
                  {t('common.openSetup')}
                </Button>
              ) : null
            }
          />
        ) : null}
        <SelectField
          label={t('booking.specialty')}
          required
          value={specialtyId ?? ''}
          data-testid="booking-specialty"
          onChange={(event) => store.getState().setSpecialty(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('booking.chooseSpecialty')}</option>
          {active.map((specialty) => (
            <option key={specialty.id} value={specialty.id}>
              {specialtyName(specialty, format.locale)} · {specialty.durationMinutes} min · {format.money(specialty.priceCents, currency)}
            </option>
          ))}
        </SelectField>
        <SelectField
          label={t('booking.practitioner')}
          value={practitionerId ?? ''}
          data-testid="booking-practitioner"
          onChange={(event) => store.getState().setPractitioner(event.target.value ? Number(event.target.value) : null)}
        >
          <option value="">{t('booking.anyPractitioner')}</option>
          {candidates.map((p) => (
            <option key={p.id} value={p.id}>
              {p.fullName}
            </option>
          ))}
        </SelectField>
        <TextField
          label={t('booking.day')}
          type="date"
          min={today}
          value={day}
          data-testid="booking-day"
          onChange={(event) => event.target.value && store.getState().setDay(event.target.value)}
        />
        <div className="quick-days" role="group" aria-label={t('booking.quickDays')}>
          {quickDays.map((quick, index) => (
            <button
              key={quick}
              type="button"
              className={`chip ${quick === day ? 'is-selected' : ''}`}
              aria-pressed={quick === day}
              onClick={() => store.getState().setDay(quick)}
            >
              {index === 0 ? t('booking.today') : index === 1 ? t('booking.tomorrow') : format.dayShort(quick)}
            </button>
          ))}
        </div>
      </div>
    </Card>
  );
}

function SlotsPanel() {
  const { t } = useTranslation();
  const format = useFormat();
  const currency = useCurrency();
  const store = useBookingStore();
  const ui = useUiStore();
  const slots = useBooking((state) => state.slots);
  const status = useBooking((state) => state.slotsStatus);
  const slotsError = useBooking((state) => state.slotsError);
  const day = useBooking((state) => state.day);
  const specialtyId = useBooking((state) => state.specialtyId);
  const selected = useBooking((state) => state.selectedSlot);
  const patient = useBooking((state) => state.patient);
  const notes = useBooking((state) => state.notes);
  const isBooking = useBooking((state) => state.isBooking);
  const bookingError = useBooking((state) => state.bookingError);
  const lastBooked = useBooking((state) => state.lastBooked);
  const lostSlot = useBooking((state) => state.lostSlot);
  const attemptedSlot = useBooking((state) => state.attemptedSlot);
  const practitioners = usePractice((state) => state.practitioners);
  const rooms = usePractice((state) => state.rooms);
  const specialties = usePractice((state) => state.specialties);
  const specialty = specialties.find((candidate) => candidate.id === specialtyId);
  const practitioner = practitioners.find((candidate) => candidate.id === selected?.practitionerId);
  const today = todayIn(format.zone);

  const book = async (slot?: Parameters<ReturnType<typeof store.getState>['book']>[0]) => {
    // The confirmation appears in place (with its next steps), so no toast as well.
    await store.getState().book(slot);
  };

  const walkIn = async () => {
    await store.getState().walkIn();
  };

  let body;
  if (specialtyId === null) {
    body = (
      <EmptyState icon="stethoscope" title={t('booking.pickSpecialtyFirst')}>
        {t('booking.pickSpecialtyHint')}
      </EmptyState>
    );
  } else if (status === 'loading' && slots.length === 0) {
    body = <SkeletonList rows={3} variant="card" label={t('common.loading')} />;
  } else if (status === 'error') {
    body = (
      <ErrorMessage
        error={slotsError}
        action={
          <Button size="sm" onClick={() => void store.getState().loadSlots()}>
            {t('common.retry')}
          </Button>
        }
      />
    );
  } else if (slots.length === 0) {
    body = (
      <EmptyState
        icon="calendar"
        title={t('booking.noSlots')}
        action={<Button onClick={() => store.getState().setDay(addDays(day, 1))}>{t('booking.tryNextDay')}</Button>}
      >
        {t('booking.noSlotsHint')}
      </EmptyState>
    );
  } else {
    body = (
      <SlotGrid
        slots={slots}
        practitioners={practitioners}
        rooms={rooms}
        selected={selected}
        onSelect={(slot) => store.getState().selectSlot(slot)}
        format={format}
      />
    );
  }

  return (
    <section className="card slots-panel" aria-labelledby="slots-title" aria-busy={status === 'loading'}>
      <CardHeader titleId="slots-title" title={<StepTitle n={3} text={t('booking.freeTimes')} />} subtitle={format.dayLong(day)} />
      <div className={`slots-body ${status === 'loading' && slots.length > 0 ? 'is-stale' : ''}`}>{body}</div>

      <footer className="confirm-bar">
        {lastBooked ? (
          <Alert
            tone="success"
            role="status"
            title={lastBooked.isWalkIn ? t('booking.walkInBooked') : t('booking.booked')}
            action={
              <div className="row">
                <Button
                  size="sm"
                  onClick={() =>
                    ui.getState().navigate({
                      view: 'today',
                      ...(dayOf(lastBooked.startsAt, format.zone) === today ? {} : { day: dayOf(lastBooked.startsAt, format.zone) }),
                    })
                  }
                >
                  {t('booking.viewOnBoard')}
                </Button>
                <Button size="sm" variant="ghost" onClick={() => store.getState().clearOutcome()}>
                  {t('booking.bookAnother')}
                </Button>
              </div>
            }
          >
            <p data-testid="booking-confirmation">
              {patient?.fullName} · {format.dayLong(dayOf(lastBooked.startsAt, format.zone))} · {format.time(lastBooked.startsAt)} ·{' '}
              {practitioners.find((p) => p.id === lastBooked.practitionerId)?.fullName}
            </p>
            {lastBooked.code ? (
              <p className="muted" data-testid="appointment-code" data-code={lastBooked.code}>
                {t('booking.checkInCode', { code: lastBooked.code })}
              </p>
            ) : null}
          </Alert>
        ) : null}
        <WalkInTicket />
        {lostSlot ? (
          <Alert tone="warning" role="alert" title={t('booking.lostSlot', { time: format.time(lostSlot.startsAt) })}>
            <p>{t('booking.lostSlotHint')}</p>
          </Alert>
        ) : null}
        <SlotTakenAlert
          error={bookingError}
          practitioners={practitioners}
          rooms={rooms}
          attempted={attemptedSlot}
          format={format}
          onPick={(slot) => void book(slot)}
          isBusy={isBooking}
          day={day}
        />
        <div className="confirm-summary" aria-live="polite">
          {selected && specialty ? (
            <p>
              <strong>{format.time(selected.startsAt)}</strong> · {format.dayShort(day)} · {practitioner?.fullName} · {specialtyName(specialty, format.locale)}{' '}
              · {format.money(specialty.priceCents, currency)}
            </p>
          ) : (
            <p className="muted">{!patient ? t('booking.needPatient') : specialtyId === null ? t('booking.pickSpecialtyFirst') : t('booking.needSlot')}</p>
          )}
        </div>
        <div className="confirm-row">
          <TextField
            className="confirm-notes"
            label={t('booking.notes')}
            value={notes}
            maxLength={1000}
            onChange={(event) => store.getState().setNotes(event.target.value)}
          />
          <Button
            variant="secondary"
            icon="zap"
            disabled={!patient || specialtyId === null}
            isBusy={isBooking && !selected}
            onClick={() => void walkIn()}
            data-testid="walk-in"
          >
            {t('booking.walkIn')}
          </Button>
          <WalkInCheckInButton />
          <Button
            variant="primary"
            icon="check"
            disabled={!patient || !selected}
            isBusy={isBooking && !!selected}
            onClick={() => void book()}
            data-testid="confirm-booking"
          >
            {t('booking.confirm')}
          </Button>
        </div>
      </footer>
    </section>
  );
}
