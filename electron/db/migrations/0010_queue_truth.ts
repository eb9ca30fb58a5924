import { sql, type Kysely } from 'kysely';

/**
 * What the queue needs the database to guarantee. Frozen in time like every migration.
 *
 * 1. A walk-in waits without a slot. While a checked-in walk-in has never been called (or
 *    left so), their starts_at/ends_at only say when they arrived, and the overlap triggers
 *    ignore them, on either side: a queue of walk-ins never double-books anyone. Calling one gives them a
 *    real, free slot (the queue service), and from then on the triggers judge them like any
 *    appointment. The triggers are those of 0004 otherwise, and also fire on `called_at`.
 *    A waiting walk-in is also not sent to the clinic's cloud (the appointment outbox
 *    triggers of 0007, recreated here, skip them): the cloud refuses overlapping
 *    appointments and would take the arrival time for a slot. The first call sends them,
 *    with their real slot; one who leaves before it stays local.
 *    A walk-in for the specialty (nobody named) is marked `for_specialty`: queued with whoever
 *    would see them soonest, they go to any practitioner of the specialty who calls with
 *    nobody else waiting. The mark is the desk's own, not synced.
 * 2. A room holds one consultation at a time, each clinic day: a partial unique index on
 *    the room a patient in consultation is in (where called or sent, else the booked one)
 *    and their ticket's day, so a consultation nobody finished yesterday does not lock the
 *    room today. Where two of one day already share a room, the latest to start keeps
 *    it and the earlier ones are recorded as done (someone else was seen there after them).
 * 3. Ticket prefixes are unique among active specialties (whatever the case), so no two
 *    specialties hand out the same "A-003". Existing clashes are resolved first, the lowest
 *    id keeping its prefix and the others taking the first free of their own letter with
 *    a digit (A2…A9), then any free pair of letters.
 */

const HOLDS_SLOT = (row: string) => `NOT (${row}.is_walk_in = 1 AND ${row}.called_at IS NULL AND ${row}.status IN ('checked_in', 'left_unseen'))`;

async function dropOverlapTriggers(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update']) {
    await sql.raw(`DROP TRIGGER IF EXISTS appointments_no_practitioner_overlap_${event}`).execute(db);
    await sql.raw(`DROP TRIGGER IF EXISTS appointments_no_room_overlap_${event}`).execute(db);
  }
}

async function createOverlapTriggers(db: Kysely<any>, judged: string, withWalkIns: boolean): Promise<void> {
  const own = withWalkIns ? `AND ${HOLDS_SLOT('NEW')}` : '';
  const others = withWalkIns ? `AND ${HOLDS_SLOT('other')}` : '';
  for (const event of ['INSERT', 'UPDATE']) {
    const guard = event === 'INSERT' ? '' : 'AND other.id <> NEW.id';
    const on = event === 'UPDATE' ? `UPDATE OF ${judged}` : event;
    for (const [kind, column] of [
      ['practitioner', 'practitioner_id'],
      ['room', 'room_id'],
    ] as const) {
      const hasRoom = kind === 'room' ? 'NEW.room_id IS NOT NULL AND' : '';
      await sql
        .raw(
          `CREATE TRIGGER appointments_no_${kind}_overlap_${event.toLowerCase()}
           BEFORE ${on} ON appointments
           WHEN ${hasRoom} NEW.status NOT IN ('cancelled', 'no_show') ${own}
           BEGIN
             SELECT RAISE(ABORT, 'SLOT_TAKEN:${kind}')
             WHERE EXISTS (
               SELECT 1 FROM appointments AS other
               WHERE other.${column} = NEW.${column}
                 AND other.starts_at > NEW.starts_at - 43200000
                 AND other.starts_at < NEW.ends_at
                 AND other.ends_at > NEW.starts_at
                 AND other.status NOT IN ('cancelled', 'no_show')
                 ${others}
                 ${guard}
             );
           END`,
        )
        .execute(db);
    }
  }
}

