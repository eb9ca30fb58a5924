import { describe, expect, it } from 'vitest';
import type { UnsettledAppointment } from '../../shared/schedule/schedule.contract';
import { createFakeTransport } from '../test/fake-transport';
import { createPracticeStore } from './practice.store';

const row = (appointmentId: number): UnsettledAppointment => ({
  appointmentId,
  practitionerId: 7,
  practitionerName: 'Dr.ª Ana Ribeiro',
  specialtyId: 1,
  specialtyNameEn: 'General practice',
  specialtyNamePt: 'Clínica geral',
  patientId: 100 + appointmentId,
  patientName: `Patient ${appointmentId}`,
  patientPhone: '+351 91 000 0000',
  patientLanguage: 'pt',
  startsAt: 1_000,
  endsAt: 2_000,
  status: 'booked',
  problem: 'time_off',
  nextFreeSame: { practitionerId: 7, practitionerName: 'Dr.ª Ana Ribeiro', roomId: 3, startsAt: 5_000, endsAt: 6_000 },
  nextFreeOther: null,
});

describe('practice store: appointments left to settle', () => {
  it('opens only when a change stranded someone, refreshes after each way out, and stays open to say all is settled', async () => {
    let left = [row(1), row(2), row(3)];
    const fake = createFakeTransport({
      'schedule.unsettled': () => ({ appointments: left }),
      'appointments.reschedule': ({ id }) => {
        left = left.filter((r) => r.appointmentId !== id);
        return {} as never;
      },
      'appointments.cancel': ({ id }) => {
        left = left.filter((r) => r.appointmentId !== id);
        return {} as never;
      },
      'schedule.keep': ({ appointmentId }) => {
        left = left.filter((r) => r.appointmentId !== appointmentId);
        return { ok: true };
      },
    });
    const store = createPracticeStore(fake.transport);

    const nothing = left;
    left = [];
    await store.getState().checkUnsettled(7);
    expect(store.getState().unsettled).toBe(null);
    left = nothing;

    await store.getState().checkUnsettled(7);
    expect(store.getState().unsettled?.appointments.map((r) => r.appointmentId)).toEqual([1, 2, 3]);

    await store.getState().moveUnsettled(row(1), row(1).nextFreeSame!);
    expect(fake.callsOf('appointments.reschedule').map((call) => call.input)).toEqual([{ id: 1, startsAt: 5_000, practitionerId: 7, roomId: 3 }]);
    await store.getState().cancelUnsettled(row(2), 'Away');
    expect(fake.callsOf('appointments.cancel').map((call) => call.input)).toEqual([{ id: 2, reason: 'Away' }]);
    await store.getState().keepUnsettled(row(3));
    expect(fake.callsOf('schedule.keep').map((call) => call.input)).toEqual([{ appointmentId: 3 }]);
    expect(store.getState().unsettled).toEqual({ practitionerId: 7, appointments: [] });

    store.getState().closeUnsettled();
    expect(store.getState().unsettled).toBe(null);
  });
});
