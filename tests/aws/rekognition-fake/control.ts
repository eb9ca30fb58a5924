import { resetState, type FakeState } from './state';
import type { RekognitionFake } from './types';

/** What a test sees of the fake and how it steers it: its state, its request log, and failure injection. */
export function controls(state: FakeState): Omit<RekognitionFake, 'endpoint' | 'port' | 'close'> {
  const { collections } = state;
  return {
    collections: () => [...collections.keys()],
    faces: (collectionId) =>
      [...collections.values()]
        .filter((c) => collectionId === undefined || c.id === collectionId)
        .flatMap((c) => [...c.faces.values()].map(({ signature: _signature, ...face }) => ({ ...face }))),
    users: (collectionId) =>
      [...collections.values()]
        .filter((c) => collectionId === undefined || c.id === collectionId)
        .flatMap((c) => [...c.users.values()].map((u) => ({ collectionId: c.id, userId: u.userId, faceIds: [...u.faceIds] }))),
    requests: (operation) => state.log.filter((r) => operation === undefined || r.operation === operation).map((r) => ({ ...r })),
    requestCounts: () => {
      const counts: Record<string, number> = {};
      for (const r of state.log) counts[r.operation] = (counts[r.operation] ?? 0) + 1;
      return counts;
    },
    clearRequests: () => {
      state.log = [];
    },
    failNext: (operation, failure) => {
      state.failures.set(operation, { ...failure, remaining: failure.times ?? 1 });
    },
    setLatency: (operation, ms) => {
      if (ms > 0) state.latency.set(operation, ms);
      else state.latency.delete(operation);
    },
    delayAnswer: (operation, ms) => {
      if (ms > 0) state.answerDelay.set(operation, ms);
      else state.answerDelay.delete(operation);
    },
    forceNextDetection: (detection) => {
      state.forced.push(detection);
    },
    reset: () => {
      resetState(state);
    },
  };
}
