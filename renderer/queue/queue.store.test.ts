import { describe, expect, it } from 'vitest';
import type { QueueEntryView } from '../../shared/queue/queue.contract';
import type { CheckInResult } from '../../shared/checkin/checkin.contract';
import { createI18n } from '../i18n/i18n';
import { createFakeTransport, fail, flush } from '../test/fake-transport';
import { RpcError, fieldIssues } from '../transport/rpc-error';
import { entriesOf, laneOfEntry, createQueueStore } from './queue.store';
import { checkInErrorText, waitText } from './queue-text';

const DAY = '2030-01-07';
const t = createI18n('en').t;
const pt = createI18n('pt').t;

function entry(over: Partial<QueueEntryView> & Pick<QueueEntryView, 'appointmentId'>): QueueEntryView {
  return {
    ticket: `M-00${over.appointmentId}`,
    patientId: 100 + over.appointmentId,
    patientName: `Patient ${over.appointmentId}`,
    patientPreferredName: '',
    practitionerId: 5,
    practitionerName: 'Dr. Sousa',
    roomId: 2,
    roomName: 'Sala 2',
    specialtyId: 1,
    status: 'checked_in',
    startsAt: 1_000,
    arrivedAt: 900,
    calledAt: null,
    isWalkIn: false,
    isLate: false,
    estimatedWaitMinutes: 10,
    expectedStartAt: 2_000,
    movedReason: null,
    ...over,
  };
}

const checkedIn: CheckInResult = {
  appointmentId: 3,
  ticket: 'M-007',
  roomName: 'Sala 2',
  practitionerName: 'Dr. Sousa',
  estimatedWaitMinutes: 12,
  expectedStartAt: 5_000,
};

function setup(entries: QueueEntryView[] = []) {
  const fake = createFakeTransport({
    'queue.list': ({ practitionerId }) => ({ entries: entries.filter((e) => !practitionerId || e.practitionerId === practitionerId) }),
    'board.day': ({ day }) => ({
      day,
      timeZone: 'Europe/Lisbon',
      practitioners: [
        { id: 5, fullName: 'Dr. Sousa', color: '#0b6e69' },
        { id: 6, fullName: 'Dr.ª Ribeiro', color: '#175cd3' },
      ],
      appointments: [],
      scheduleProblems: [],
    }),
    'checkin.checkIn': ({ appointmentId }) => ({ ...checkedIn, appointmentId }),
  });
  const store = createQueueStore(
    fake.transport,
    () => DAY,
    () => 42,
  );
  return { fake, store };
}

describe('queue store: check-in', () => {
  it('checks in, keeps the ticket it issued and refetches the queue on screen', async () => {
    const { fake, store } = setup();
    const issued = await store.getState().checkIn(3, 103);
    expect(fake.callsOf('checkin.checkIn')).toEqual([{ method: 'checkin.checkIn', input: { appointmentId: 3 } }]);
    expect(issued).toMatchObject({ ticket: 'M-007', patientId: 103, issuedAt: 42 });
    expect(store.getState().issued[3]?.ticket).toBe('M-007');
    // Nobody is looking at the queue yet: no refetch.
    expect(fake.callsOf('queue.list')).toHaveLength(0);

    store.getState().setScope(null);
    await flush();
    await store.getState().checkIn(4);
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(2);
  });

  it('passes a refused check-in on as a typed error, and says why in the desk’s words', async () => {
    const { fake, store } = setup();
    fake.handlers['checkin.checkIn'] = () => fail('INVALID_TRANSITION', { status: 'checked_in' });
    const error = await store
      .getState()
      .checkIn(3)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RpcError);
    expect((error as RpcError).code).toBe('INVALID_TRANSITION');
    expect(store.getState().issued[3]).toBeUndefined();
    expect(checkInErrorText(t, error as RpcError, 'en')).toBe('This appointment can no longer be checked in: it is already checked in, or it was cancelled.');
    expect(checkInErrorText(pt, error as RpcError, 'pt')).toMatch(/^Já não é possível registar a chegada/);
    // Anything else falls back to the translation by code.
    expect(checkInErrorText(t, new RpcError('NOT_FOUND', 'gone'), 'en')).toBe(t('errors.NOT_FOUND'));
    expect(checkInErrorText(t, new RpcError('INTERNAL', 'x', { offline: true }), 'en')).toBe(t('errors.offline'));
    // A holiday is named in the desk's language (the server sends both names).
    const closed = new RpcError('CLINIC_CLOSED', 'closed', { day: '2030-12-25', nameEn: 'Christmas Day', namePt: 'Natal' });
    expect(checkInErrorText(pt, closed, 'pt')).toContain('Natal');
    expect(checkInErrorText(t, closed, 'en')).toContain('Christmas Day');
  });

  it('walks in and remembers the walk-in for the Book view', async () => {
    const { fake, store } = setup();
    fake.handlers['checkin.walkIn'] = (input) => ({
      ...checkedIn,
      appointmentId: 9,
      ticket: 'F-001',
      practitionerName: input.practitionerId ? 'Dr.ª Ribeiro' : 'Dr. Sousa',
    });
    const issued = await store.getState().walkIn({ patientId: 77, specialtyId: 2, practitionerId: 6 });
    expect(fake.callsOf('checkin.walkIn')[0]?.input).toEqual({ patientId: 77, specialtyId: 2, practitionerId: 6 });
    expect(issued.practitionerName).toBe('Dr.ª Ribeiro');
    expect(store.getState().lastWalkIn).toMatchObject({ ticket: 'F-001', patientId: 77 });
    store.getState().clearLastWalkIn();
    expect(store.getState().lastWalkIn).toBeNull();
  });
});

