import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PUSH_BATCH_MAX, type Change, type Mutation, type MutationResult, type ServerRow, type SyncEntity } from '../../shared/sync/cloud-api';
import { canonicalJson } from '../../shared/sync/canonical-json';
import type { Database } from '../db/schema';
import { CloudRequestError, type CloudHttp } from './cloud-http';
import { AppliedEffects, applyServerRow, type ApplyContext } from './sync-apply';
import { parkRow, retryParked } from './sync-parked';
import { withRetries, type RetryDeps } from './sync-retries';
import {
  clearConflict,
  clearResyncSeen,
  deleteEntries,
  deleteEntriesOfRow,
  deleteVersion,
  enqueueRow,
  entityOrder,
  hasConflicts,
  hasParkedRows,
  hasPendingChange,
  isResyncUnderway,
  localSyncState,
  listLostRows,
  listUnseenVersions,
  localWireData,
  markResend,
  markResyncSeen,
  markSent,
  nextBatch,
  readState,
  recordConflict,
  recordProblem,
  rekeyEntry,
  setVersion,
  unpark,
  unparkUnseen,
  updateState,
  whileApplying,
  type OutboxRow,
} from './sync.repository';

/** What a round works with; the retry policy and the signals that stop retries are RetryDeps (sync-retries.ts). */
export interface EngineDeps extends RetryDeps {
  db: Kysely<Database>;
  now: () => number;
  timeZone: () => Promise<string>;
  /** Publishes the events for rows the server changed here (boards refresh). */
  publish: (effects: AppliedEffects) => void;
}

function toMutation(entry: OutboxRow): Mutation {
  return {
    mutationId: entry.mutation_id,
    entity: entry.entity as SyncEntity,
    uid: entry.uid,
    op: entry.op,
    baseVersion: entry.base_version,
    data: entry.data === null ? null : (JSON.parse(entry.data) as Record<string, unknown>),
  };
}

async function applyContext(deps: EngineDeps, effects: AppliedEffects): Promise<ApplyContext> {
  return { now: deps.now(), timeZone: await deps.timeZone(), effects, ids: new Map() };
}

/**
 * Pushes the outbox, oldest first, in batches. Returns how many entries the server answered.
 * A request refused for its content as a whole (400, 413, 422) is halved until the one
 * change at fault is alone, which then goes to the problems list.
 */
export async function pushOutbox(deps: EngineDeps, http: CloudHttp, clientId: string): Promise<number> {
  let limit = PUSH_BATCH_MAX;
  let answered = 0;
  for (;;) {
    const candidates = await nextBatch(deps.db, limit);
    if (candidates.length === 0) return answered;
    const sent = await markSent(
      deps.db,
      candidates.map((entry) => entry.seq),
      deps.now(),
    );
    let results: MutationResult[];
    try {
      results = (await withRetries(deps, () => http.push({ clientId, mutations: sent.map(toMutation) }))).results;
    } catch (error) {
      // 400, 413, 422: this request's content. Anything else (401/403, a 404 from a wrong URL...)
      // is about the connection, not the changes: the round fails and the outbox stays as it is.
      if (!(error instanceof CloudRequestError) || error.kind !== 'http' || ![400, 413, 422].includes(error.status ?? 0)) throw error;
      if (sent.length > 1) {
        limit = Math.max(1, Math.floor(sent.length / 2));
        continue;
      }
      const [entry] = sent;
      await deps.db.transaction().execute(async (trx) => {
        await recordProblem(trx, {
          entity: entry!.entity as SyncEntity,
          uid: entry!.uid,
          op: entry!.op,
          reason: error.code ?? `HTTP_${error.status}`,
          message: error.message,
          at: deps.now(),
        });
        await deleteEntries(trx, [entry!.mutation_id]);
      });
      limit = PUSH_BATCH_MAX;
      continue;
    }
    const count = await settleResults(deps, sent, results);
    answered += count;
    // The server answered none of them (it should answer each): try again next round, not in a loop now.
    if (count === 0) return answered;
  }
}

