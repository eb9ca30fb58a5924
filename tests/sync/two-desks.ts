import { afterEach, beforeEach } from 'vitest';
import { DESK_TOKEN, startTestCloud, type TestCloud } from '../../cloud/test-fixtures';
import { at, startSyncDesk, type Clock, type SyncDesk } from './sync-fixtures';

export interface TwoDesks {
  cloud: TestCloud;
  clock: Clock;
  a: SyncDesk;
  b: SyncDesk;
}

/**
 * Desks a and b on one cloud of two servers behind a balancer, on one test clock (Monday
 * 7 January 2030, 08:00 in Lisbon): started before each test of the calling describe block
 * and closed after it. Its fields are set when a test runs: read them inside the test.
 */
export function twoDesksOnOneCloud(): TwoDesks {
  const world = {} as TwoDesks;
  beforeEach(async () => {
    world.cloud = await startTestCloud({ servers: 2 });
    world.clock = { now: at('2030-01-07T08:00') };
    world.a = await startSyncDesk({ name: 'a', clock: world.clock, cloudUrl: world.cloud.server.url, token: DESK_TOKEN });
    world.b = await startSyncDesk({ name: 'b', clock: world.clock, cloudUrl: world.cloud.server.url, token: DESK_TOKEN });
  });
  afterEach(async () => {
    await world.a.close();
    await world.b.close();
    await world.cloud.close();
  });
  return world;
}