describe('queue store: loading and live updates', () => {
  it('loads today’s queues with who works today, adding anyone queued but not on the board', async () => {
    const { store } = setup([entry({ appointmentId: 1 }), entry({ appointmentId: 2, practitionerId: 9, practitionerName: 'Dr. Cover' })]);
    store.getState().setScope(null);
    await flush();
    expect(store.getState().status).toBe('ready');
    expect(store.getState().practitioners.map((p) => p.id)).toEqual([5, 6, 9]);
    expect(store.getState().entries).toHaveLength(2);
  });

  it('still shows the queues when the day’s board cannot be read', async () => {
    const { fake, store } = setup([entry({ appointmentId: 1 })]);
    fake.handlers['board.day'] = () => fail('INTERNAL');
    store.getState().setScope(null);
    await flush();
    expect(store.getState().status).toBe('ready');
    expect(store.getState().practitioners).toEqual([{ id: 5, fullName: 'Dr. Sousa', color: '' }]);
  });

  it('refetches a doctor’s queue only when their practitioner’s queue changed', async () => {
    const { fake, store } = setup([entry({ appointmentId: 1 }), entry({ appointmentId: 2, practitionerId: 6 })]);
    const disconnect = store.getState().connect();
    // Before anything is on screen, events cost nothing.
    fake.emit('queue.changed', { practitionerIds: [5], appointmentIds: [1] });
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(0);

    store.getState().setScope(5);
    await flush();
    expect(fake.callsOf('queue.list').map((call) => call.input)).toEqual([{ practitionerId: 5, day: DAY }]);
    expect(store.getState().entries.map((e) => e.appointmentId)).toEqual([1]);

    fake.emit('queue.changed', { practitionerIds: [6], appointmentIds: [2] });
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(1);

    fake.emit('queue.changed', { practitionerIds: [6, 5], appointmentIds: [2] });
    expect(store.getState().status).toBe('ready');
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(2);

    fake.reconnect();
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(3);
    disconnect();
  });

  it('refetches the desk’s overview on any practitioner’s change', async () => {
    const { fake, store } = setup();
    const disconnect = store.getState().connect();
    store.getState().setScope(null);
    await flush();
    fake.emit('queue.changed', { practitionerIds: [6], appointmentIds: [2] });
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(2);
    disconnect();
    fake.emit('queue.changed', { practitionerIds: [6], appointmentIds: [2] });
    await flush();
    expect(fake.callsOf('queue.list')).toHaveLength(2);
  });
});