/** Records the server's answers in one transaction; returns how many entries were settled. */
async function settleResults(deps: EngineDeps, sent: readonly OutboxRow[], results: readonly MutationResult[]): Promise<number> {
  const byId = new Map(results.map((result) => [result.mutationId, result]));
  const effects = new AppliedEffects();
  const ctx = await applyContext(deps, effects);
  let settled = 0;
  await deps.db.transaction().execute((trx) =>
    whileApplying(trx, async () => {
      const done: string[] = [];
      for (const entry of sent) {
        const result = byId.get(entry.mutation_id);
        if (!result) continue;
        settled += 1;
        const entity = entry.entity as SyncEntity;
        if (result.status === 'applied') {
          await setVersion(trx, entity, entry.uid, result.version);
          if (entity === 'appointment') await clearConflict(trx, entry.uid);
          done.push(entry.mutation_id);
        } else if (result.status === 'rejected') {
          await recordProblem(trx, { entity, uid: entry.uid, op: entry.op, reason: result.reason, message: result.message, at: ctx.now });
          // The problem says what became of the change now: a conflict flag would offer ways out of another answer.
          if (entity === 'appointment') await clearConflict(trx, entry.uid);
          done.push(entry.mutation_id);
        } else if (result.clash) {
          // The slot is taken on the server: the local appointment stays as it is, flagged,
          // until staff move or cancel it (which is a new change, pushed as usual).
          await recordConflict(trx, {
            appointmentUid: entry.uid,
            kind: result.clash.kind,
            clashUid: result.clash.uid,
            startsAt: result.clash.startsAt,
            endsAt: result.clash.endsAt,
            origin: result.clash.origin ?? null,
            at: ctx.now,
          });
          done.push(entry.mutation_id);
        } else {
          await settleStale(trx, entry, result.current, ctx);
        }
      }
      await deleteEntries(trx, done);
    }),
  );
  deps.publish(effects);
  return settled;
}

/**
 * The row changed on the server since this change's base version (another desk, the portal).
 * Rule: the server's row wins. When it already equals ours, nothing is lost and the version
 * is simply taken; otherwise the local row becomes the server's, this desk's pending changes
 * of that row are dropped, and a problem says so (staff may redo the change on the new row).
 */
async function settleStale(trx: Kysely<Database>, entry: OutboxRow, current: ServerRow | null, ctx: ApplyContext): Promise<void> {
  const entity = entry.entity as SyncEntity;
  if (current === null) {
    // We had a version the server no longer knows (a server restored from an older backup): send it again as new.
    await deleteVersion(trx, entity, entry.uid);
    await rekeyEntry(trx, entry.mutation_id, randomUUID());
    return;
  }
  const isSame = entry.op === 'delete' ? current.deleted : !current.deleted && canonicalJson(current.data) === canonicalJson(JSON.parse(entry.data!));
  if (isSame) {
    await setVersion(trx, entity, entry.uid, current.version);
    await deleteEntries(trx, [entry.mutation_id]);
    if (entity === 'appointment') await clearConflict(trx, entry.uid);
    return;
  }
  await deleteEntriesOfRow(trx, entity, entry.uid);
  const outcome = await applyServerRow(trx, current, ctx);
  if (outcome.status === 'parked') await parkRow(trx, current, outcome.reason, ctx.now);
  // Settling a conflict said so already.
  if (outcome.status === 'applied' && outcome.isConflictSettled) return;
  // A desk joining a clinic sends its own settings as new and takes the clinic's: expected, not a problem.
  if (entity === 'clinic' && entry.base_version === null) return;
  await recordProblem(trx, {
    entity,
    uid: entry.uid,
    op: entry.op,
    reason: 'SUPERSEDED',
    message: `This ${entity} was changed elsewhere at the same time; the cloud's version was kept and this desk's change was not sent.`,
    at: ctx.now,
  });
}

/**
 * One pulled change. A row with a local change pending is not overwritten: that change will
 * meet the server's version when pushed. One the desk already has (our own change coming
 * back) is skipped. An appointment the cloud refused (a conflict) with nothing pending takes
 * the cloud's later row, which settles the conflict (see applyServerRow).
 */
async function applyPulled(trx: Kysely<Database>, change: Change, ctx: ApplyContext, hasParked: boolean, isLost: boolean): Promise<void> {
  const { known, isPending } = await localSyncState(trx, change.entity, change.uid);
  if (isLost && known !== null && known >= change.version && !isPending) return keepOrSendBack(trx, change);
  if (known !== null && known >= change.version) return;
  if (isPending) return;
  const row: ServerRow = { entity: change.entity, uid: change.uid, version: change.version, deleted: change.deleted, data: change.data };
  const outcome = await applyServerRow(trx, row, ctx);
  if (outcome.status === 'applied') {
    if (hasParked) await unpark(trx, change.entity, change.uid);
  } else if (outcome.status === 'parked') await parkRow(trx, row, outcome.reason, ctx.now);
  else
    await recordProblem(trx, {
      entity: change.entity,
      uid: change.uid,
      op: change.deleted ? 'delete' : 'upsert',
      reason: 'INVALID',
      message: outcome.message,
      at: ctx.now,
    });
}

