import { createHash } from 'node:crypto';
import {
  CLINIC_SETTINGS_UID,
  entityData,
  type Clash,
  type Mutation,
  type MutationResult,
  type PushRequest,
  type ServerRow,
  type SyncEntity,
} from '../shared/sync/cloud-api';
import { canonicalJson } from '../shared/sync/canonical-json';
import { MAX_APPOINTMENT_MS, type CloudDb } from './cloud-db';

/**
 * Who is pushing: a front desk may change anything; the patient portal may only create
 * patients and online bookings (never staff accounts or the clinic's settings).
 */
export type Principal = 'desk' | 'portal';

interface StoredRow {
  entity: SyncEntity;
  uid: string;
  version: number;
  deleted: number;
  data: string | null;
}

/** An answer that ends one mutation early; `isStored` says whether a replay must get it again. */
class Outcome {
  constructor(
    readonly result: MutationResult,
    readonly isStored: boolean,
  ) {}
}

const rejected = (m: Mutation, reason: 'INVALID' | 'MISSING_REFERENCE' | 'FORBIDDEN', message: string, isStored: boolean) =>
  new Outcome({ mutationId: m.mutationId, status: 'rejected', reason, message: message.slice(0, 500) }, isStored);

const conflict = (m: Mutation, current: StoredRow | undefined, clash: Clash | null) =>
  new Outcome({ mutationId: m.mutationId, status: 'conflict', current: current ? toServerRow(current) : null, clash }, true);

function toServerRow(row: StoredRow): ServerRow {
  return { entity: row.entity, uid: row.uid, version: row.version, deleted: row.deleted === 1, data: row.data === null ? null : JSON.parse(row.data) };
}

type Statements = ReturnType<typeof prepare>;