describe('queue store: actions', () => {
  it('calls the next patient with the room asked for, and shows the call at once', async () => {
    const { fake, store } = setup([entry({ appointmentId: 1 }), entry({ appointmentId: 2 })]);
    store.getState().setScope(null);
    await flush();
    let seenBusy = false;
    fake.handlers['queue.callNext'] = ({ practitionerId, roomId }) => {
      seenBusy = !!store.getState().busy[`call:${practitionerId}`];
      return { called: entry({ appointmentId: 1, status: 'called', roomId: roomId ?? 2, roomName: 'Sala 4', calledAt: 3_000, estimatedWaitMinutes: null }) };
    };
    // The refetch answers with the server's view; hold it to see the local update first.
    fake.handlers['queue.list'] = () => new Promise(() => {});
    const called = await store.getState().callNext(5, 4);
    expect(seenBusy).toBe(true);
    expect(store.getState().busy).toEqual({});
    expect(fake.callsOf('queue.callNext')[0]?.input).toEqual({ practitionerId: 5, roomId: 4 });
    expect(called?.roomName).toBe('Sala 4');
    const { current, waiting } = entriesOf(store.getState().entries, 5);
    expect(current.map((e) => e.appointmentId)).toEqual([1]);
    expect(waiting.map((e) => e.appointmentId)).toEqual([2]);
  });

  it('says nobody is waiting with a null call, and omits the room when none is chosen', async () => {
    const { fake, store } = setup();
    fake.handlers['queue.callNext'] = () => ({ called: null });
    await expect(store.getState().callNext(5)).resolves.toBeNull();
    expect(fake.callsOf('queue.callNext')[0]?.input).toEqual({ practitionerId: 5 });
  });

  it('refuses a move without a reason before calling anyone', async () => {
    const { fake, store } = setup([entry({ appointmentId: 1 }), entry({ appointmentId: 2 })]);
    fake.handlers['queue.move'] = ({ appointmentId }) => ({
      entries: [entry({ appointmentId, movedReason: 'needs an X-ray first' }), entry({ appointmentId: 1 })],
    });
    for (const reason of ['', '   ', 'ab']) {
      const error = await store
        .getState()
        .move(2, -1, reason)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RpcError);
      expect((error as RpcError).code).toBe('VALIDATION');
      expect(fieldIssues(error as RpcError).map((issue) => issue.path)).toEqual(['reason']);
    }
    expect(fake.callsOf('queue.move')).toHaveLength(0);

    await store.getState().move(2, -1, '  needs an X-ray first ');
    expect(fake.callsOf('queue.move')[0]?.input).toEqual({ appointmentId: 2, places: -1, reason: 'needs an X-ray first' });
    expect(store.getState().entries.map((e) => e.appointmentId)).toEqual([2, 1]);
    expect(store.getState().entries[0]?.movedReason).toBe('needs an X-ray first');
  });

  it('takes finished and left-unseen patients out of the queue, and keeps the list on failure', async () => {
    const { fake, store } = setup([entry({ appointmentId: 1, status: 'in_consultation' }), entry({ appointmentId: 2 })]);
    store.getState().setScope(null);
    await flush();
    fake.handlers['queue.list'] = () => new Promise(() => {});
    fake.handlers['queue.finish'] = ({ appointmentId }) => entry({ appointmentId, status: 'done' });
    await store.getState().finish(1);
    expect(store.getState().entries.map((e) => e.appointmentId)).toEqual([2]);

    fake.handlers['queue.leftUnseen'] = () => fail('INVALID_TRANSITION');
    await expect(store.getState().leftUnseen(2, 'could not wait')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(store.getState().entries.map((e) => e.appointmentId)).toEqual([2]);
    expect(store.getState().busy).toEqual({});
    fake.handlers['queue.leftUnseen'] = ({ appointmentId }) => entry({ appointmentId, status: 'left_unseen' });
    await store.getState().leftUnseen(2);
    expect(fake.callsOf('queue.leftUnseen').at(-1)?.input).toEqual({ appointmentId: 2, reason: '' });
    expect(store.getState().entries).toEqual([]);
  });
});

describe('queue words', () => {
  it('names the lane and says the wait as a patient would hear it', () => {
    expect(laneOfEntry({ isWalkIn: true, isLate: false })).toBe('walkIn');
    expect(laneOfEntry({ isWalkIn: false, isLate: true })).toBe('late');
    expect(laneOfEntry({ isWalkIn: false, isLate: false })).toBe('onTime');
    expect(waitText(t, 0)).toBe('next');
    expect(waitText(t, 12)).toBe('about 12 min');
    expect(waitText(t, 75)).toBe('about 1 h 15 min');
    expect(waitText(pt, 12)).toBe('cerca de 12 min');
    expect(waitText(t, null)).toBe('');
  });
});