/**
 * A resync from a cloud that lost state (restored from an older backup) delivered a row at a
 * version this desk already holds or passed. The same data: the cloud's version is taken.
 * Other data: the cloud lost this desk's later change (a version it hands out again may even
 * name another state), so the row is sent back at the end of the resync.
 */
async function keepOrSendBack(trx: Kysely<Database>, change: Change): Promise<void> {
  const local = await localWireData(trx, change.entity, change.uid);
  const isSame = local === null ? change.deleted : !change.deleted && canonicalJson(JSON.parse(local)) === canonicalJson(change.data);
  await setVersion(trx, change.entity, change.uid, change.version);
  if (!isSame) await markResend(trx, change.entity, change.uid);
}

/** Retries the parked rows in a transaction of their own (after a push freed a slot, say). */
export async function applyParked(deps: EngineDeps): Promise<void> {
  // Most rounds have nothing parked: no write transaction (and no fsync) for them.
  if (!(await hasParkedRows(deps.db))) return;
  const effects = new AppliedEffects();
  const ctx = await applyContext(deps, effects);
  await deps.db.transaction().execute((trx) => whileApplying(trx, () => retryParked(trx, ctx)));
  deps.publish(effects);
}

/**
 * The cloud cannot serve this cursor: 410 CURSOR_EXPIRED (too old, another database, ahead of
 * a restored server), or 400 INVALID_REQUEST for a cursor it cannot even read (the server was
 * replaced by one that hands out other cursors). Either way: start again without one.
 */
function isCursorRefused(error: unknown): boolean {
  if (!(error instanceof CloudRequestError) || error.kind !== 'http') return false;
  return error.status === 410 || (error.status === 400 && error.code === 'INVALID_REQUEST');
}

/**
 * Whether the cloud refused the cursor for having lost what this desk knows. Only a cursor
 * too old (deletes purged after it) means the rows it does not send are gone; any other
 * refusal (ahead of a restored cloud, another database, a cursor it cannot read, a reason
 * not given) may mean the cloud lost changes: they are sent back, never deleted.
 */
function isLostState(error: unknown): boolean {
  return !(error instanceof CloudRequestError && error.status === 410 && error.reason === 'TOO_OLD');
}

/**
 * Pulls every page after the cursor. Each page is applied and the cursor advanced in one
 * transaction: a crash between pages repeats at most the page that was not committed.
 *
 * A pull from no cursor (the first one, or after a cursor the cloud cannot serve: see
 * isCursorRefused) is a full resync: a snapshot of the cloud's live rows. Each of its pages
 * records which rows it delivered (sync_resync_seen) in the same transaction, so a resync
 * that fails partway resumes from its snapshot cursor in a later round and still knows what
 * the earlier pages brought; its last page drops exactly the rows not delivered (see
 * dropUnseen). A refused cursor starts the resync over, once per call (a cloud that refuses
 * its own cursors fails the round instead of looping).
 */
