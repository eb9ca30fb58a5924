import { describe, expect, it } from 'vitest';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { Slot } from '../../shared/schedule/schedule.contract';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import { createFakeTransport, fail, flush } from '../test/fake-transport';
import { createBookingStore, patientClashDetails, slotTakenDetails } from './booking.store';

const day = '2030-03-04';
const at = (hh: number, mm = 0) => Date.UTC(2030, 2, 4, hh, mm);
const slot = (practitionerId: number, hh: number, mm = 0): Slot => ({ practitionerId, roomId: 1, startsAt: at(hh, mm), endsAt: at(hh, mm + 20) });
const patient: PatientSummary = { id: 7, fullName: 'Rosa Lima', preferredName: '', dateOfBirth: '1970-05-05', phone: '', taxId: '', email: '' };
const booked = (s: Slot): Appointment => ({
  id: 50,
  patientId: 7,
  practitionerId: s.practitionerId,
  roomId: s.roomId,
  specialtyId: 3,
  startsAt: s.startsAt,
  endsAt: s.endsAt,
  status: 'booked',
  statusChangedAt: 0,
  isWalkIn: false,
  cancelReason: '',
  notes: '',
  priceCents: 4500,
  code: 'K7M2QX',
  seriesId: null,
  seriesIndex: null,
});

describe('booking store', () => {
  it('books the selected slot with the chosen patient and specialty', async () => {
    const fake = createFakeTransport({
      'schedule.freeSlots': () => ({ slots: [slot(1, 9), slot(1, 10)] }),
      'appointments.book': (input) =>
        booked({ practitionerId: input.practitionerId, roomId: input.roomId ?? null, startsAt: input.startsAt, endsAt: input.startsAt + 1_200_000 }),
    });
    const store = createBookingStore(fake.transport, () => day);
    store.getState().setSpecialty(3);
    await flush();
    store.getState().setPatient(patient);
    store.getState().selectSlot(slot(1, 10));
    const result = await store.getState().book();
    expect(result?.startsAt).toBe(at(10));
    expect(fake.callsOf('appointments.book')[0]?.input).toEqual({
      patientId: 7,
      specialtyId: 3,
      practitionerId: 1,
      startsAt: at(10),
      roomId: 1,
      notes: '',
      combinedVisit: false,
    });
    expect(store.getState().lastBooked?.id).toBe(50);
  });

  it('keeps a SLOT_TAKEN answer with its clash and the next free slots', async () => {
    const clash = { kind: 'practitioner', appointmentId: 9, startsAt: at(10), endsAt: at(10, 20) };
    const fake = createFakeTransport({
      'schedule.freeSlots': () => ({ slots: [slot(1, 10)] }),
      'appointments.book': () => fail('SLOT_TAKEN', { clash, nextFree: [slot(1, 11), slot(2, 10)] }),
    });
    const store = createBookingStore(fake.transport, () => day);
    store.getState().setSpecialty(3);
    await flush();
    store.getState().setPatient(patient);
    expect(await store.getState().book(slot(1, 10))).toBeNull();
    const details = slotTakenDetails(store.getState().bookingError);
    expect(details?.clash).toEqual(clash);
    expect(details?.nextFree.map((s) => s.practitionerId)).toEqual([1, 2]);
    expect(store.getState().isBooking).toBe(false);
  });

  it('says so when the chosen time disappears on a refresh', async () => {
    let slots = [slot(1, 9), slot(1, 10)];
    const fake = createFakeTransport({ 'schedule.freeSlots': () => ({ slots }) });
    const store = createBookingStore(fake.transport, () => day);
    const disconnect = store.getState().connect();
    store.getState().setSpecialty(3);
    await flush();
    store.getState().selectSlot(slot(1, 10));
    slots = [slot(1, 9)];
    fake.emit('appointments.changed', { appointmentIds: [1], days: [day] });
    await flush();
    expect(store.getState().selectedSlot).toBeNull();
    expect(store.getState().lostSlot?.startsAt).toBe(at(10));
    disconnect();
  });

  it('ignores changes on other days', async () => {
    const fake = createFakeTransport({ 'schedule.freeSlots': () => ({ slots: [] }) });
    const store = createBookingStore(fake.transport, () => day);
    const disconnect = store.getState().connect();
    store.getState().setSpecialty(3);
    await flush();
    fake.emit('appointments.changed', { appointmentIds: [1], days: ['2030-03-05'] });
    await flush();
    expect(fake.callsOf('schedule.freeSlots')).toHaveLength(1);
    disconnect();
  });

  it('does not ask for slots before a specialty is chosen, and asks for the chosen practitioner only', async () => {
    const fake = createFakeTransport({ 'schedule.freeSlots': () => ({ slots: [] }) });
    const store = createBookingStore(fake.transport, () => day);
    store.getState().setDay('2030-03-06');
    await flush();
    expect(fake.calls).toHaveLength(0);
    store.getState().setSpecialty(3);
    store.getState().setPractitioner(4);
    await flush();
    expect(fake.callsOf('schedule.freeSlots').at(-1)?.input).toEqual({ specialtyId: 3, day: '2030-03-06', practitionerId: 4 });
  });

  it('keeps a PATIENT_ALREADY_BOOKED answer, and books the same time again as a combined visit when asked', async () => {
    const clash = { appointmentId: 9, startsAt: at(10), endsAt: at(10, 30), practitionerId: 2, practitionerName: 'Bruno Borges' };
    let attempts = 0;
    const fake = createFakeTransport({
      'schedule.freeSlots': () => ({ slots: [slot(1, 10)] }),
      'appointments.book': (input) =>
        attempts++ === 0
          ? fail('PATIENT_ALREADY_BOOKED', { clash })
          : booked({ practitionerId: input.practitionerId, roomId: 1, startsAt: input.startsAt, endsAt: at(10, 20) }),
    });
    const store = createBookingStore(fake.transport, () => day);
    store.getState().setSpecialty(3);
    await flush();
    store.getState().setPatient(patient);
    expect(await store.getState().book(slot(1, 10))).toBeNull();
    expect(patientClashDetails(store.getState().bookingError)).toEqual({ clash });
    expect(store.getState().attemptedSlot).toEqual(slot(1, 10));
    const again = await store.getState().book(store.getState().attemptedSlot!, { combinedVisit: true });
    expect(again?.id).toBe(50);
    expect(fake.callsOf('appointments.book').map((call) => (call.input as { combinedVisit: boolean }).combinedVisit)).toEqual([false, true]);
  });
});
