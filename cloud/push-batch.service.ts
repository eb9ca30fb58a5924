import type { Clash, Mutation, MutationResult, SyncEntity } from '../shared/sync/cloud-api';
import type { Executor } from './db/cloud-db';
import type { ClinicState, Span, StoredRow } from './db/cloud.repository';
import * as batchRepo from './db/push-batch.repository';
import { MAX_APPOINTMENT_MS } from './db/limits';
import { HOUR_MS } from '../shared/time/units';
import type { BatchWrite } from './db/push-batch.repository';
import { checkStatelessly, conflict, fingerprintOf, isActive, Outcome, referencesOf, rejected, spanOf, usernameTaken, type Principal } from './push-rules';

/**
 * A push decided as a whole: one read of everything the batch needs (under the clinic's lock,
 * so nothing else changes it meanwhile), each mutation decided in order against that state as
 * the earlier ones leave it (versions, live rows, references, spans, usernames, idempotency
 * records), then one write of the end state. The answers are the ones the mutations would get
 * applied one at a time (push.service.ts keeps that path, and runs it when the write trips a
 * constraint midway).
 */

const keyOf = (entity: string, uid: string) => `${entity}:${uid}`;

interface HeldSpan extends Span {
  origin: string | null;
}

export interface Decided {
  m: Mutation;
  data: Record<string, unknown> | null;
  /** `data` as stored (JSON). */
  text: string | null;
  fingerprint: string;
}

class BatchState {
  readonly rows = new Map<string, StoredRow>();
  /** Live staff account uid → its username as the database lowers it. */
  readonly usernameOf = new Map<string, string>();
  readonly lowered = new Map<string, string>();
  readonly stored = new Map<string, { fingerprint: string; result: string }>();
  /** Spans that may be in the way, by appointment uid, and their uids by practitioner (or room), then hour of start. */
  readonly spans = new Map<string, HeldSpan>();
  readonly holding = new Map<string, Map<number, Set<string>>>();
  /** For each row the batch deletes: the rows referring to it. */
  readonly referrers = new Map<string, Set<string>>();

  setSpan(span: HeldSpan): void {
    this.deleteSpan(span.uid);
    this.spans.set(span.uid, span);
    const hour = hourOf(span.startsAt);
    for (const who of whoOf(span)) {
      let hours = this.holding.get(who);
      if (!hours) this.holding.set(who, (hours = new Map()));
      const uids = hours.get(hour);
      if (uids) uids.add(span.uid);
      else hours.set(hour, new Set([span.uid]));
    }
  }

  deleteSpan(uid: string): void {
    const old = this.spans.get(uid);
    if (!old) return;
    this.spans.delete(uid);
    for (const who of whoOf(old)) this.holding.get(who)?.get(hourOf(old.startsAt))?.delete(uid);
  }

  /** The spans of `who` that may overlap [startsAt, endsAt): those starting less than the longest appointment before it. */
  near(who: string, startsAt: number, endsAt: number): HeldSpan[] {
    const hours = this.holding.get(who);
    const found: HeldSpan[] = [];
    if (!hours) return found;
    for (let hour = hourOf(startsAt - MAX_APPOINTMENT_MS), last = hourOf(endsAt - 1); hour <= last; hour++) {
      const uids = hours.get(hour);
      if (uids) for (const uid of uids) found.push(this.spans.get(uid)!);
    }
    return found;
  }
}

const whoOf = (span: Span) =>
  span.roomUid === null ? [`practitioner:${span.practitionerUid}`] : [`practitioner:${span.practitionerUid}`, `room:${span.roomUid}`];

const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

function clashIn(state: BatchState, span: Span): Clash | null {
  let best: { kind: Clash['kind']; other: HeldSpan } | null = null;
  for (const kind of ['practitioner', 'room'] as const) {
    const who = kind === 'practitioner' ? span.practitionerUid : span.roomUid;
    if (who === null) continue;
    for (const other of state.near(`${kind}:${who}`, span.startsAt, span.endsAt)) {
      if (other.uid === span.uid || !isActive(other.status)) continue;
      if (!(other.startsAt < span.endsAt && span.startsAt < other.endsAt)) continue;
      if (!best || other.startsAt < best.other.startsAt) best = { kind, other };
    }
    // The practitioner first: a taken practitioner is what staff must hear of.
    if (best) break;
  }
  if (!best) return null;
  const { kind, other } = best;
  return {
    kind,
    uid: other.uid,
    startsAt: other.startsAt,
    endsAt: other.endsAt,
    ...(other.origin === null ? {} : { origin: other.origin.slice(0, 100) }),
  };
}

