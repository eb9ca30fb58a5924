import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDesk, type TestDesk } from '../schedule/test-fixtures';
import { hashToken, newDeviceToken } from './device-registry';

/** The desk's Screens card learns that a screen connected without a reload. */

let t: TestDesk;

beforeEach(async () => {
  t = await createTestDesk({ now: '2026-06-15T08:00' });
});

afterEach(async () => {
  await t.close();
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('device presence', () => {
  it('tells the desk when a screen is first heard from, and when it is back after a while away, not at every heartbeat', async () => {
    const token = newDeviceToken();
    t.desk.database.sqlite
      .prepare(`INSERT INTO devices (name, role, token_hash, created_by, created_at) VALUES ('TV', 'display', ?, NULL, ?)`)
      .run(hashToken(token), t.now);
    expect(t.desk.devices.identify(token)).toMatchObject({ role: 'display' });
    const connected = () => t.events.filter((event) => event.event === 'devices.changed').length;

    t.desk.devices.seen(token, t.now);
    await settle();
    expect(connected()).toBe(1);
    expect((await t.ok(t.reception, 'devices.list', {}))[0]!.lastSeenAt).toBe(t.now);

    // Heard every minute (a stream's keep-alive, a kiosk's heartbeat): nothing new for the desk.
    for (let minute = 1; minute <= 3; minute++) {
      t.desk.devices.identify(token);
      t.desk.devices.seen(token, t.now + minute * 61_000);
      await settle();
    }
    expect(connected()).toBe(1);

    // Away for ten minutes (offline on the card), then back.
    t.desk.devices.identify(token);
    t.desk.devices.seen(token, t.now + 13 * 60_000);
    await settle();
    expect(connected()).toBe(2);
  });
});
