import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMigratedDatabase, type OpenedDatabase } from './database';
import { preparedQuery } from './prepared-query';

describe('preparedQuery', () => {
  let dir: string;
  let opened: OpenedDatabase;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fd-prepared-'));
    opened = await openMigratedDatabase(join(dir, 'clinic.sqlite'));
    for (const name of ['Room A', 'Room B', 'Room C']) await opened.db.insertInto('rooms').values({ name }).execute();
  });

  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const roomsNamed = preparedQuery((db, params: { name: string; minId: number }) =>
    db.selectFrom('rooms').select(['id', 'name']).where('name', '=', params.name).where('id', '>=', params.minId).where('is_active', '=', 1),
  );

  it('runs the query built once with the values of each call, keeping the constants', async () => {
    expect(await roomsNamed(opened.db, { name: 'Room B', minId: 1 })).toEqual([{ id: 2, name: 'Room B' }]);
    expect(await roomsNamed(opened.db, { name: 'Room C', minId: 1 })).toEqual([{ id: 3, name: 'Room C' }]);
    expect(await roomsNamed(opened.db, { name: 'Room A', minId: 2 })).toEqual([]);
    await opened.db.updateTable('rooms').set({ is_active: 0 }).where('id', '=', 3).execute();
    expect(await roomsNamed(opened.db, { name: 'Room C', minId: 1 })).toEqual([]);
  });

  it('writes inside the transaction it is given, and the rollback undoes it', async () => {
    const rename = preparedQuery((db, params: { id: number; name: string }) => db.updateTable('rooms').set({ name: params.name }).where('id', '=', params.id));
    await opened.db
      .transaction()
      .execute(async (trx) => {
        await rename(trx, { id: 1, name: 'Renamed' });
        throw new Error('abort');
      })
      .catch(() => undefined);
    expect((await opened.db.selectFrom('rooms').select('name').where('id', '=', 1).executeTakeFirstOrThrow()).name).toBe('Room A');
    await rename(opened.db, { id: 1, name: 'Renamed' });
    expect((await opened.db.selectFrom('rooms').select('name').where('id', '=', 1).executeTakeFirstOrThrow()).name).toBe('Renamed');
  });

  it('refuses a value that would need different SQL rather than binding it wrongly', async () => {
    await expect(roomsNamed(opened.db, { name: undefined as unknown as string, minId: 1 })).rejects.toThrow(/"name" must be a scalar/);
    await expect(roomsNamed(opened.db, { name: ['Room A'] as unknown as string, minId: 1 })).rejects.toThrow(/"name" must be a scalar/);
  });
});