/** Reads what the batch needs, and the state it starts from. */
async function readState(trx: Executor, clinicId: number, decided: Decided[]): Promise<BatchState> {
  const rowKeys = new Map<string, [SyncEntity, string]>();
  const deleted: Array<[SyncEntity, string]> = [];
  const usernames: string[] = [];
  const spans: Span[] = [];
  for (const { m, data } of decided) {
    rowKeys.set(keyOf(m.entity, m.uid), [m.entity, m.uid]);
    if (data === null) {
      deleted.push([m.entity, m.uid]);
      continue;
    }
    for (const [entity, uid] of referencesOf(m.entity, data)) rowKeys.set(keyOf(entity, uid), [entity, uid]);
    if (m.entity === 'staff') usernames.push(data.username as string);
    if (m.entity === 'appointment' && isActive(data.status as string)) spans.push(spanOf(m, data));
  }
  const facts = await batchRepo.batchFacts(trx, clinicId, {
    mutationIds: decided.map(({ m }) => m.mutationId),
    rows: [...rowKeys.values()],
    deleted,
    usernames,
    spans,
  });
  const state = new BatchState();
  for (const record of facts.stored) state.stored.set(record.mutationId, record);
  for (const { username, ...row } of facts.rows) {
    state.rows.set(keyOf(row.entity, row.uid), row);
    if (username !== null) state.usernameOf.set(row.uid, username);
  }
  for (const holder of facts.holders) state.usernameOf.set(holder.uid, holder.username);
  for (const { name, lower } of facts.usernames) state.lowered.set(name, lower);
  for (const span of facts.spans) state.setSpan(span);
  for (const [entity, uid] of deleted) state.referrers.set(keyOf(entity, uid), new Set());
  for (const ref of facts.referrers) state.referrers.get(keyOf(ref.toEntity, ref.toUid))?.add(keyOf(ref.fromEntity, ref.fromUid));
  return state;
}

export interface Written {
  entity: SyncEntity;
  uid: string;
  version: number;
  data: string | null;
  seq: number;
  refs: Array<[SyncEntity, string]>;
  /** An appointment's span (null for a deleted one or another entity). */
  span: Span | null;
  updatedBy: string;
  updatedAt: number;
}

/** The batch after the checks that need no database: each mutation's answer, or what to decide it with. */
export interface Prepared {
  results: Array<MutationResult | null>;
  decided: Decided[];
}

export function prepareBatch(mutations: Mutation[], principal: Principal): Prepared {
  const results: Array<MutationResult | null> = [];
  const decided: Decided[] = [];
  for (const m of mutations) {
    try {
      const checked = checkStatelessly(m, principal);
      const data = checked?.data ?? null;
      decided.push({ m, data, text: checked?.text ?? null, fingerprint: fingerprintOf(m, data) });
      results.push(null);
    } catch (error) {
      if (!(error instanceof Outcome)) throw error;
      results.push(error.result);
    }
  }
  return { results, decided };
}

/** One push request of a group decided in one transaction. */
export interface Pushed {
  prepared: Prepared;
  principal: Principal;
  clientId: string;
  now: number;
}

/** What a group of pushes decided: each one's answers, and what to write. */
export interface BatchDecision {
  results: MutationResult[][];
  /** How many of each push's mutations were applied now (not replays). */
  applied: number[];
  /** The rows written, each at its last state, in the order of their last writes. */
  written: Map<string, Written>;
  records: BatchWrite['records'];
  lastSeq: number;
}

/** Decides every mutation of every push in order, each against the state the earlier ones leave. */
function decideAll(pushes: Pushed[], state: BatchState, clinic: ClinicState): BatchDecision {
  let seq = clinic.lastSeq;
  const written = new Map<string, Written>();
  const records: BatchWrite['records'] = [];
  const all: MutationResult[][] = [];
  const applied: number[] = [];
  for (const { prepared, principal, clientId, now } of pushes) {
    const seqBefore = seq;
    const results = [...prepared.results];
    let next = 0;
    for (let i = 0; i < results.length; i++) {
      if (results[i] !== null) continue;
      const { m, data, text, fingerprint } = prepared.decided[next++]!;
      const known = state.stored.get(m.mutationId);
      if (known) {
        results[i] =
          known.fingerprint === fingerprint
            ? (JSON.parse(known.result) as MutationResult)
            : rejected(m, 'INVALID', 'This mutationId was already used for a different change.', false).result;
        continue;
      }
      let outcome: Outcome;
      try {
        const change = decide(state, m, data, text, principal, clinic.purgedVersion);
        outcome = new Outcome({ mutationId: m.mutationId, status: 'applied', version: change.version }, true);
        const key = keyOf(m.entity, m.uid);
        written.delete(key); // re-inserted: the map keeps the order of each row's last write
        written.set(key, { ...change, seq: ++seq, updatedBy: clientId, updatedAt: now });
      } catch (error) {
        if (!(error instanceof Outcome)) throw error;
        outcome = error;
      }
      results[i] = outcome.result;
      if (!outcome.isStored) continue;
      const record = { fingerprint, result: JSON.stringify(outcome.result) };
      state.stored.set(m.mutationId, record);
      records.push({ mutationId: m.mutationId, ...record, clientId, at: now });
    }
    all.push(results as MutationResult[]);
    applied.push(seq - seqBefore);
  }
  return { results: all, applied, written, records, lastSeq: seq };
}

