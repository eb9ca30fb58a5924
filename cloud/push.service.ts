import type { MutationResult, PushRequest, Mutation } from '../shared/sync/cloud-api';
import type { CloudDb, Executor } from './db/cloud-db';
import * as repo from './db/cloud.repository';
import type { Span, StoredRow } from './db/cloud.repository';
import * as pushRepo from './db/push.repository';
import { inClinic } from './db/tenancy.repository';
import { applyBatch, prepareBatch, type Pushed } from './push-batch.service';
import type { MutationFacts } from './db/push.repository';
import {
  checkStatelessly,
  clashOf,
  conflict,
  EXCLUSION_VIOLATION,
  fingerprintOf,
  isActive,
  Outcome,
  pgError,
  referencesOf,
  rejected,
  spanOf,
  UNIQUE_VIOLATION,
  usernameTaken,
  withoutNul,
  type Principal,
} from './push-rules';

export type { Principal } from './push-rules';

/** The exclusion constraint said no; the clash is looked up once the savepoint is rolled back. */
class Overlapping {
  constructor(
    readonly current: StoredRow | undefined,
    readonly span: Span,
  ) {}
}

interface ApplyContext {
  trx: Executor;
  clinicId: number;
  principal: Principal;
  clientId: string;
  now: number;
  /** The last seq given out in this push (the clinic's lock is held: nobody else gives any out). */
  seq: number;
  purgedVersion: number;
}

/**
 * The version a write gives the row: one more than the row's, or for a row the server does not
 * hold, one more than any purged tombstone had (the uid may be one deleted and purged: a client
 * that applied that delete holds its version and must not take the new row for an old one).
 */
const nextVersion = (ctx: ApplyContext, current: StoredRow | undefined): number => (current?.version ?? ctx.purgedVersion) + 1;

/**
 * Writes one mutation, with its idempotency record, from the facts read for it; throws an
 * Outcome or Overlapping (the caller rolls the savepoint back) when it cannot.
 */
async function write(ctx: ApplyContext, m: Mutation, data: Record<string, unknown> | null, facts: MutationFacts, fingerprint: string): Promise<MutationResult> {
  const current = facts.current ?? undefined;
  // A conflict would show the portal a row it may not read (a patient named in an appointment it sees).
  if (ctx.principal === 'portal' && current) throw rejected(m, 'FORBIDDEN', 'The portal may only create new rows.', false);
  const isBaseCurrent = m.baseVersion === null ? current === undefined : current !== undefined && !current.deleted && current.version === m.baseVersion;
  if (!isBaseCurrent) throw conflict(m, current, null);
  const version = nextVersion(ctx, current);
  const result: MutationResult = { mutationId: m.mutationId, status: 'applied', version };
  const change = {
    entity: m.entity,
    uid: m.uid,
    version,
    updatedBy: ctx.clientId,
    updatedAt: ctx.now,
    record: { mutationId: m.mutationId, fingerprint, result: JSON.stringify(result) },
  };

  if (m.op === 'delete') {
    // With a null base and no row (created and deleted before the server saw it) the delete is still recorded, as a tombstone.
    if (current && facts.referrer)
      throw rejected(m, 'INVALID', `This ${m.entity} is still referred to by ${facts.referrer.entity} ${facts.referrer.uid}.`, true);
    await writeGuarded(ctx, m, current, { ...change, data: null, seq: ++ctx.seq, refs: [], span: null, dropSpan: m.entity === 'appointment' });
    return result;
  }

  // Usernames are the clinic's, as on each desk (case aside): two desks may not both make "maria".
  if (m.entity === 'staff' && facts.usernameHolder !== null) throw usernameTaken(m, data!.username as string);
  const refs = referencesOf(m.entity, data!);
  const live = new Set(facts.live);
  for (const [entity, uid] of refs) {
    if (!live.has(`${entity}:${uid}`)) throw rejected(m, 'MISSING_REFERENCE', `The ${entity} ${uid} is not on the server.`, true);
  }
  const span: Span | null = m.entity === 'appointment' ? spanOf(m, data!) : null;
  // Known before writing (the clinic's lock is held, nothing else writes): a conflict costs no
  // savepoint. The practitioner first: a taken practitioner is what staff must hear of.
  const clash = facts.practitionerClash ?? facts.roomClash;
  if (clash) throw conflict(m, current, clashOf(facts.practitionerClash ? 'practitioner' : 'room', clash));
  await writeGuarded(ctx, m, current, { ...change, data: JSON.stringify(data), seq: ++ctx.seq, refs, span, dropSpan: false });
  return result;
}

/**
 * The write, inside a savepoint where the database may refuse it as the rules expect (an
 * overlap: the exclusion constraint; a username: the unique index); such a refusal rolls the
 * savepoint back and becomes the mutation's answer. Other rows cannot be refused so: no
 * savepoint (a round trip saved), and an error there fails the whole push.
 */
