import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { CloudClient } from '../../cloud/cloud-client';
import { PUSH_BATCH_MAX, type EntityData, type Mutation, type SyncEntity } from '../../shared/sync/cloud-api';

/**
 * A clinic in use, put straight into the cloud (pushes of 500, as a desk would send them):
 * what a new desk joining downloads. Plain data builders, no test runner, so the
 * benchmark uses it too.
 */

export interface BusyClinic {
  practitionerUids: string[];
  patientUids: string[];
  appointmentUids: string[];
  /** Appointments per day, by ISO day (YYYY-MM-DD). */
  perDay: Map<string, number>;
}

export interface BusyClinicOptions {
  patients: number;
  appointments: number;
  /** A Monday (YYYY-MM-DD): bookings fill it and the four days after, 08:00 to 18:00 in 20-minute slots. */
  firstDay: string;
  timeZone: string;
  practitioners?: number;
}

const upsert = <E extends SyncEntity>(entity: E, uid: string, data: EntityData<E>): Mutation => ({
  mutationId: randomUUID(),
  entity,
  uid,
  op: 'upsert',
  baseVersion: null,
  data: data as Record<string, unknown>,
});

export async function seedBusyClinic(client: CloudClient, options: BusyClinicOptions): Promise<BusyClinic> {
  const practitionerCount = options.practitioners ?? 6;
  const slotsPerDay = 30;
  if (options.appointments > practitionerCount * slotsPerDay * 5) throw new Error('more appointments than a week of slots');
  const specialtyUid = randomUUID();
  const practitionerUids = Array.from({ length: practitionerCount }, () => randomUUID());
  const patientUids = Array.from({ length: options.patients }, () => randomUUID());
  const mutations: Mutation[] = [
    upsert('specialty', specialtyUid, {
      nameEn: 'General practice',
      namePt: 'Clínica geral',
      durationMinutes: 20,
      priceCents: 4000,
      ticketPrefix: 'G',
      isActive: true,
    }),
    ...practitionerUids.map((uid, index) =>
      upsert('practitioner', uid, {
        fullName: `Practitioner ${index + 1}`,
        descriptionEn: '',
        descriptionPt: '',
        defaultRoomUid: null,
        isActive: true,
        specialtyUids: [specialtyUid],
        workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: 480, endMinute: 1080 })),
        timeOff: [],
      }),
    ),
    ...patientUids.map((uid, index) =>
      upsert('patient', uid, {
        fullName: `Patient ${String(index + 1).padStart(4, '0')} Joined`,
        preferredName: '',
        dateOfBirth: '1980-01-01',
        sex: 'unknown',
        phone: `+351 91 ${String(1_000_000 + index).slice(1, 4)} ${String(1_000_000 + index).slice(4)}`,
        email: '',
        taxId: '',
        address: '',
        preferredLanguage: 'pt',
        notes: '',
      }),
    ),
  ];
  const monday = DateTime.fromISO(options.firstDay, { zone: options.timeZone });
  const appointmentUids: string[] = [];
  const perDay = new Map<string, number>();
  for (let i = 0; i < options.appointments; i++) {
    const practitioner = i % practitionerCount;
    const slot = Math.floor(i / practitionerCount);
    const day = monday.plus({ days: Math.floor(slot / slotsPerDay) });
    const startsAt = day
      .set({ hour: 8 })
      .plus({ minutes: (slot % slotsPerDay) * 20 })
      .toMillis();
    const uid = randomUUID();
    appointmentUids.push(uid);
    perDay.set(day.toISODate()!, (perDay.get(day.toISODate()!) ?? 0) + 1);
    mutations.push(
      upsert('appointment', uid, {
        patientUid: patientUids[i % patientUids.length]!,
        practitionerUid: practitionerUids[practitioner]!,
        roomUid: null,
        specialtyUid,
        startsAt,
        endsAt: startsAt + 20 * 60_000,
        status: 'booked',
        cancelReason: '',
        notes: '',
        priceCents: 4000,
        isWalkIn: false,
        origin: 'desk-1',
      }),
    );
  }
  // In order: a batch's references are to rows pushed before it or in it.
  for (let start = 0; start < mutations.length; start += PUSH_BATCH_MAX) {
    const { results } = await client.push('seed', mutations.slice(start, start + PUSH_BATCH_MAX));
    const refused = results.filter((result) => result.status !== 'applied');
    if (refused.length > 0) throw new Error(`seeding the busy clinic failed: ${JSON.stringify(refused.slice(0, 3))}`);
  }
  return { practitionerUids, patientUids, appointmentUids, perDay };
}
