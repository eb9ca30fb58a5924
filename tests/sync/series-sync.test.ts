import { describe, expect, it } from 'vitest';
import { replay } from '../../cloud/cloud-client';
import { seedPractice } from './sync-fixtures';
import { twoDesksOnOneCloud } from './two-desks';

/** A series booked on one desk is one series on every desk: its sessions keep their series id and number through the cloud. */
describe('a series of appointments between two desks', () => {
  const world = twoDesksOnOneCloud();

  it('arrives on desk B with its series id, and B can cancel from a session on', async () => {
    const { cloud, a, b } = world;
    const practice = await seedPractice(a, 2);
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    const plan = await a.ok(a.reception, 'series.plan', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      practitionerId: practice.ana,
      firstDay: '2030-01-07',
      time: '10:00',
      repeat: { kind: 'weekly', weekdays: [1, 3] },
      count: 4,
    });
    const booked = await a.ok(a.reception, 'series.book', {
      patientId: practice.patients[0]!,
      specialtyId: practice.general,
      sessions: plan.sessions.map((s) => ({ practitionerId: s.practitionerId, startsAt: s.startsAt })),
    });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0, conflicts: 0 });

    // The cloud holds and returns the series on each session.
    const rows = replay((await cloud.desk.pullAll()).changes);
    const onCloud = booked.appointments.map(
      (s) => rows.get(`appointment:${a.uidOf('appointments', s.id)}`)!.data as { seriesId?: string; seriesIndex?: number },
    );
    expect(onCloud.map((data) => [data.seriesId, data.seriesIndex])).toEqual(booked.appointments.map((s) => [booked.seriesId, s.seriesIndex]));

    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    await b.sync();
    const patientOnB = b.localId('patients', a.uidOf('patients', practice.patients[0]!));
    const [series] = await b.ok(b.reception, 'series.listForPatient', { patientId: patientOnB });
    expect(series).toMatchObject({ seriesId: booked.seriesId, total: 4, done: 0 });
    expect(series!.sessions.map((s) => [s.seriesIndex, s.startsAt])).toEqual(booked.appointments.map((s) => [s.seriesIndex, s.startsAt]));

    // B cancels the last two; A sees them cancelled, still in the series.
    await b.ok(b.reception, 'series.cancelFrom', { appointmentId: series!.sessions[2]!.id, reason: 'Course stopped' });
    await b.sync();
    await a.sync();
    const onA = await a.ok(a.reception, 'series.get', { seriesId: booked.seriesId });
    expect(onA.sessions.map((s) => s.status)).toEqual(['booked', 'booked', 'cancelled', 'cancelled']);
    expect(b.appointments()).toEqual(a.appointments());
  });
});
