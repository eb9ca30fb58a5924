import { sql, type Kysely } from 'kysely';

/**
 * Clinic holidays sync (entity `holiday`, shared/sync/cloud-api.ts): the rows table takes the
 * new entity. A holiday's uid is its day's and it is never deleted (push-rules.ts checks
 * both), so a clinic holds one row per day whichever desks listed it. Frozen in time.
 */

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');
const BEFORE = ['specialty', 'room', 'practitioner', 'patient', 'appointment', 'staff', 'clinic'];
const AFTER = [...BEFORE, 'holiday'];

async function allow(db: Kysely<unknown>, entities: string[]): Promise<void> {
  await sql.raw(`ALTER TABLE rows DROP CONSTRAINT rows_entity_check, ADD CONSTRAINT rows_entity_check CHECK (entity IN (${quoted(entities)}))`).execute(db);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await allow(db, AFTER);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM rows WHERE entity = 'holiday'`.execute(db);
  await allow(db, BEFORE);
}
