import { describe, expect, it, vi } from 'vitest';
import type { Appointment } from '../../shared/appointments/appointments.contract';
import type { BoardAppointment } from '../../shared/board/board.contract';
import { createFakeTransport, deferred, fail } from '../test/fake-transport';
import { printDocument } from './print';
import { createPrintStore, type BoardDay } from './print.store';

const ZONE = 'Europe/Lisbon';
// 2026-03-29 is the spring DST change in Lisbon: an appointment's day is its day there.
const AT = (iso: string) => Date.parse(iso);

function appointment(over: Partial<Appointment> & Pick<Appointment, 'id'>): Appointment {
  return {
    patientId: 7,
    practitionerId: 1,
    roomId: 3,
    specialtyId: 2,
    startsAt: AT('2026-03-30T00:30:00+01:00'),
    endsAt: AT('2026-03-30T00:50:00+01:00'),
    status: 'booked',
    statusChangedAt: 0,
    isWalkIn: false,
    cancelReason: '',
    notes: '',
    priceCents: 0,
    code: 'K7P2QX',
    seriesId: null,
    seriesIndex: null,
    ...over,
  };
}

function boardRow(over: Partial<BoardAppointment> & Pick<BoardAppointment, 'id'>): BoardAppointment {
  return {
    patientId: 7,
    patientName: 'Leonor Barbosa',
    patientPreferredName: '',
    patientPhone: '',
    practitionerId: 1,
    roomId: 3,
    roomName: 'Sala 3',
    specialtyId: 2,
    specialtyNameEn: 'Physiotherapy',
    specialtyNamePt: 'Fisioterapia',
    startsAt: 0,
    endsAt: 0,
    status: 'booked',
    statusChangedAt: 0,
    isWalkIn: false,
    priceCents: 0,
    seriesIndex: null,
    ...over,
  };
}

const board = (day: string, rows: BoardAppointment[]): BoardDay => ({
  day,
  timeZone: ZONE,
  practitioners: [{ id: 1, fullName: 'Dr. Ana Ribeiro', color: '#000' }],
  appointments: rows,
  scheduleProblems: [],
});

describe('print store', () => {
  it("opens a slip with the appointment's code and its day's names, reading the day on the clinic's clock", async () => {
    const fake = createFakeTransport({
      'appointments.get': () => appointment({ id: 5 }),
      'board.day': ({ day }) => board(day, [boardRow({ id: 5 })]),
    });
    const store = createPrintStore(fake.transport, { zone: () => ZONE });
    await store.getState().openSlip(5);
    // 00:30 on the 30th in Lisbon (summer time since the night before) is still the 29th in UTC.
    expect(fake.callsOf('board.day').map((call) => call.input)).toEqual([{ day: '2026-03-30', practitionerId: 1 }]);
    expect(store.getState().document).toMatchObject({
      kind: 'slip',
      patientName: 'Leonor Barbosa',
      practitionerName: 'Dr. Ana Ribeiro',
      roomName: 'Sala 3',
      appointment: { code: 'K7P2QX' },
    });
  });

  it('lists only what is still to come, in order, with names', async () => {
    const now = AT('2026-06-15T10:00:00Z');
    const fake = createFakeTransport({
      'appointments.listForPatient': () => [
        appointment({ id: 1, startsAt: now + 86_400_000 * 7, endsAt: now + 86_400_000 * 7 + 1_200_000 }),
        appointment({ id: 2, startsAt: now - 3_600_000, endsAt: now - 1_800_000 }),
        appointment({ id: 3, startsAt: now + 3_600_000, endsAt: now + 4_800_000, roomId: null }),
        appointment({ id: 4, startsAt: now + 7_200_000, endsAt: now + 8_400_000, status: 'cancelled' }),
        // Running now: still on the list.
        appointment({ id: 5, startsAt: now - 600_000, endsAt: now + 600_000, status: 'in_consultation' }),
      ],
      'practitioners.list': () => [
        { id: 1, fullName: 'Dr. Ana Ribeiro', specialtyIds: [2], defaultRoomId: 3, descriptionEn: '', descriptionPt: '', color: '#000', isActive: true },
      ],
      'specialties.list': () => [{ id: 2, nameEn: 'Physiotherapy', namePt: 'Fisioterapia' } as never],
      'rooms.list': () => [{ id: 3, name: 'Sala 3', isActive: true }],
    });
    const store = createPrintStore(fake.transport, { zone: () => ZONE, now: () => now });
    await store.getState().openUpcoming({ id: 7, fullName: 'Leonor Barbosa' });
    const document = store.getState().document;
    expect(document?.kind).toBe('upcoming');
    if (document?.kind !== 'upcoming') return;
    expect(document.rows.map((row) => row.id)).toEqual([5, 3, 1]);
    expect(document.rows[1]).toMatchObject({ practitionerName: 'Dr. Ana Ribeiro', specialtyNamePt: 'Fisioterapia', roomName: null });
  });

  it('opens only the newest document asked for, keeps a failure to show, and narrows the day list', async () => {
    const slow = deferred<BoardDay>();
    const fake = createFakeTransport({ 'board.day': ({ day }) => (day === '2026-06-15' ? slow.promise : board(day, [])) });
    const store = createPrintStore(fake.transport, { zone: () => ZONE });
    const first = store.getState().openDayList('2026-06-15');
    await store.getState().openDayList('2026-06-16', 1);
    slow.resolve(board('2026-06-15', []));
    await first;
    expect(store.getState().document).toMatchObject({ kind: 'dayList', board: { day: '2026-06-16' }, practitionerId: 1 });
    store.getState().showPractitioner(null);
    expect(store.getState().document).toMatchObject({ practitionerId: null });

    const failing = createPrintStore(createFakeTransport({ 'appointments.get': () => fail('NOT_FOUND') }).transport, { zone: () => ZONE });
    await failing.getState().openSlip(9);
    expect(failing.getState()).toMatchObject({ document: null, isLoading: false, error: { code: 'NOT_FOUND' } });
    store.getState().close();
    expect(store.getState().document).toBeNull();
  });
});

describe('printDocument', () => {
  it("hands the request to the app's shell when there is one", async () => {
    const print = vi.fn(async () => ({ outcome: 'saved' as const, fileName: 'Slip.pdf' }));
    const host = { frontDesk: { invoke: vi.fn(), on: vi.fn(), print }, print: vi.fn(), document: { title: 'Front Desk' } };
    await expect(printDocument({ action: 'pdf', title: 'Slip', paper: 'a4' }, host as never)).resolves.toEqual({ outcome: 'saved', fileName: 'Slip.pdf' });
    expect(print).toHaveBeenCalledWith({ action: 'pdf', title: 'Slip', paper: 'a4' });
    expect(host.print).not.toHaveBeenCalled();
  });

  it("uses the browser's print dialog otherwise, titled for the PDF file it may save, then puts the title back", async () => {
    const titles: string[] = [];
    const host = { document: { title: 'Front Desk' }, print: vi.fn(() => titles.push(host.document.title)) };
    await expect(printDocument({ action: 'pdf', title: 'Day list 2026-06-15', paper: 'a4' }, host as never)).resolves.toEqual({ outcome: 'printed' });
    expect(titles).toEqual(['Day list 2026-06-15']);
    expect(host.document.title).toBe('Front Desk');
  });
});
