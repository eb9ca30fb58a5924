import { describe, expect, it } from 'vitest';
import { createFakeTransport, deferred, flush } from '../test/fake-transport';
import { createBoardStore, type BoardDay } from './board.store';

const boardFor = (day: string): BoardDay => ({ day, timeZone: 'Europe/Lisbon', practitioners: [], appointments: [] });

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
});
