import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { replay } from '../../cloud/cloud-client';
import { at, seedPractice, startSyncDesk, type Clock, type Practice, type SyncDesk } from './sync-fixtures';

describe('sync between a desk, the cloud and another desk', () => {
  let cloud: TestCloud;
  let clock: Clock;
  let a: SyncDesk;
  let b: SyncDesk;
  let practice: Practice;

  beforeEach(async () => {
    cloud = await startTestCloud({ servers: 2 });
    clock = { now: at('2030-01-07T08:00') };
    a = await startSyncDesk({ name: 'a', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    b = await startSyncDesk({ name: 'b', clock, cloudUrl: cloud.server.url, token: DESK_TOKEN });
    practice = await seedPractice(a);
  });
  afterEach(async () => {
    await a.close();
    await b.close();
    await cloud.close();
  });

  it('uploads the clinic when sync is turned on, and the other desk receives it', async () => {
    expect(await a.sync()).toMatchObject({ enabled: false, connection: 'off' });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    const pending = (await a.ok(a.reception, 'sync.status', {})).pending;
    // The clinic's settings, its specialty, rooms, practitioners, two accounts and six patients.
    expect(pending).toBe(1 + 1 + 2 + 2 + 2 + 6);
    expect(await a.sync()).toMatchObject({ enabled: true, connection: 'online', pending: 0, problems: 0, conflicts: 0 });

    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0 });
    const names = b.desk.database.sqlite.prepare('SELECT full_name FROM practitioners ORDER BY full_name').all();
    expect(names).toEqual([{ full_name: 'Ana Almeida' }, { full_name: 'Bruno Borges' }]);
    const hours = b.desk.database.sqlite.prepare('SELECT count(*) AS n FROM working_hours').get();
    expect(hours).toEqual({ n: 24 });

    // A booking at B reaches A through the cloud.
    const anaAtB = b.localId('practitioners', a.uidOf('practitioners', practice.ana));
    const patientAtB = b.localId('patients', a.uidOf('patients', practice.patients[0]!));
    const specialtyAtB = b.localId('specialties', a.uidOf('specialties', practice.general));
    const booked = await b.ok(b.reception, 'appointments.book', {
      patientId: patientAtB,
      specialtyId: specialtyAtB,
      practitionerId: anaAtB,
      startsAt: at('2030-01-07T10:00'),
    });
    await b.sync();
    await a.sync();
    expect(a.appointments()).toEqual(b.appointments());
    expect(a.appointments()).toHaveLength(1);
    expect(a.appointments()[0]!.uid).toBe(b.uidOf('appointments', booked.id));
    // Nothing echoed back: A's outbox is empty after applying B's booking.
    expect((await a.ok(a.reception, 'sync.status', {})).pending).toBe(0);
  });

  it('flags a desk booking the cloud refused because the slot was taken online, and resolves it', async () => {
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    await a.sync();
    const clinic = replay((await cloud.portal.pullAll()).changes);
    expect(clinic.size).toBeGreaterThan(0);

    // Offline at the desk: a booking at 10:00 with Ana. Meanwhile online: the same slot.
    const local = await a.ok(a.reception, 'appointments.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      startsAt: at('2030-01-07T10:00'),
    });
    const onlinePatient = randomUUID();
    const onlineAppointment = randomUUID();
    const { results } = await cloud.portal.push('portal', [
      {
        mutationId: randomUUID(),
        entity: 'patient',
        uid: onlinePatient,
        op: 'upsert',
        baseVersion: null,
        data: {
          fullName: 'Online Person',
          preferredName: '',
          dateOfBirth: '1990-05-05',
          sex: 'female',
          phone: '+351 93 111 2222',
          email: '',
          taxId: '',
          address: '',
          preferredLanguage: 'en',
          notes: '',
        },
      },
      {
        mutationId: randomUUID(),
        entity: 'appointment',
        uid: onlineAppointment,
        op: 'upsert',
        baseVersion: null,
        data: {
          patientUid: onlinePatient,
          practitionerUid: a.uidOf('practitioners', practice.ana),
          roomUid: a.uidOf('rooms', practice.room1),
          specialtyUid: a.uidOf('specialties', practice.general),
          startsAt: at('2030-01-07T10:15'),
          endsAt: at('2030-01-07T10:45'),
          status: 'booked',
          cancelReason: '',
          notes: '',
          priceCents: 4000,
          isWalkIn: false,
          origin: 'online',
        },
      },
    ]);
    expect(results.map((r) => r.status)).toEqual(['applied', 'applied']);

    const status = await a.sync();
    expect(status).toMatchObject({ connection: 'online', pending: 0, conflicts: 1 });
    const issues = await a.ok(a.reception, 'sync.issues', {});
    expect(issues.conflicts).toEqual([
      // Both Ana and room 1 are taken then: the server names the practitioner, and says it was booked online.
      {
        appointmentId: local.id,
        clash: { kind: 'practitioner', startsAt: at('2030-01-07T10:15'), endsAt: at('2030-01-07T10:45'), appointmentId: null, takenBy: 'online' },
        refusedAt: clock.now,
      },
    ]);
    // The online booking waits: the refused local one still holds the slot here.
    expect(a.localId('appointments', onlineAppointment)).toBeNaN();

    // Staff move the refused booking to another time: it pushes, and the online one arrives.
    await a.ok(a.reception, 'appointments.reschedule', { id: local.id, startsAt: at('2030-01-07T11:00') });
    expect(await a.sync()).toMatchObject({ pending: 0, conflicts: 0, problems: 0 });
    expect(a.localId('appointments', onlineAppointment)).not.toBeNaN();
    const server = [...replay((await cloud.desk.pullAll()).changes).values()].filter((row) => row.entity === 'appointment');
    expect(server.map((row) => row.uid).sort()).toEqual(a.appointments().map((row) => row.uid));
    expect(await cloud.server.overlaps()).toEqual([]);
  });
});