export async function pullChanges(deps: EngineDeps, http: CloudHttp): Promise<number> {
  const state = await readState(deps.db);
  let cursor = state.cursor;
  let pulled = 0;
  let isResync = cursor === null || (await isResyncUnderway(deps.db));
  let isLost = isResync && state.resync_lost === 1;
  let isRestarted = false;
  for (;;) {
    let page;
    try {
      page = await withRetries(deps, () => http.pull(cursor));
    } catch (error) {
      if (cursor !== null && !isRestarted && isCursorRefused(error)) {
        cursor = null;
        isResync = true;
        isLost = isLostState(error);
        isRestarted = true;
        continue;
      }
      throw error;
    }
    const effects = new AppliedEffects();
    const ctx = await applyContext(deps, effects);
    const changes = page.changes;
    const nextCursor = page.cursor;
    const isSnapshotStart = cursor === null;
    const isLast = !page.hasMore || changes.length === 0;
    const isResyncEnd = isResync && isLast;
    if (changes.length === 0 && nextCursor === cursor && !isResyncEnd) return pulled;
    await deps.db.transaction().execute((trx) =>
      whileApplying(trx, async () => {
        if (isResync) {
          // A snapshot from no cursor is a new one: what an earlier, abandoned one delivered says nothing now.
          if (isSnapshotStart) {
            await clearResyncSeen(trx);
            await updateState(trx, { resync_lost: isLost ? 1 : 0 });
          }
          await markResyncSeen(trx, changes);
        }
        const hasParked = await hasParkedRows(trx);
        ctx.mayHaveConflicts = await hasConflicts(trx);
        for (const change of changes) await applyPulled(trx, change, ctx, hasParked, isLost);
        if (isResyncEnd) {
          if (isLost) await sendBackLost(trx, ctx);
          else await dropUnseen(trx, ctx);
          await clearResyncSeen(trx);
          await updateState(trx, { resync_lost: 0 });
        }
        if (changes.length > 0 || isResyncEnd) await retryParked(trx, ctx);
        await updateState(trx, { cursor: nextCursor });
      }),
    );
    deps.publish(effects);
    pulled += changes.length;
    cursor = nextCursor;
    if (isLast) return pulled;
  }
}

/**
 * At the end of a full resync: a row the server had (it has a version here) that no page of
 * the resync delivered was deleted while our cursor was too old to hear of it; it goes here
 * too, unless a local change of it is pending (that change will meet the server's answer).
 * Parked server rows not delivered are states of rows the cloud no longer has: dropped.
 */
async function dropUnseen(trx: Kysely<Database>, ctx: ApplyContext): Promise<void> {
  await unparkUnseen(trx);
  // Appointments first: they refer to the others.
  const gone = (await listUnseenVersions(trx)).reverse();
  gone.sort((a, b) => entityOrder.indexOf(b.entity as SyncEntity) - entityOrder.indexOf(a.entity as SyncEntity));
  for (const row of gone) {
    const entity = row.entity as SyncEntity;
    if (await hasPendingChange(trx, entity, row.uid)) continue;
    const tombstone: ServerRow = { entity, uid: row.uid, version: row.version + 1, deleted: true, data: null };
    const outcome = await applyServerRow(trx, tombstone, ctx);
    if (outcome.status === 'parked') await parkRow(trx, tombstone, outcome.reason, ctx.now);
  }
}

/**
 * At the end of a resync from a cloud that lost state: every row it did not deliver, and every
 * row it delivered in an older state, goes back to it as a new change (referenced rows first),
 * and staff are told each one (RESENT). Nothing is deleted here. Parked rows not delivered are
 * dropped, as after any resync.
 */
async function sendBackLost(trx: Kysely<Database>, ctx: ApplyContext): Promise<void> {
  await unparkUnseen(trx);
  const lost = await listLostRows(trx);
  lost.sort((a, b) => entityOrder.indexOf(a.entity as SyncEntity) - entityOrder.indexOf(b.entity as SyncEntity));
  for (const row of lost) {
    const entity = row.entity as SyncEntity;
    if (await hasPendingChange(trx, entity, row.uid)) continue;
    const data = await localWireData(trx, entity, row.uid);
    if (row.isUnseen === 1) {
      // The cloud does not have it: it is created again (no base version).
      await deleteVersion(trx, entity, row.uid);
      // Gone here and there alike: nothing to send.
      if (data === null) continue;
    }
    await enqueueRow(trx, { mutationId: randomUUID(), entity, uid: row.uid, op: data === null ? 'delete' : 'upsert', data, now: ctx.now });
    await recordProblem(trx, {
      entity,
      uid: row.uid,
      op: data === null ? 'delete' : 'upsert',
      reason: 'RESENT',
      message: `The cloud had lost this ${entity} (restored from an older backup, or replaced); this desk sent its copy again.`,
      at: ctx.now,
    });
  }
}

/** One round: push everything, retry what waits, pull everything. Throws CloudRequestError when the cloud failed us. */
export async function runRound(deps: EngineDeps, http: CloudHttp, clientId: string): Promise<{ pushed: number; pulled: number }> {
  const pushed = await pushOutbox(deps, http, clientId);
  await applyParked(deps);
  const pulled = await pullChanges(deps, http);
  await updateState(deps.db, { last_synced_at: deps.now() });
  return { pushed, pulled };
}
