import { describe, expect, it } from 'vitest';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import type { BoardAppointment } from '../../shared/board/board.contract';
import { createFakeTransport, deferred, fail, flush } from '../test/fake-transport';
import { createBoardStore, type BoardDay } from './board.store';

const boardFor = (day: string): BoardDay => ({ day, timeZone: 'Europe/Lisbon', practitioners: [], appointments: [], scheduleProblems: [] });

describe('board store', () => {
  it('shows the newest day asked for, even if an older answer is slower', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<BoardDay>>>();
    const fake = createFakeTransport({
      'board.day': ({ day }) => {
        const answer = deferred<BoardDay>();
        answers.set(day, answer);
        return answer.promise;
      },
    });
    const store = createBoardStore(fake.transport, () => '2030-01-01');
    store.getState().setDay('2030-01-02');
    store.getState().setDay('2030-01-03');
    answers.get('2030-01-03')!.resolve(boardFor('2030-01-03'));
    await flush();
    answers.get('2030-01-02')!.resolve(boardFor('2030-01-02'));
    await flush();
    expect(store.getState().board?.day).toBe('2030-01-03');
  });

  it('refetches quietly when that day’s appointments change, and only then', async () => {
    const fake = createFakeTransport({ 'board.day': ({ day }) => boardFor(day) });
    const store = createBoardStore(fake.transport, () => '2030-01-01');
    const disconnect = store.getState().connect();
    store.getState().setDay('2030-01-01');
    await flush();
    fake.emit('appointments.changed', { appointmentIds: [3], days: ['2030-01-02'] });
    await flush();
    expect(fake.callsOf('board.day')).toHaveLength(1);
    fake.emit('appointments.changed', { appointmentIds: [3], days: ['2030-01-01'] });
    expect(store.getState().status).toBe('ready');
    await flush();
    expect(fake.callsOf('board.day')).toHaveLength(2);
    fake.reconnect();
    await flush();
    expect(fake.callsOf('board.day')).toHaveLength(3);
    disconnect();
  });

  it('shows today’s tickets, and works without them when the queue cannot be read', async () => {
    const waiting = { appointmentId: 3, ticket: 'M-007', estimatedWaitMinutes: 12, expectedStartAt: 5_000, isLate: true } as QueueEntryView;
    const fake = createFakeTransport({ 'board.day': ({ day }) => boardFor(day), 'queue.list': () => ({ entries: [waiting] }) });
    const store = createBoardStore(fake.transport, () => '2030-01-01');
    store.getState().setDay('2030-01-01');
    await flush();
    expect(store.getState().tickets).toEqual({ 3: { ticket: 'M-007', estimatedWaitMinutes: 12, expectedStartAt: 5_000, isLate: true } });

    // Another day has no tickets, and does not ask for them.
    store.getState().setDay('2030-01-02');
    await flush();
    expect(store.getState().tickets).toEqual({});
    expect(fake.callsOf('queue.list')).toHaveLength(1);

    fake.handlers['queue.list'] = () => fail('INTERNAL');
    store.getState().setDay('2030-01-01');
    await flush();
    expect(store.getState().status).toBe('ready');
    expect(store.getState().board?.day).toBe('2030-01-01');
    expect(store.getState().tickets).toEqual({});
  });

  it('shows a check-in on its card at once, and refetches on queue changes of what it shows', async () => {
    const card = { id: 3, practitionerId: 5, status: 'booked', statusChangedAt: 0 } as BoardAppointment;
    const fake = createFakeTransport({
      'board.day': ({ day }) => ({ ...boardFor(day), practitioners: [{ id: 5, fullName: 'Dr. Sousa', color: '#000000' }], appointments: [card] }),
      'queue.list': () => ({ entries: [] }),
    });
    const store = createBoardStore(fake.transport, () => '2030-01-01');
    const disconnect = store.getState().connect();
    store.getState().setDay('2030-01-01');
    await flush();
    store
      .getState()
      .noteCheckIn({ appointmentId: 3, ticket: 'M-008', roomName: null, practitionerName: 'Dr. Sousa', estimatedWaitMinutes: 4, expectedStartAt: 1 });
    expect(store.getState().board?.appointments[0]?.status).toBe('checked_in');
    expect(store.getState().tickets[3]?.ticket).toBe('M-008');

    fake.emit('queue.changed', { practitionerIds: [9], appointmentIds: [44] });
    await flush();
    expect(fake.callsOf('board.day')).toHaveLength(1);
    fake.emit('queue.changed', { practitionerIds: [5], appointmentIds: [3] });
    await flush();
    expect(fake.callsOf('board.day')).toHaveLength(2);
    expect(store.getState().board?.appointments[0]?.status).toBe('booked');
    disconnect();
  });

  it('keeps the keyboard selection', () => {
    const store = createBoardStore(createFakeTransport().transport, () => '2030-01-01');
    store.getState().select(7);
    expect(store.getState().selectedId).toBe(7);
    store.getState().select(null);
    expect(store.getState().selectedId).toBeNull();
  });
});
