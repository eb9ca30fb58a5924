import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../shared/sync/cloud-api';
import { MINUTE_MS } from '../shared/time/units';
import { appointment, MONDAY_10, only, patient, seedClinic, startTestCloud, upsert, type Clinic, type TestCloud } from './test-fixtures';

/** Many clients at once against one PostgreSQL cloud: what the database must keep true under concurrency. */

let cloud: TestCloud;
let clinic: Clinic;

beforeEach(async () => {
  cloud = await startTestCloud();
  clinic = await seedClinic(cloud.desk);
});
afterEach(async () => {
  await cloud.close();
});

describe('a PostgreSQL cloud under concurrent clients', () => {
  it('100 clients booking 10 slots at once: exactly 10 applied, the others told who has it, no overlap in the table', async () => {
    const slot = (i: number) => MONDAY_10 + (i % 10) * 20 * MINUTE_MS;
    const answers = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        cloud.desk
          .push(`client-${i}`, [
            upsert('appointment', randomUUID(), appointment(clinic, { startsAt: slot(i), endsAt: slot(i) + 20 * MINUTE_MS, origin: `client-${i}` })),
          ])
          .then(({ results }) => only(results)),
      ),
    );
    expect(answers.filter((answer) => answer.status === 'applied')).toHaveLength(10);
    const refused = answers.filter((answer) => answer.status !== 'applied');
    expect(refused).toHaveLength(90);
    for (const answer of refused)
      expect(answer).toMatchObject({ status: 'conflict', clash: { kind: 'practitioner', origin: expect.stringMatching(/^client-/) } });
    expect(await cloud.countOf('appointment')).toBe(10);
    expect(await cloud.server.overlaps()).toEqual([]);
  });

  it('a pull never skips a change: pullers following the cursor while many pushes commit at once see every row at its last version', async () => {
    const pushers = 8;
    const pushesEach = 15;
    let pushing = true;
    const follow = async (start: string) => {
      let cursor = start;
      const seen = new Map<string, Change>();
      let lastSeq = 0;
      const drain = async () => {
        for (;;) {
          const page = await cloud.desk.pull(cursor);
          for (const change of page.changes) {
            // Within one cursor's walk, seqs only go up: nothing comes "behind" it.
            expect(change.seq).toBeGreaterThan(lastSeq);
            lastSeq = change.seq;
            seen.set(change.uid, change);
          }
          cursor = page.cursor;
          if (!page.hasMore) return;
        }
      };
      while (pushing) await drain();
      await drain();
      return seen;
    };
    // Each puller's first cursor is taken before any push: rows of that first page would not be counted as seen.
    const starts = await Promise.all(Array.from({ length: 3 }, async () => (await cloud.desk.pull(null)).cursor));
    const pullers = starts.map(follow);
    await Promise.all(
      Array.from({ length: pushers }, async (_, p) => {
        for (let i = 0; i < pushesEach; i++) {
          const uid = randomUUID();
          // Two changes of one row in some pushes, and several rows in others: seqs are taken in bursts of different sizes.
          const batch = [upsert('patient', uid, patient(`P${p}-${i}`))];
          if (i % 3 === 0) batch.push(upsert('patient', randomUUID(), patient(`Q${p}-${i}`)));
          const { results } = await cloud.desk.push(`pusher-${p}`, batch);
          expect(results.every((result) => result.status === 'applied')).toBe(true);
          if (i % 4 === 0)
            expect(only((await cloud.desk.push(`pusher-${p}`, [upsert('patient', uid, patient(`P${p}-${i}'`), 1)])).results).status).toBe('applied');
        }
      }),
    ).finally(() => {
      pushing = false;
    });
    const final = new Map(
      (
        await cloud.server.query<{ uid: string; version: number }>(`SELECT uid, version FROM rows WHERE clinic_id = $1 AND entity = 'patient'`, [
          cloud.server.clinicId,
        ])
      ).map((row) => [row.uid, row.version]),
    );
    for (const seen of await Promise.all(pullers)) {
      const pulledPatients = new Map([...seen.values()].filter((change) => change.entity === 'patient').map((change) => [change.uid, change.version]));
      // The seeded patient was there before the pullers' first cursor.
      pulledPatients.set(clinic.patientUid, final.get(clinic.patientUid)!);
      expect(pulledPatients).toEqual(final);
    }
    expect(final.size).toBe(1 + pushers * pushesEach + pushers * Math.ceil(pushesEach / 3));
  });
});
