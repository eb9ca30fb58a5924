import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BoardAppointment } from '../../shared/board/board.contract';
import type { Patient } from '../../shared/patients/patients.contract';
import type { SyncConflict } from '../../shared/sync/sync.contract';
import { useFormat } from '../i18n/hooks';
import { usePractice, useSync, useSyncStore } from '../stores/stores';
import { useMay } from '../auth/use-may';
import { Button } from '../ui/button';
import { Icon } from '../ui/icons';
import type { ConflictWayOut } from './sync-state';
import './sync.css';
import { formatPhone } from '../../shared/patients/phone-format';

/** The conflict of one board card, or undefined: each card subscribes to its own. */
export function useSyncConflict(appointmentId: number): SyncConflict | undefined {
  return useSync((state) => state.conflictByAppointment[appointmentId]);
}

/** "Taken online meanwhile: 10:00–10:30 (Dr. Sousa)": what is in the way and where it was booked, named when this desk knows it. */
export function useClashText(): (conflict: SyncConflict, appointment: { practitionerId: number; roomId: number | null } | null) => string {
  const { t } = useTranslation();
  const format = useFormat();
  const practitioners = usePractice((state) => state.practitioners);
  const rooms = usePractice((state) => state.rooms);
  return useCallback(
    (conflict, appointment) => {
      const when = format.timeRange(conflict.clash.startsAt, conflict.clash.endsAt);
      const taken = t(`sync.conflict.takenBy.${conflict.clash.takenBy ?? 'unknown'}`);
      if (conflict.clash.kind === 'room') {
        const room = appointment?.roomId ? rooms.find((candidate) => candidate.id === appointment.roomId)?.name : undefined;
        return room ? t('sync.conflict.takenRoom', { taken, when, room }) : t('sync.conflict.takenRoomUnnamed', { taken, when });
      }
      const name = appointment ? practitioners.find((candidate) => candidate.id === appointment.practitionerId)?.fullName : undefined;
      return name ? t('sync.conflict.takenPractitioner', { taken, when, name }) : t('sync.conflict.takenPractitionerUnnamed', { taken, when });
    },
    [t, format, practitioners, rooms],
  );
}

/**
 * The flag on a board card the cloud refused: what it clashes with, and the ways out. The
 * appointment stays on the board as booked here until the desk picks one.
 */
export function ConflictFlag({
  appointment,
  conflict,
  onWayOut,
}: {
  appointment: BoardAppointment;
  conflict: SyncConflict;
  onWayOut: (wayOut: ConflictWayOut) => void;
}) {
  const { t } = useTranslation();
  const clashText = useClashText();
  const mayReschedule = useMay('appointments.reschedule');
  const mayCancel = useMay('appointments.cancel');
  const canMove = mayReschedule && appointment.status === 'booked';
  const canCancel = mayCancel && (appointment.status === 'booked' || appointment.status === 'checked_in');
  const name = appointment.patientName;
  return (
    <div className="appt-conflict" data-testid="sync-conflict">
      <span className="badge badge-danger appt-conflict-badge">
        <Icon name="alert" size={12} />
        {t('sync.conflict.badge')}
      </span>
      <p className="appt-conflict-clash" data-testid="sync-conflict-clash">
        {clashText(conflict, appointment)}
      </p>
      {canMove || canCancel ? (
        <div className="appt-conflict-actions">
          {canMove ? (
            <>
              <Button
                size="sm"
                variant="secondary"
                icon="calendar"
                onClick={() => onWayOut({ kind: 'otherSlot', conflict })}
                aria-label={`${t('sync.conflict.otherSlot')}: ${name}`}
                data-testid="conflict-other-slot"
              >
                {t('sync.conflict.otherSlot')}
              </Button>
              <Button
                size="sm"
                variant="secondary"
                icon="users"
                onClick={() => onWayOut({ kind: 'otherPractitioner', conflict })}
                aria-label={`${t('sync.conflict.otherPractitioner')}: ${name}`}
                data-testid="conflict-other-practitioner"
              >
                {t('sync.conflict.otherPractitioner')}
              </Button>
            </>
          ) : null}
          {canCancel ? (
            <Button
              size="sm"
              variant="danger-ghost"
              icon="phone"
              onClick={() => onWayOut({ kind: 'tellPatient', conflict })}
              aria-label={`${t('sync.conflict.tellPatient')}: ${name}`}
              data-testid="conflict-tell-patient"
            >
              {t('sync.conflict.tellPatient')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

/** How to reach the patient whose booking is lost: phone, email and the language to speak. */
export function PatientContact({ patientId }: { patientId: number }) {
  const { t } = useTranslation();
  const store = useSyncStore();
  const [patient, setPatient] = useState<Patient | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let isCurrent = true;
    store
      .getState()
      .patient(patientId)
      .then((found) => isCurrent && setPatient(found))
      .catch(() => isCurrent && setFailed(true));
    return () => {
      isCurrent = false;
    };
  }, [store, patientId]);

  if (failed) return null;
  return (
    <section className="patient-contact" aria-labelledby="patient-contact-title" data-testid="patient-contact">
      <h3 id="patient-contact-title" className="patient-contact-title">
        <Icon name="phone" size={14} />
        {t('sync.conflict.contactTitle')}
      </h3>
      {patient ? (
        <dl className="patient-contact-list">
          <div>
            <dt>{t('sync.conflict.phone')}</dt>
            <dd data-testid="patient-contact-phone">
              {patient.phone ? <a href={`tel:${patient.phone.replace(/[^\d+]/g, '')}`}>{formatPhone(patient.phone)}</a> : t('sync.conflict.none')}
            </dd>
          </div>
          <div>
            <dt>{t('sync.conflict.email')}</dt>
            <dd data-testid="patient-contact-email">{patient.email ? <a href={`mailto:${patient.email}`}>{patient.email}</a> : t('sync.conflict.none')}</dd>
          </div>
          <div>
            <dt>{t('sync.conflict.language')}</dt>
            <dd data-testid="patient-contact-language">{t(`sync.conflict.languages.${patient.preferredLanguage}`)}</dd>
          </div>
        </dl>
      ) : (
        <p className="subtle">{t('common.loading')}</p>
      )}
    </section>
  );
}
