import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { holidayUid } from '../../shared/sync/cloud-api';
import { replay } from '../../cloud/cloud-client';
import { seedPractice, type SyncDesk } from './sync-fixtures';
import { twoDesksOnOneCloud } from './two-desks';

/**
 * Clinic holidays travel between desks (entity `holiday`): every desk of a clinic, and the
 * cloud's free times, close on the same days. A holiday's uid is its day's, so two desks that
 * both pre-fill the national holidays hold one row per day, with no conflict for staff to
 * read; a removed holiday is turned off, never deleted.
 */

describe('clinic holidays between desks', () => {
  const world = twoDesksOnOneCloud();
  beforeEach(async () => {
    await seedPractice(world.a, 1);
  });

  const days = async (t: SyncDesk, year: number) => (await t.ok(t.admin, 'holidays.list', { year })).map((h) => `${h.day} ${h.nameEn}`);

  it('two desks that both pre-fill the national holidays hold one row a day; added, renamed and removed days reach the other desk', async () => {
    const { cloud, a, b } = world;
    await a.ok(a.admin, 'holidays.prefillNational', { year: 2030 });
    await a.ok(a.admin, 'sync.updateSettings', { enabled: true });
    expect(await a.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0 });

    // B lists the same national days before it joins: its rows go up as new, meet A's (the same uids, the same data), and take their versions.
    await b.ok(b.admin, 'holidays.prefillNational', { year: 2030 });
    await b.ok(b.admin, 'sync.updateSettings', { enabled: true });
    expect(await b.sync()).toMatchObject({ connection: 'online', pending: 0, problems: 0, conflicts: 0 });
    const national = await days(a, 2030);
    expect(national).toHaveLength(13);
    expect(await days(b, 2030)).toEqual(national);

    // A closes a bridge day; B removes New Year's Day and renames the bridge day.
    const bridge = await a.ok(a.admin, 'holidays.add', { day: '2030-06-14', nameEn: 'Bridge day', namePt: 'Ponte' });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await b.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await days(b, 2030)).toContain('2030-06-14 Bridge day');

    const atB = await b.ok(b.admin, 'holidays.list', { year: 2030 });
    const newYear = atB.find((h) => h.day === '2030-01-01')!;
    await b.ok(b.admin, 'holidays.remove', { id: newYear.id });
    const bridgeAtB = atB.find((h) => h.day === '2030-06-14')!;
    await b.ok(b.admin, 'holidays.update', { id: bridgeAtB.id, day: '2030-06-14', nameEn: 'Closed for works', namePt: 'Fechado para obras' });
    expect(await b.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    const atA = await days(a, 2030);
    expect(atA.find((d) => d.startsWith('2030-01-01'))).toBeUndefined();
    expect(atA).toContain('2030-06-14 Closed for works');
    expect(atA).toEqual(await days(b, 2030));

    // Added back at A: the day's one row is turned on again, and B follows.
    await a.ok(a.admin, 'holidays.add', { day: '2030-01-01', nameEn: 'New Year', namePt: 'Ano Novo' });
    expect(await a.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await b.sync()).toMatchObject({ pending: 0, problems: 0 });
    expect(await days(b, 2030)).toContain('2030-01-01 New Year');

    // The cloud holds one row per day, each named by its day, none deleted.
    const rows = [...replay((await cloud.desk.pullAll()).changes).values()].filter((row) => row.entity === 'holiday');
    expect(rows).toHaveLength(14);
    for (const row of rows) {
      expect(row.deleted).toBe(false);
      expect(row.uid).toBe(holidayUid(row.data!.day as string));
    }
    expect(rows.find((row) => row.uid === holidayUid(bridge.holiday.day))!.data).toMatchObject({ nameEn: 'Closed for works', isActive: true });
  });

  it('the cloud refuses a holiday under another uid than its day’s, and any delete of one', async () => {
    const { cloud } = world;
    const data = { day: '2030-06-14', nameEn: 'Bridge day', namePt: 'Ponte', isNational: false, isActive: true };
    const wrongUid = randomUUID();
    const { results } = await cloud.desk.push('hostile', [
      { mutationId: randomUUID(), entity: 'holiday', uid: wrongUid, op: 'upsert', baseVersion: null, data },
      { mutationId: randomUUID(), entity: 'holiday', uid: holidayUid('2030-06-14'), op: 'upsert', baseVersion: null, data },
      { mutationId: randomUUID(), entity: 'holiday', uid: holidayUid('2030-06-14'), op: 'delete', baseVersion: 1, data: null },
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'applied', 'rejected']);
    expect(results[0]).toMatchObject({ reason: 'INVALID', message: expect.stringContaining(holidayUid('2030-06-14')) });
    expect(results[2]).toMatchObject({ reason: 'INVALID', message: expect.stringContaining('cannot be deleted') });
  });
});