// Frozen copies of 0007's helpers for the appointment outbox triggers.
const UUID = `lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))`;
const NOW_MS = `CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
const IS_TRACKING = `(SELECT tracking = 1 AND applying = 0 FROM sync_state WHERE id = 1)`;
const SYNCED_COLUMNS = [
  'patient_id',
  'practitioner_id',
  'room_id',
  'specialty_id',
  'starts_at',
  'ends_at',
  'status',
  'cancel_reason',
  'notes',
  'price_cents',
  'is_walk_in',
  'origin',
];

function recordAppointmentUpsert(rowId: string, guard: string): string {
  const newestIsThisRow = `
    seq = (SELECT max(seq) FROM sync_outbox) AND entity = 'appointment' AND op = 'upsert' AND attempts = 0
    AND uid = (SELECT uid FROM appointments WHERE id = ${rowId})`;
  return `
    UPDATE sync_outbox SET data = (SELECT data FROM sync_data_appointment WHERE id = ${rowId}), created_at = ${NOW_MS}
      WHERE ${IS_TRACKING} ${guard} AND ${newestIsThisRow};
    INSERT INTO sync_outbox (mutation_id, entity, uid, op, data, created_at)
      SELECT ${UUID}, 'appointment', v.uid, 'upsert', v.data, ${NOW_MS} FROM sync_data_appointment v
      WHERE v.id = ${rowId} AND v.uid IS NOT NULL AND ${IS_TRACKING} ${guard}
        AND NOT EXISTS (SELECT 1 FROM sync_outbox WHERE ${newestIsThisRow});`;
}

async function createAppointmentOutboxTriggers(db: Kysely<any>, skipWaitingWalkIns: boolean): Promise<void> {
  await sql`DROP TRIGGER IF EXISTS appointments_sync_after_insert`.execute(db);
  await sql`DROP TRIGGER IF EXISTS appointments_sync_after_update`.execute(db);
  const guard = skipWaitingWalkIns ? `AND ${HOLDS_SLOT('NEW')}` : '';
  await sql
    .raw(
      `CREATE TRIGGER appointments_sync_after_insert AFTER INSERT ON appointments BEGIN
         UPDATE appointments SET uid = ${UUID} WHERE NEW.uid IS NULL AND id = NEW.id;
         ${recordAppointmentUpsert('NEW.id', guard)}
       END`,
    )
    .execute(db);
  const changed = SYNCED_COLUMNS.map((column) => `NEW.${column} IS NOT OLD.${column}`).join(' OR ');
  await sql
    .raw(
      `CREATE TRIGGER appointments_sync_after_update AFTER UPDATE OF ${SYNCED_COLUMNS.join(', ')} ON appointments
       WHEN ${changed}
       BEGIN ${recordAppointmentUpsert('NEW.id', guard)} END`,
    )
    .execute(db);
}

/** The first prefix not in `taken` for a specialty whose prefix clashes. */
function freePrefix(prefix: string, taken: ReadonlySet<string>): string {
  const letter = prefix[0]!;
  for (let digit = 2; digit <= 9; digit++) if (!taken.has(`${letter}${digit}`)) return `${letter}${digit}`;
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  for (const first of letters) for (const second of letters) if (!taken.has(first + second)) return first + second;
  throw new Error('no free ticket prefix');
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE appointments ADD COLUMN for_specialty INTEGER NOT NULL DEFAULT 0 CHECK (for_specialty IN (0, 1))`.execute(db);
  await dropOverlapTriggers(db);
  await createOverlapTriggers(db, 'practitioner_id, room_id, starts_at, ends_at, status, is_walk_in, called_at', true);
  await createAppointmentOutboxTriggers(db, true);

  // Two consultations of one day already recorded in one room: the latest to start is the
  // one there now; the earlier ones ended when it began.
  const ROOM = (row: string) => `coalesce(${row}.called_room_id, ${row}.room_id)`;
  const BEGAN = (row: string) => `coalesce(${row}.started_at, ${row}.called_at, ${row}.starts_at)`;
  await sql
    .raw(
      `UPDATE appointments SET status = 'done'
       WHERE status = 'in_consultation' AND ticket_day IS NOT NULL AND ${ROOM('appointments')} IS NOT NULL
         AND EXISTS (SELECT 1 FROM appointments AS later
           WHERE later.status = 'in_consultation' AND later.ticket_day = appointments.ticket_day
             AND ${ROOM('later')} = ${ROOM('appointments')}
             AND (${BEGAN('later')} > ${BEGAN('appointments')} OR (${BEGAN('later')} = ${BEGAN('appointments')} AND later.id > appointments.id)))`,
    )
    .execute(db);
  await sql`CREATE UNIQUE INDEX appointments_one_consultation_per_room ON appointments (coalesce(called_room_id, room_id), ticket_day)
    WHERE status = 'in_consultation' AND ticket_day IS NOT NULL`.execute(db);

  const specialties = await sql<{ id: number; ticket_prefix: string }>`
    SELECT id, ticket_prefix FROM specialties WHERE is_active = 1 ORDER BY id`.execute(db);
  const taken = new Set<string>();
  for (const row of specialties.rows) {
    const prefix = row.ticket_prefix.toUpperCase();
    if (!taken.has(prefix)) {
      taken.add(prefix);
      continue;
    }
    const fresh = freePrefix(prefix, taken);
    taken.add(fresh);
    await sql`UPDATE specialties SET ticket_prefix = ${fresh} WHERE id = ${row.id}`.execute(db);
  }
  await sql`CREATE UNIQUE INDEX specialties_active_prefix ON specialties (upper(ticket_prefix)) WHERE is_active = 1`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX specialties_active_prefix`.execute(db);
  await sql`DROP INDEX appointments_one_consultation_per_room`.execute(db);
  await createAppointmentOutboxTriggers(db, false);
  await sql`ALTER TABLE appointments DROP COLUMN for_specialty`.execute(db);
  await dropOverlapTriggers(db);
  await createOverlapTriggers(db, 'practitioner_id, room_id, starts_at, ends_at, status', false);
}
