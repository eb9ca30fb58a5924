import { describe, expect, it } from 'vitest';
import type { PatientSummary } from '../../shared/patients/patients.contract';
import { createFakeTransport, deferred, flush } from '../test/fake-transport';
import { createPatientsStore } from './patients.store';

const person = (id: number, fullName: string): PatientSummary => ({
  id,
  fullName,
  preferredName: '',
  dateOfBirth: '1980-01-01',
  phone: '',
  taxId: '',
  email: '',
});

describe('patients store: search as you type', () => {
  it('ignores an older answer that arrives after a newer one', async () => {
    const answers = new Map<string, ReturnType<typeof deferred<{ results: PatientSummary[] }>>>();
    const fake = createFakeTransport({
      'patients.search': ({ query }) => {
        const answer = deferred<{ results: PatientSummary[] }>();
        answers.set(query, answer);
        return answer.promise;
      },
    });
    const store = createPatientsStore(fake.transport, { debounceMs: 0 });

    store.getState().setQuery('ma');
    store.getState().setQuery('mar');
    answers.get('mar')!.resolve({ results: [person(2, 'Maria')] });
    await flush();
    answers.get('ma')!.resolve({ results: [person(1, 'Manuel'), person(2, 'Maria')] });
    await flush();

    expect(store.getState().results.map((row) => row.fullName)).toEqual(['Maria']);
    expect(store.getState().resultsFor).toBe('mar');
    expect(store.getState().searchStatus).toBe('ready');
  });

  it('waits for a pause in typing before asking', async () => {
    const fake = createFakeTransport({ 'patients.search': () => ({ results: [] }) });
    const store = createPatientsStore(fake.transport, { debounceMs: 20 });
    for (const query of ['a', 'an', 'ana']) store.getState().setQuery(query);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(fake.callsOf('patients.search').map((call) => call.input)).toEqual([{ query: 'ana', limit: 20 }]);
  });

  it('clears without asking when the box is emptied, and drops a late answer', async () => {
    const answer = deferred<{ results: PatientSummary[] }>();
    const fake = createFakeTransport({ 'patients.search': () => answer.promise });
    const store = createPatientsStore(fake.transport, { debounceMs: 0 });
    store.getState().setQuery('jo');
    store.getState().setQuery('');
    answer.resolve({ results: [person(1, 'João')] });
    await flush();
    expect(store.getState().results).toEqual([]);
    expect(store.getState().searchStatus).toBe('idle');
    expect(fake.callsOf('patients.search')).toHaveLength(1);
  });

  it('moves the keyboard selection within the results', async () => {
    const fake = createFakeTransport({ 'patients.search': () => ({ results: [person(1, 'A'), person(2, 'B'), person(3, 'C')] }) });
    const store = createPatientsStore(fake.transport, { debounceMs: 0 });
    store.getState().setQuery('x');
    await flush();
    store.getState().moveActive(1);
    store.getState().moveActive(5);
    expect(store.getState().activeIndex).toBe(2);
    store.getState().moveActive(-10);
    expect(store.getState().activeIndex).toBe(0);
  });

  it('searches again when patients change elsewhere', async () => {
    const fake = createFakeTransport({ 'patients.search': () => ({ results: [] }) });
    const store = createPatientsStore(fake.transport, { debounceMs: 0 });
    const disconnect = store.getState().connect();
    store.getState().setQuery('ana');
    await flush();
    fake.emit('patients.changed', { patientIds: [9] });
    await flush();
    expect(fake.callsOf('patients.search')).toHaveLength(2);
    disconnect();
    fake.emit('patients.changed', { patientIds: [9] });
    await flush();
    expect(fake.callsOf('patients.search')).toHaveLength(2);
  });
});

describe('patients store: merging a duplicate', () => {
  it('offers other records only, merges, drops the duplicate from the results and shows the survivor', async () => {
    const outcome = { appointments: 2, consents: 0, faceEnrolment: 'none' as const, filledFields: ['email'] };
    const survivor = {
      ...person(1, 'Maria Antunes'),
      sex: 'female' as const,
      taxCountry: 'PT',
      address: '',
      preferredLanguage: 'pt' as const,
      notes: '',
      phoneIsPtMobile: false,
      phoneNeedsReview: false,
      mergedIntoId: null,
      createdAt: 0,
      updatedAt: 0,
    };
    const fake = createFakeTransport({
      'patients.search': () => ({ results: [person(1, 'Maria Antunes'), person(2, 'Maria A.')] }),
      'patients.merge': () => ({ patient: survivor, outcome }),
      'patients.get': () => survivor,
      'appointments.listForPatient': () => [],
    });
    const store = createPatientsStore(fake.transport, { debounceMs: 0 });
    expect((await store.getState().findMergeCandidates('maria', 1)).map((row) => row.id)).toEqual([2]);
    store.getState().setQuery('maria');
    await flush();
    expect(store.getState().results).toHaveLength(2);

    expect(await store.getState().merge(1, 2)).toEqual(outcome);
    expect(fake.callsOf('patients.merge')[0]?.input).toEqual({ survivorId: 1, duplicateId: 2 });
    expect(store.getState().results.map((row) => row.id)).toEqual([1]);
    expect(store.getState().detail?.id).toBe(1);
  });
});