async function writeGuarded(ctx: ApplyContext, m: Mutation, current: StoredRow | undefined, change: pushRepo.Change): Promise<void> {
  if (m.entity !== 'appointment' && m.entity !== 'staff') return pushRepo.writeChange(ctx.trx, ctx.clinicId, change);
  await repo.savepoint(ctx.trx, 'SAVEPOINT');
  try {
    await pushRepo.writeChange(ctx.trx, ctx.clinicId, change);
  } catch (error) {
    await repo.savepoint(ctx.trx, 'ROLLBACK TO SAVEPOINT');
    const { code, constraint } = pgError(error);
    if (change.span && code === EXCLUSION_VIOLATION) throw new Overlapping(current, change.span);
    if (code === UNIQUE_VIOLATION && constraint === 'rows_staff_username') throw usernameTaken(m, (JSON.parse(change.data!) as { username: string }).username);
    throw error;
  }
  await repo.savepoint(ctx.trx, 'RELEASE SAVEPOINT');
}

/**
 * Which appointment the exclusion constraint saw is worth a second look: the client shows it.
 * The practitioner first: whichever constraint fired, a taken practitioner is what staff must
 * hear of (another room would not help).
 */
async function overlapConflict(ctx: ApplyContext, m: Mutation, overlap: Overlapping): Promise<Outcome> {
  const { span } = overlap;
  const byPractitioner = await repo.clashWith(ctx.trx, ctx.clinicId, 'practitioner', span.practitionerUid, span.uid, span.startsAt, span.endsAt);
  const byRoom =
    byPractitioner || span.roomUid === null
      ? undefined
      : await repo.clashWith(ctx.trx, ctx.clinicId, 'room', span.roomUid, span.uid, span.startsAt, span.endsAt);
  const other = byPractitioner ?? byRoom;
  return conflict(m, overlap.current, other ? clashOf(byPractitioner ? 'practitioner' : 'room', other) : null);
}

/**
 * Applies one mutation in a savepoint, together with its idempotency record: either both are
 * written or neither. A mutation id seen before gets the stored answer and writes nothing.
 */
async function applyMutation(ctx: ApplyContext, m: Mutation): Promise<MutationResult> {
  let data: Record<string, unknown> | null;
  try {
    data = checkStatelessly(m, ctx.principal)?.data ?? null;
  } catch (error) {
    if (error instanceof Outcome) return error.result;
    throw error;
  }
  const fingerprint = fingerprintOf(m, data);
  const facts = await pushRepo.mutationFacts(ctx.trx, ctx.clinicId, {
    mutationId: m.mutationId,
    entity: m.entity,
    uid: m.uid,
    refs: data === null ? [] : referencesOf(m.entity, data),
    username: m.entity === 'staff' && data !== null ? (data.username as string) : null,
    activeSpan: m.entity === 'appointment' && data !== null && isActive(data.status as string) ? spanOf(m, data) : null,
  });
  const stored = facts.stored;
  if (stored) {
    if (stored.fingerprint === fingerprint) return JSON.parse(stored.result) as MutationResult;
    return rejected(m, 'INVALID', 'This mutationId was already used for a different change.', false).result;
  }
  const seqBefore = ctx.seq;
  let result: MutationResult;
  try {
    // Applied: the idempotency record was written with the row.
    return await write(ctx, m, data, facts, fingerprint);
  } catch (error) {
    // Refused: nothing of it stays (write wrote nothing, or rolled its savepoint back), while its answer is still recorded.
    ctx.seq = seqBefore;
    let outcome: Outcome;
    if (error instanceof Outcome) outcome = error;
    else if (error instanceof Overlapping) outcome = await overlapConflict(ctx, m, error);
    else throw error;
    if (!outcome.isStored) return outcome.result;
    result = outcome.result;
  }
  await repo.storeResult(ctx.trx, ctx.clinicId, m.mutationId, fingerprint, JSON.stringify(result), ctx.clientId, ctx.now);
  return result;
}

export interface PushOutcome {
  results: MutationResult[];
  /** How many mutations were applied now (not replays). */
  applied: number;
  /** The clinic's last seq after the push. */
  lastSeq: number;
  /** The clinic's compaction horizon (tombstones up to it are purged). */
  horizon: number;
}

/**
 * Applies a batch in order, each mutation on its own: one refused does not stop the next.
 * Each mutation is atomic by itself (its rows and its idempotency record, or nothing of it);
 * the batch is committed before anything is answered. Nothing is acknowledged before it is
 * durable.
 *
 * Whatever writes rows runs in a transaction that takes the clinic's row lock first and holds
 * it to commit: the clinic's writers go one at a time, so every read sees every earlier push
 * (no baseVersion check races another), and seqs are committed in the order they are given
 * out (the feed's promise, see docs/cloud-api/README.md).
 *
 * - Pushes of one clinic that arrive while its transaction runs wait in this process and then
 *   go together, in arrival order, in one transaction (one lock, one read, one write, one
 *   commit), each decided as if alone after the earlier ones: a hundred clients booking at
 *   once cost a few transactions, not a hundred in line for the lock.
 * - Decided as a whole (push-batch.service.ts), a group's one write can still trip a
 *   constraint (only a batch that swaps two appointments' times or two accounts' usernames
 *   can, as rows are written in one pass): then each push is applied again alone, one
 *   mutation at a time, where each write sees the previous one's.
 */