const decidedOf = (pushes: Pushed[]) => pushes.flatMap(({ prepared }) => prepared.decided);

/**
 * Decides and writes a group of pushes, in order, as if one after the other. The caller holds
 * the clinic's lock (taken first in this transaction), so the read sees every earlier push
 * and nothing changes it before commit; a constraint that fires in the write (see
 * writeBatch) fails the transaction.
 */
export async function applyBatch(trx: Executor, clinicId: number, clinic: ClinicState, pushes: Pushed[]): Promise<BatchDecision> {
  const decided = decidedOf(pushes);
  const state = decided.length === 0 ? new BatchState() : await readState(trx, clinicId, decided);
  const before = new Set(state.rows.keys());
  const decision = decideAll(pushes, state, clinic);
  if (decision.records.length > 0) await batchRepo.writeBatch(trx, clinicId, endState(decision, before));
  return decision;
}

/** What the database must hold after the batch; `before`: the rows it held before (theirs are the refs that may go). */
function endState({ written, records, lastSeq }: BatchDecision, before: Set<string>): BatchWrite {
  const rows = [...written.values()];
  const spans: Span[] = [];
  const freedSpans: string[] = [];
  for (const row of rows) {
    if (row.entity !== 'appointment') continue;
    if (row.span === null) freedSpans.push(row.uid);
    else spans.push(row.span);
  }
  return {
    rows: rows.map(({ entity, uid, version, data, seq, updatedBy, updatedAt }) => ({ entity, uid, version, data, seq, updatedBy, updatedAt })),
    replaced: rows.filter((row) => before.has(keyOf(row.entity, row.uid))).map((row) => [row.entity, row.uid]),
    refs: rows.flatMap((row) => row.refs.map(([toEntity, toUid]) => ({ fromEntity: row.entity, fromUid: row.uid, toEntity, toUid }))),
    spans,
    freedSpans,
    records,
    lastSeq,
  };
}

/**
 * One mutation against the batch's state, as push.service.ts's `write` decides it against the
 * database; applied, the state changes as the database would. Throws the Outcome otherwise.
 */
function decide(
  state: BatchState,
  m: Mutation,
  data: Record<string, unknown> | null,
  text: string | null,
  principal: Principal,
  purgedVersion: number,
): Omit<Written, 'seq' | 'updatedBy' | 'updatedAt'> {
  const key = keyOf(m.entity, m.uid);
  const current = state.rows.get(key);
  if (principal === 'portal' && current) throw rejected(m, 'FORBIDDEN', 'The portal may only create new rows.', false);
  const isBaseCurrent = m.baseVersion === null ? current === undefined : current !== undefined && !current.deleted && current.version === m.baseVersion;
  if (!isBaseCurrent) throw conflict(m, current, null);
  const version = (current?.version ?? purgedVersion) + 1;

  if (data === null) {
    const referrers = state.referrers.get(key);
    const referrer = referrers?.values().next().value;
    if (current && referrer !== undefined) {
      const [entity, uid] = [referrer.slice(0, referrer.indexOf(':')), referrer.slice(referrer.indexOf(':') + 1)];
      throw rejected(m, 'INVALID', `This ${m.entity} is still referred to by ${entity} ${uid}.`, true);
    }
    state.rows.set(key, { entity: m.entity, uid: m.uid, version, deleted: true, data: null });
    state.deleteSpan(m.uid);
    updateReferrers(state, key, new Set());
    return { entity: m.entity, uid: m.uid, version, data: null, refs: [], span: null };
  }

  if (m.entity === 'staff') {
    const wanted = state.lowered.get(data.username as string)!;
    for (const [uid, username] of state.usernameOf) {
      if (uid !== m.uid && username === wanted) throw usernameTaken(m, data.username as string);
    }
  }
  const refs = referencesOf(m.entity, data);
  for (const [entity, uid] of refs) {
    const row = state.rows.get(keyOf(entity, uid));
    if (!row || row.deleted) throw rejected(m, 'MISSING_REFERENCE', `The ${entity} ${uid} is not on the server.`, true);
  }
  const span = m.entity === 'appointment' ? spanOf(m, data) : null;
  const clash = span && isActive(span.status) ? clashIn(state, span) : null;
  if (clash) throw conflict(m, current, clash);

  state.rows.set(key, { entity: m.entity, uid: m.uid, version, deleted: false, data: text });
  if (m.entity === 'staff') state.usernameOf.set(m.uid, state.lowered.get(data.username as string)!);
  if (span) state.setSpan({ ...span, origin: typeof data.origin === 'string' ? data.origin : null });
  updateReferrers(state, key, new Set(refs.map(([entity, uid]) => keyOf(entity, uid))));
  return { entity: m.entity, uid: m.uid, version, data: text, refs, span };
}

/** Row `from` now refers to exactly `targets`: the referrers of the rows the batch deletes follow. */
function updateReferrers(state: BatchState, from: string, targets: Set<string>): void {
  for (const [target, referrers] of state.referrers) {
    if (targets.has(target)) referrers.add(from);
    else referrers.delete(from);
  }
}
