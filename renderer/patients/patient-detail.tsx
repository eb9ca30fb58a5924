import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { Patient } from '../../shared/patients/patients.contract';
import { useFormat } from '../i18n/hooks';
import { dayOf } from '../i18n/format';
import { specialtyName } from '../practice/practice.store';
import { usePatients, usePractice, usePrintStore, useUi, useUiStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { StatusBadge } from '../board/status-badge';
import { Button } from '../ui/button';
import { ErrorMessage } from '../ui/error-message';
import { Avatar, Badge, Card, CardHeader, EmptyState } from '../ui/misc';
import { Skeleton } from '../ui/spinner';
import { PatientTodayCheckIn } from '../checkin/check-in';
import { FaceCheckInCard } from '../faces/face-check-in-card';
import { PatientAuditCard } from '../audit/patient-audit-card';
import { MergeDialog } from './patient-merge';
import { PatientSeriesCard } from '../series/patient-series-card';
import { formatPhone } from '../../shared/patients/phone-format';

export function PatientDetail() {
  const { t } = useTranslation();
  const detail = usePatients((state) => state.detail);
  const ui = useUiStore();
  const printStore = usePrintStore();
  const mayUpdate = useMay('patients.update');
  const mayBook = useMay('appointments.book');
  const mayMerge = useMay('patients.merge');
  const mayReadAudit = useMay('audit.list');
  const [isMerging, setIsMerging] = useState(false);
  const focusRequest = useUi((state) => state.focusRequest);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const hasPatient = !!detail?.patient;
  const handledFocus = useRef(0);

  useEffect(() => {
    if (focusRequest?.target === 'patientDetail' && hasPatient && handledFocus.current !== focusRequest.seq) {
      handledFocus.current = focusRequest.seq;
      headingRef.current?.focus();
    }
  }, [focusRequest, hasPatient, detail?.id]);

  if (!detail || (!detail.patient && detail.status === 'loading')) return <DetailSkeleton />;
  if (!detail.patient) return <ErrorMessage error={detail.error} />;
  const patient = detail.patient;

  return (
    <div className="stack patient-detail" data-testid="patient-detail" data-patient-id={patient.id}>
      <Card>
        <div className="patient-hero">
          <Avatar name={patient.fullName} size="lg" />
          <div className="patient-hero-text">
            <h2 className="patient-name" ref={headingRef} tabIndex={-1}>
              {patient.fullName}
            </h2>
            {patient.preferredName ? <p className="muted">{t('patients.prefersToBeCalled', { name: patient.preferredName })}</p> : null}
          </div>
          {patient.mergedIntoId === null ? (
            <div className="patient-hero-actions">
              <Button
                icon="printer"
                onClick={() => void printStore.getState().openUpcoming({ id: patient.id, fullName: patient.fullName })}
                data-testid="print-upcoming"
              >
                {t('print.upcoming.action')}
              </Button>
              {mayMerge ? (
                <Button icon="users" onClick={() => setIsMerging(true)} data-testid="merge-with">
                  {t('patients.merge.action')}
                </Button>
              ) : null}
              {mayUpdate ? (
                <Button icon="edit" onClick={() => ui.getState().navigate({ view: 'patients', patientId: patient.id, mode: 'edit' })}>
                  {t('common.edit')}
                </Button>
              ) : null}
              {mayBook ? (
                <Button variant="primary" icon="calendarPlus" onClick={() => ui.getState().navigate({ view: 'book', patientId: patient.id })}>
                  {t('patients.book')}
                </Button>
              ) : null}
            </div>
          ) : null}
        </div>
        {patient.mergedIntoId !== null ? (
          <div className="alert alert-warning" role="status" data-testid="merged-notice">
            <div className="alert-body">
              <p>{t('patients.merge.mergedNotice')}</p>
              <Button size="sm" onClick={() => ui.getState().navigate({ view: 'patients', patientId: patient.mergedIntoId! })}>
                {t('patients.merge.openSurvivor')}
              </Button>
            </div>
          </div>
        ) : null}
        <PatientFacts patient={patient} />
      </Card>
      {mayMerge ? <MergeDialog survivor={patient} open={isMerging} onClose={() => setIsMerging(false)} /> : null}
      <PatientTodayCheckIn patientId={patient.id} patientName={patient.fullName} appointments={detail.appointments} />
      <AppointmentsCard appointments={detail.appointments} isLoading={detail.status === 'loading' && !detail.appointments} />
      <PatientSeriesCard key={`series-${patient.id}`} patientId={patient.id} />
      <FaceCheckInCard key={patient.id} patientId={patient.id} patientName={patient.fullName} preferredLanguage={patient.preferredLanguage} />
      {mayReadAudit ? <PatientAuditCard key={`audit-${patient.id}`} patientId={patient.id} /> : null}
      {detail.error ? <ErrorMessage error={detail.error} /> : null}
    </div>
  );
}

function PatientFacts({ patient }: { patient: Patient }) {
  const { t } = useTranslation();
  const format = useFormat();
  const none = <span className="subtle">—</span>;
  const age = format.age(patient.dateOfBirth);
  return (
    <dl className="facts">
      <div className="fact">
        <dt>{t('patients.fields.dateOfBirth')}</dt>
        <dd>
          {format.date(patient.dateOfBirth)}
          {age !== null ? <span className="subtle"> · {t('patients.age', { count: age })}</span> : null}
        </dd>
      </div>
      <div className="fact">
        <dt>{t('patients.fields.sex')}</dt>
        <dd>{t(`patients.sex.${patient.sex}`)}</dd>
      </div>
      <div className="fact">
        <dt>{t('patients.fields.phone')}</dt>
        <dd>
          {patient.phone ? formatPhone(patient.phone) : none}
          {patient.phoneIsPtMobile ? <span className="subtle"> · {t('patients.mobile')}</span> : null}
          {patient.phoneNeedsReview ? (
            <Badge tone="warning" title={t('patients.hints.phoneNeedsReview')}>
              {t('patients.phoneToCheck')}
            </Badge>
          ) : null}
        </dd>
      </div>
      <div className="fact">
        <dt>{t('patients.fields.email')}</dt>
        <dd className="fact-wrap">{patient.email || none}</dd>
      </div>
      <div className="fact">
        <dt>{t('patients.fields.taxId')}</dt>
        <dd>
          {patient.taxId || none}
          {patient.taxId && patient.taxCountry !== 'PT' ? <span className="subtle"> · {patient.taxCountry}</span> : null}
        </dd>
      </div>
      <div className="fact">
        <dt>{t('patients.fields.preferredLanguage')}</dt>
        <dd>{patient.preferredLanguage === 'pt' ? 'Português' : 'English'}</dd>
      </div>
      <div className="fact fact-wide">
        <dt>{t('patients.fields.address')}</dt>
        <dd>{patient.address || none}</dd>
      </div>
      {patient.notes ? (
        <div className="fact fact-wide">
          <dt>{t('patients.fields.notes')}</dt>
          <dd className="fact-notes">{patient.notes}</dd>
        </div>
      ) : null}
    </dl>
  );
}

function AppointmentsCard({ appointments, isLoading }: { appointments: Appointment[] | null; isLoading: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const practitioners = usePractice((state) => state.practitioners);
  const specialties = usePractice((state) => state.specialties);
  const now = Date.now();
  const upcoming = (appointments ?? [])
    .filter((appointment) => appointment.endsAt >= now && appointment.status !== 'cancelled' && appointment.status !== 'no_show')
    .sort((a, b) => a.startsAt - b.startsAt);
  const past = (appointments ?? [])
    .filter((appointment) => !upcoming.includes(appointment))
    .sort((a, b) => b.startsAt - a.startsAt)
    .slice(0, 10);

  const row = (appointment: Appointment) => {
    const practitioner = practitioners.find((candidate) => candidate.id === appointment.practitionerId);
    const specialty = specialties.find((candidate) => candidate.id === appointment.specialtyId);
    return (
      <li
        key={appointment.id}
        className="appointment-row"
        data-testid="patient-appointment"
        data-appointment-id={appointment.id}
        data-status={appointment.status}
      >
        <div className="appointment-when">
          <span className="appointment-day">{format.dayShort(dayOf(appointment.startsAt, format.zone))}</span>
          <span className="appointment-time">{format.time(appointment.startsAt)}</span>
        </div>
        <div className="appointment-what">
          <span className="appointment-specialty">{specialtyName(specialty, format.locale)}</span>
          <span className="muted">{practitioner?.fullName ?? ''}</span>
        </div>
        {appointment.code && appointment.status === 'booked' ? (
          <span className="appointment-code" title={t('patients.checkInCodeHint')} data-testid="appointment-code">
            {appointment.code}
          </span>
        ) : null}
        {appointment.isWalkIn ? <Badge tone="info">{t('board.walkIn')}</Badge> : null}
        {appointment.seriesIndex !== null ? <Badge tone="neutral">{t('series.badge', { index: appointment.seriesIndex })}</Badge> : null}
        <StatusBadge status={appointment.status} />
      </li>
    );
  };

  return (
    <Card aria-labelledby="patient-appointments-title">
      <CardHeader titleId="patient-appointments-title" title={t('patients.upcoming')} />
      {isLoading ? (
        <div className="card-body">
          <Skeleton variant="row" />
          <Skeleton variant="row" />
        </div>
      ) : upcoming.length === 0 ? (
        <EmptyState compact icon="calendar" title={t('patients.noUpcoming')} />
      ) : (
        <ul className="appointment-list">{upcoming.map(row)}</ul>
      )}
      {past.length > 0 ? (
        <details className="past-appointments">
          <summary>{t('patients.past', { count: past.length })}</summary>
          <ul className="appointment-list">{past.map(row)}</ul>
        </details>
      ) : null}
    </Card>
  );
}

function DetailSkeleton() {
  const { t } = useTranslation();
  return (
    <div className="stack" role="status" aria-label={t('common.loading')}>
      <div className="card card-pad">
        <Skeleton variant="title" />
        <Skeleton variant="line" />
        <Skeleton variant="block" />
      </div>
      <div className="card card-pad">
        <Skeleton variant="row" />
        <Skeleton variant="row" />
      </div>
    </div>
  );
}
