import type { TestCloud } from '../../cloud/test-fixtures';
import { ack, bookOnline, type Acked } from './invariants';
import { at, type Practice, type SyncDesk } from './sync-fixtures';

/** Candidate start times: two mornings on a 30-minute grid (the specialty lasts 30 minutes). */
export const SLOTS = ['2030-01-07', '2030-01-08'].flatMap((day) =>
  ['09:00', '09:30', '10:00', '10:30', '11:00', '11:30', '12:00', '12:30'].map((time) => at(`${day}T${time}`)),
);

/** The clinic's rows by uid (every desk knows them by its own ids). */
export interface ClinicUids {
  practitioners: Array<{ uid: string; roomUid: string }>;
  specialtyUid: string;
  patientUids: string[];
}

export function clinicUids(seeder: SyncDesk, practice: Practice): ClinicUids {
  return {
    practitioners: [
      { uid: seeder.uidOf('practitioners', practice.ana), roomUid: seeder.uidOf('rooms', practice.room1) },
      { uid: seeder.uidOf('practitioners', practice.bruno), roomUid: seeder.uidOf('rooms', practice.room2) },
    ],
    specialtyUid: seeder.uidOf('specialties', practice.general),
    patientUids: practice.patients.map((id) => seeder.uidOf('patients', id)),
  };
}

/** Errors that are the desk saying no to the user (nothing acknowledged, nothing written). */
const REFUSALS = /"code":"(SLOT_TAKEN|INVALID_TRANSITION|IN_THE_PAST|OUTSIDE_WORKING_HOURS|PATIENT_ALREADY_BOOKED)"/;

async function refusedIsNull<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof Error && REFUSALS.test(error.message)) return null;
    throw error;
  }
}

/** Books at a desk; records the acknowledged booking. Returns whether it was booked. */
export async function deskBooks(
  desk: SyncDesk,
  clinic: ClinicUids,
  acked: Acked,
  pick: { practitioner: number; slot: number; patient: number },
): Promise<boolean> {
  const practitioner = clinic.practitioners[pick.practitioner % clinic.practitioners.length]!;
  const booked = await refusedIsNull(
    desk.ok(desk.reception, 'appointments.book', {
      patientId: desk.localId('patients', clinic.patientUids[pick.patient % clinic.patientUids.length]!),
      specialtyId: desk.localId('specialties', clinic.specialtyUid),
      practitionerId: desk.localId('practitioners', practitioner.uid),
      startsAt: SLOTS[pick.slot % SLOTS.length]!,
    }),
  );
  if (!booked) return false;
  ack(acked, desk.uidOf('appointments', booked.id), { startsAt: booked.startsAt, status: booked.status, by: desk.name });
  return true;
}

/**
 * Moves or cancels an appointment: one of the desk's own (`anyone` false: desks never edit
 * each other's), or any this desk has (`anyone` true: desks race on the same rows).
 */
export async function deskChanges(desk: SyncDesk, acked: Acked, pick: { which: number; slot: number; cancel: boolean; anyone?: boolean }): Promise<boolean> {
  const own = [...acked].filter(
    ([uid, state]) => (pick.anyone || state.by === desk.name) && state.status === 'booked' && !Number.isNaN(desk.localId('appointments', uid)),
  );
  if (own.length === 0) return false;
  const [uid] = own[pick.which % own.length]!;
  const id = desk.localId('appointments', uid);
  const changed = await refusedIsNull(
    pick.cancel
      ? desk.ok(desk.reception, 'appointments.cancel', { id, reason: 'Patient called' })
      : desk.ok(desk.reception, 'appointments.reschedule', { id, startsAt: SLOTS[pick.slot % SLOTS.length]! }),
  );
  if (!changed) return false;
  ack(acked, uid, { startsAt: changed.startsAt, status: changed.status, by: desk.name });
  return true;
}

export async function portalBooks(cloud: TestCloud, clinic: ClinicUids, acked: Acked, pick: { practitioner: number; slot: number }): Promise<boolean> {
  const practitioner = clinic.practitioners[pick.practitioner % clinic.practitioners.length]!;
  const startsAt = SLOTS[pick.slot % SLOTS.length]!;
  const uid = await bookOnline(cloud, { practitionerUid: practitioner.uid, roomUid: practitioner.roomUid, specialtyUid: clinic.specialtyUid }, startsAt);
  if (uid === null) return false;
  ack(acked, uid, { startsAt, status: 'booked', by: 'online' });
  return true;
}