function prepare(db: CloudDb) {
  return {
    row: db.prepare<[string, string], StoredRow>('SELECT entity, uid, version, deleted, data FROM rows WHERE entity = ? AND uid = ?'),
    isLive: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM rows WHERE entity = ? AND uid = ? AND deleted = 0'),
    nextSeq: db.prepare<[], { seq: number }>('UPDATE clinic SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq AS seq'),
    upsertRow: db.prepare<[string, string, number, number, string | null, number, string, number]>(
      `INSERT INTO rows (entity, uid, version, deleted, data, seq, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity, uid) DO UPDATE SET version = excluded.version, deleted = excluded.deleted, data = excluded.data,
         seq = excluded.seq, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
    ),
    dropRefs: db.prepare<[string, string]>('DELETE FROM refs WHERE from_entity = ? AND from_uid = ?'),
    addRef: db.prepare<[string, string, string, string]>('INSERT OR IGNORE INTO refs (from_entity, from_uid, to_entity, to_uid) VALUES (?, ?, ?, ?)'),
    referrer: db.prepare<[string, string], { entity: string; uid: string }>(
      'SELECT from_entity AS entity, from_uid AS uid FROM refs WHERE to_entity = ? AND to_uid = ? LIMIT 1',
    ),
    usernameHolder: db.prepare<[string, string], { uid: string }>(
      `SELECT uid FROM rows WHERE entity = 'staff' AND deleted = 0 AND uid <> ? AND lower(json_extract(data, '$.username')) = lower(?) LIMIT 1`,
    ),
    hasSpan: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM appointment_spans WHERE uid = ?'),
    insertSpan: db.prepare<[string, string, string | null, number, number, string]>(
      'INSERT INTO appointment_spans (uid, practitioner_uid, room_uid, starts_at, ends_at, status) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    updateSpan: db.prepare<[string, string | null, number, number, string, string]>(
      'UPDATE appointment_spans SET practitioner_uid = ?, room_uid = ?, starts_at = ?, ends_at = ?, status = ? WHERE uid = ?',
    ),
    dropSpan: db.prepare<[string]>('DELETE FROM appointment_spans WHERE uid = ?'),
    clashWith: {
      practitioner: db.prepare<[string, string, number, number, number], { uid: string; startsAt: number; endsAt: number }>(
        `SELECT uid, starts_at AS startsAt, ends_at AS endsAt FROM appointment_spans
         WHERE practitioner_uid = ? AND uid <> ? AND starts_at > ? AND starts_at < ? AND ends_at > ?
           AND status IN ('booked', 'checked_in', 'called', 'in_consultation', 'done', 'left_unseen')
         ORDER BY starts_at LIMIT 1`,
      ),
      room: db.prepare<[string, string, number, number, number], { uid: string; startsAt: number; endsAt: number }>(
        `SELECT uid, starts_at AS startsAt, ends_at AS endsAt FROM appointment_spans
         WHERE room_uid = ? AND uid <> ? AND starts_at > ? AND starts_at < ? AND ends_at > ?
           AND status IN ('booked', 'checked_in', 'called', 'in_consultation', 'done', 'left_unseen')
         ORDER BY starts_at LIMIT 1`,
      ),
    },
    stored: db.prepare<[string], { fingerprint: string; result: string }>('SELECT fingerprint, result FROM mutations WHERE mutation_id = ?'),
    store: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO mutations (mutation_id, fingerprint, result, client_id, at) VALUES (?, ?, ?, ?, ?)',
    ),
  };
}

const statementsByDb = new WeakMap<CloudDb, Statements>();
function statementsOf(db: CloudDb): Statements {
  let statements = statementsByDb.get(db);
  if (!statements) {
    statements = prepare(db);
    statementsByDb.set(db, statements);
  }
  return statements;
}

/** Key order must not matter: a client may serialise the same change differently on a retry. */
function fingerprintOf(m: Mutation, data: Record<string, unknown> | null): string {
  return createHash('sha256')
    .update(canonicalJson({ entity: m.entity, uid: m.uid, op: m.op, baseVersion: m.baseVersion, data }))
    .digest('base64url');
}

/** The rows a row refers to; each must be live on the server when the row is written. */
function referencesOf(entity: SyncEntity, data: Record<string, unknown>): Array<[SyncEntity, string]> {
  const refs: Array<[SyncEntity, string]> = [];
  if (entity === 'appointment') {
    refs.push(['patient', data.patientUid as string], ['practitioner', data.practitionerUid as string], ['specialty', data.specialtyUid as string]);
    if (data.roomUid !== null) refs.push(['room', data.roomUid as string]);
  } else if (entity === 'practitioner') {
    if (data.defaultRoomUid !== null) refs.push(['room', data.defaultRoomUid as string]);
    for (const specialtyUid of data.specialtyUids as string[]) refs.push(['specialty', specialtyUid]);
  } else if (entity === 'staff' && data.practitionerUid !== null) {
    refs.push(['practitioner', data.practitionerUid as string]);
  }
  return refs;
}

/**
 * What can be said without the database: the shape of the data, and what the principal
 * may do. These answers depend on nothing stored, so they are not recorded: a replay
 * gets the same answer by computing it again.
 */
function checkStatelessly(m: Mutation, principal: Principal): Record<string, unknown> | null {
  if (principal === 'portal' && !((m.entity === 'appointment' || m.entity === 'patient') && m.op === 'upsert' && m.baseVersion === null)) {
    throw rejected(m, 'FORBIDDEN', 'The portal may only create patients and appointments.', false);
  }
  if (m.entity === 'clinic' && m.uid !== CLINIC_SETTINGS_UID)
    throw rejected(m, 'INVALID', `The clinic's settings are the one row ${CLINIC_SETTINGS_UID}.`, false);
  if (m.op === 'delete') {
    if (m.data !== null) throw rejected(m, 'INVALID', 'A delete carries no data (data must be null).', false);
    // Audit trails on every desk name accounts: an account is disabled, never deleted; the settings always exist.
    if (m.entity === 'staff' || m.entity === 'clinic')
      throw rejected(m, 'INVALID', `A ${m.entity} row cannot be deleted${m.entity === 'staff' ? ' (disable the account)' : ''}.`, false);
    return null;
  }
  if (m.data === null) throw rejected(m, 'INVALID', 'An upsert carries the whole row (data must not be null).', false);
  const parsed = entityData[m.entity].safeParse(m.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw rejected(m, 'INVALID', `Invalid ${m.entity}: ${issue ? `${issue.path.join('.') || '(row)'}: ${issue.message}` : 'invalid data'}`, false);
  }
  const data = parsed.data as Record<string, unknown>;
  if (m.entity === 'appointment') {
    const startsAt = data.startsAt as number;
    const endsAt = data.endsAt as number;
    if (!(endsAt > startsAt)) throw rejected(m, 'INVALID', 'An appointment must end after it starts.', false);
    if (endsAt - startsAt > MAX_APPOINTMENT_MS) throw rejected(m, 'INVALID', 'An appointment lasts at most 12 hours.', false);
    if (principal === 'portal' && (data.status !== 'booked' || data.origin !== 'online')) {
      throw rejected(m, 'FORBIDDEN', "The portal books with status 'booked' and origin 'online' only.", false);
    }
  }
  return data;
}

interface ApplyContext {
  db: CloudDb;
  s: Statements;
  principal: Principal;
  clientId: string;
  now: number;
}

/** Writes one mutation; throws an Outcome (inside the savepoint, which is then rolled back) when it cannot. */
function write(ctx: ApplyContext, m: Mutation, data: Record<string, unknown> | null): MutationResult {
  const { s } = ctx;
  const current = s.row.get(m.entity, m.uid);
  // A conflict would show the portal a row it may not read (a patient named in an appointment it sees).
  if (ctx.principal === 'portal' && current) throw rejected(m, 'FORBIDDEN', 'The portal may only create new rows.', false);
  const isBaseCurrent = m.baseVersion === null ? current === undefined : current !== undefined && current.deleted === 0 && current.version === m.baseVersion;

  if (m.op === 'delete') {
    // With a null base and no row (created and deleted before the server saw it) the delete is still recorded, as a tombstone.
    if (!isBaseCurrent) throw conflict(m, current, null);
    if (current) {
      const referrer = s.referrer.get(m.entity, m.uid);
      if (referrer) throw rejected(m, 'INVALID', `This ${m.entity} is still referred to by ${referrer.entity} ${referrer.uid}.`, true);
    }
    const version = (current?.version ?? 0) + 1;
    const { seq } = s.nextSeq.get()!;
    s.upsertRow.run(m.entity, m.uid, version, 1, null, seq, ctx.clientId, ctx.now);
    s.dropRefs.run(m.entity, m.uid);
    if (m.entity === 'appointment') s.dropSpan.run(m.uid);
    return { mutationId: m.mutationId, status: 'applied', version };
  }

  if (!isBaseCurrent) throw conflict(m, current, null);
  // Usernames are the clinic's, as on each desk (case aside): two desks may not both make "maria".
  if (m.entity === 'staff' && s.usernameHolder.get(m.uid, data!.username as string)) {
    throw rejected(m, 'INVALID', `The username ${data!.username as string} is taken by another account of the clinic.`, true);
  }
  const refs = referencesOf(m.entity, data!);
  for (const [entity, uid] of refs) {
    if (!s.isLive.get(entity, uid)) throw rejected(m, 'MISSING_REFERENCE', `The ${entity} ${uid} is not on the server.`, true);
  }
  const version = (current?.version ?? 0) + 1;
  const { seq } = s.nextSeq.get()!;
  s.upsertRow.run(m.entity, m.uid, version, 0, JSON.stringify(data), seq, ctx.clientId, ctx.now);
  s.dropRefs.run(m.entity, m.uid);
  for (const [entity, uid] of refs) s.addRef.run(m.entity, m.uid, entity, uid);
  if (m.entity === 'appointment') writeSpan(ctx, m, current, data!);
  return { mutationId: m.mutationId, status: 'applied', version };
}

function writeSpan(ctx: ApplyContext, m: Mutation, current: StoredRow | undefined, data: Record<string, unknown>): void {
  const { s } = ctx;
  const practitionerUid = data.practitionerUid as string;
  const roomUid = data.roomUid as string | null;
  const startsAt = data.startsAt as number;
  const endsAt = data.endsAt as number;
  const status = data.status as string;
  try {
    if (s.hasSpan.get(m.uid)) s.updateSpan.run(practitionerUid, roomUid, startsAt, endsAt, status, m.uid);
    else s.insertSpan.run(m.uid, practitionerUid, roomUid, startsAt, endsAt, status);
  } catch (error) {
    const match = error instanceof Error ? /OVERLAP:(practitioner|room)/.exec(error.message) : null;
    if (!match) throw error;
    // The trigger said no; which appointment it was is worth a second look, the client shows it.
    const kind = match[1] as 'practitioner' | 'room';
    const other = s.clashWith[kind].get(kind === 'practitioner' ? practitionerUid : roomUid!, m.uid, startsAt - MAX_APPOINTMENT_MS, endsAt, startsAt);
    throw conflict(m, current, other ? { kind, uid: other.uid, startsAt: other.startsAt, endsAt: other.endsAt } : null);
  }
}

/**
 * Applies one mutation in its own transaction, together with its idempotency record:
 * either both are written or neither. A mutation id seen before gets the stored answer
 * and writes nothing.
 */
export function applyMutation(db: CloudDb, m: Mutation, principal: Principal, clientId: string, now: number): MutationResult {
  let data: Record<string, unknown> | null;
  try {
    data = checkStatelessly(m, principal);
  } catch (error) {
    if (error instanceof Outcome) return error.result;
    throw error;
  }
  const fingerprint = fingerprintOf(m, data);
  const ctx: ApplyContext = { db, s: statementsOf(db), principal, clientId, now };
  const attempt = db.transaction(() => write(ctx, m, data));
  return db
    .transaction((): MutationResult => {
      const stored = ctx.s.stored.get(m.mutationId);
      if (stored) {
        if (stored.fingerprint === fingerprint) return JSON.parse(stored.result) as MutationResult;
        return rejected(m, 'INVALID', 'This mutationId was already used for a different change.', false).result;
      }
      let result: MutationResult;
      try {
        // Nested: a savepoint, rolled back when the mutation is refused, while its answer is still recorded.
        result = attempt();
      } catch (error) {
        if (!(error instanceof Outcome)) throw error;
        if (!error.isStored) return error.result;
        result = error.result;
      }
      ctx.s.store.run(m.mutationId, fingerprint, JSON.stringify(result), clientId, now);
      return result;
    })
    .immediate();
}

export interface PushOutcome {
  results: MutationResult[];
  /** How many mutations were applied now (not replays). */
  applied: number;
}

/**
 * Applies a batch in order, each mutation on its own: one refused does not stop the next.
 * Each mutation is atomic by itself (a savepoint holding its rows and its idempotency
 * record); the batch is committed once, before anything is answered (one fsync per batch,
 * not per mutation). Nothing is acknowledged before it is durable.
 */
export function applyPush(db: CloudDb, request: PushRequest, principal: Principal, now: number): PushOutcome {
  const lastSeq = db.prepare<[], { last_seq: number }>('SELECT last_seq FROM clinic WHERE id = 1');
  return db
    .transaction((): PushOutcome => {
      const before = lastSeq.get()!.last_seq;
      const results = request.mutations.map((m) => applyMutation(db, m, principal, request.clientId, now));
      return { results, applied: lastSeq.get()!.last_seq - before };
    })
    .immediate();
}