export async function applyPush(
  db: CloudDb,
  clinicId: number,
  request: PushRequest,
  principal: Principal,
  now: number,
  options: { oneByOne?: boolean } = {},
): Promise<PushOutcome> {
  // Only a label: a character PostgreSQL's text cannot hold is replaced, not refused.
  const clientId = withoutNul(request.clientId);
  if (options.oneByOne) return applyOneByOne(db, clinicId, request, principal, clientId, now);
  const push: Waiting['push'] = { prepared: prepareBatch(request.mutations, principal), principal, clientId, now };
  return new Promise<PushOutcome>((resolve, reject) => {
    let clinics = waiting.get(db);
    if (!clinics) waiting.set(db, (clinics = new Map()));
    const queue = clinics.get(clinicId);
    const entry: Waiting = { push, request, resolve, reject };
    if (queue) queue.push(entry);
    else {
      const fresh = [entry];
      clinics.set(clinicId, fresh);
      // Started once this turn of the event loop has read every request that came in with it: they go together.
      setImmediate(() => void drain(db, clinicId, clinics, fresh));
    }
  });
}

/** At most this many mutations in one group's transaction (a push alone may be 500). */
const GROUP_MAX = 1000;

interface Waiting {
  push: Pushed;
  request: PushRequest;
  resolve(outcome: PushOutcome): void;
  reject(error: unknown): void;
}

/** Per database, per clinic: the pushes waiting for the clinic's transaction (present while one runs). */
const waiting = new WeakMap<CloudDb, Map<number, Waiting[]>>();

async function drain(db: CloudDb, clinicId: number, clinics: Map<number, Waiting[]>, queue: Waiting[]): Promise<void> {
  while (queue.length > 0) {
    let count = 0;
    let take = 0;
    while (take < queue.length && (take === 0 || count + queue[take]!.request.mutations.length <= GROUP_MAX)) {
      count += queue[take]!.request.mutations.length;
      take++;
    }
    const group = queue.splice(0, take);
    try {
      const outcomes = await applyGroup(db, clinicId, group);
      group.forEach((entry, i) => entry.resolve(outcomes[i]!));
    } catch (error) {
      // One push's trouble is not the others': each again alone.
      for (const entry of group) {
        try {
          entry.resolve(group.length === 1 ? await afterFailure(db, clinicId, entry, error) : await applyAlone(db, clinicId, entry));
        } catch (failure) {
          entry.reject(failure);
        }
      }
    }
  }
  clinics.delete(clinicId);
}

const isConstraint = (error: unknown) => [EXCLUSION_VIOLATION, UNIQUE_VIOLATION].includes(pgError(error).code ?? '');

async function applyAlone(db: CloudDb, clinicId: number, entry: Waiting): Promise<PushOutcome> {
  try {
    return (await applyGroup(db, clinicId, [entry]))[0]!;
  } catch (error) {
    return afterFailure(db, clinicId, entry, error);
  }
}

async function afterFailure(db: CloudDb, clinicId: number, entry: Waiting, error: unknown): Promise<PushOutcome> {
  if (!isConstraint(error)) throw error;
  return applyOneByOne(db, clinicId, entry.request, entry.push.principal, entry.push.clientId, entry.push.now);
}

async function applyGroup(db: CloudDb, clinicId: number, group: Waiting[]): Promise<PushOutcome[]> {
  return inClinic(db, clinicId, async (trx) => {
    const clinic = await repo.lockClinic(trx, clinicId);
    const { results, applied, lastSeq } = await applyBatch(
      trx,
      clinicId,
      clinic,
      group.map((entry) => entry.push),
    );
    return results.map((answers, i) => ({ results: answers, applied: applied[i]!, lastSeq, horizon: clinic.horizon }));
  });
}

/** The reference path: each mutation read and written on its own (a savepoint where the database may refuse it). */
async function applyOneByOne(db: CloudDb, clinicId: number, request: PushRequest, principal: Principal, clientId: string, now: number): Promise<PushOutcome> {
  return inClinic(db, clinicId, async (trx) => {
    const clinic = await repo.lockClinic(trx, clinicId);
    const ctx: ApplyContext = { trx, clinicId, principal, clientId, now, seq: clinic.lastSeq, purgedVersion: clinic.purgedVersion };
    const results: MutationResult[] = [];
    for (const m of request.mutations) results.push(await applyMutation(ctx, m));
    if (ctx.seq > clinic.lastSeq) await repo.setLastSeq(trx, clinicId, ctx.seq);
    return { results, applied: ctx.seq - clinic.lastSeq, lastSeq: ctx.seq, horizon: clinic.horizon };
  });
}
