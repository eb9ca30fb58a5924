import { type CursorRefusal, type SyncEntity } from '../shared/sync/cloud-api';
import type { CloudDb } from './db/cloud-db';
import * as repo from './db/cloud.repository';
import type { ClinicState } from './db/cloud.repository';
import { inClinic } from './db/tenancy.repository';

/**
 * Pulling changes. Every row sits in `rows` at its latest version with the seq of its
 * latest change, so "everything after cursor c" is the rows with seq > c, oldest first: a
 * client that was away gets each row once, in its current state, never a stale version.
 * Deletes stay as tombstones until compaction purges them; a cursor from before a purged
 * tombstone could miss that delete, so it is refused with CURSOR_EXPIRED.
 */

/**
 * What the patient portal never reads: the patient register, and staff accounts (password
 * hashes) and the clinic's settings, which are the desks' business.
 */
export const PORTAL_HIDDEN: readonly SyncEntity[] = ['patient', 'staff', 'clinic'];

export type { ClinicState };

/**
 * Where a client is in the change feed. `snapshot` is set while a full snapshot (a pull
 * without a cursor) is being paged: the last seq when it began. Tombstones up to it are
 * skipped (rows the client never got from this snapshot); later ones are delivered.
 */
export interface FeedPosition {
  seq: number;
  snapshot: number | null;
}

/** Opaque to clients: `v1.<database epoch>.<seq>[.<snapshot>]`. */
export function encodeCursor(epoch: string, position: FeedPosition): string {
  return position.snapshot === null || position.seq >= position.snapshot ? `v1.${epoch}.${position.seq}` : `v1.${epoch}.${position.seq}.${position.snapshot}`;
}

export type CursorCheck = { ok: true; position: FeedPosition } | { ok: false; status: 400 | 410; message: string; reason?: CursorRefusal };

export function checkCursor(state: ClinicState, cursor: string): CursorCheck {
  const match = /^v1\.([0-9a-f]{1,32})\.(0|[1-9]\d{0,15})(?:\.([1-9]\d{0,15}))?$/.exec(cursor);
  if (!match) return { ok: false, status: 400, message: 'The cursor is not one this API hands out.' };
  const seq = Number(match[2]);
  const snapshot = match[3] === undefined ? null : Number(match[3]);
  if (match[1] !== state.epoch) {
    return { ok: false, status: 410, reason: 'OTHER_DATABASE', message: 'The cursor belongs to another database: pull again without a cursor.' };
  }
  // Ahead of us: the database was restored from an older backup. The client may hold changes we lost.
  if (seq > state.lastSeq || (snapshot ?? 0) > state.lastSeq) {
    return { ok: false, status: 410, reason: 'AHEAD', message: 'The cursor is ahead of the server (restored from a backup?): pull again without a cursor.' };
  }
  if (Math.max(seq, snapshot ?? 0) < state.horizon) {
    return { ok: false, status: 410, reason: 'TOO_OLD', message: 'The cursor is too old: deletes after it were compacted away. Pull again without a cursor.' };
  }
  return { ok: true, position: { seq, snapshot } };
}

export interface PullPage {
  /** The response body, already JSON: rows' data is stored as JSON and is spliced, not re-serialised. */
  body: string;
  count: number;
}

/**
 * One page of changes after `cursor`; null starts a full snapshot of the live rows.
 * `hidden` entities are left out (the portal sees no patient register).
 * Snapshot pages are ordered by seq like any other, so a row changed while the snapshot
 * is paged moves past the cursor and comes again later, in its new state.
 *
 * One REPEATABLE READ snapshot holds the cursor check, the clinic's last seq and the rows:
 * every seq up to that last seq is committed in it, and none smaller can commit later
 * (pushes commit in seq order: see push.service.ts), so nothing is skipped.
 */
export async function pullPage(
  db: CloudDb,
  clinicId: number,
  cursor: string | null,
  limit: number,
  hidden: readonly SyncEntity[] = [],
): Promise<PullPage | Extract<CursorCheck, { ok: false }>> {
  return inClinic(
    db,
    clinicId,
    async (trx) => {
      const state = await repo.clinicState(trx, clinicId);
      let position: FeedPosition | null = null;
      if (cursor !== null) {
        const check = checkCursor(state, cursor);
        if (!check.ok) return check;
        position = check.position;
      }
      const from = position ?? { seq: 0, snapshot: state.lastSeq };
      const rows = await repo.changesAfter(trx, clinicId, from.seq, from.snapshot ?? 0, limit + 1, hidden);
      const hasMore = rows.length > limit;
      if (hasMore) rows.length = limit;
      // Nothing more: everything up to the last seq handed out has been seen (including purged and overwritten seqs).
      const seq = hasMore ? rows[rows.length - 1]!.seq : Math.max(from.seq, state.lastSeq);
      const changes = rows.map(
        (row) =>
          `{"entity":${JSON.stringify(row.entity)},"uid":${JSON.stringify(row.uid)},"version":${row.version},"deleted":${row.deleted},"data":${row.data ?? 'null'},"seq":${row.seq}}`,
      );
      const next = encodeCursor(state.epoch, { seq, snapshot: from.snapshot });
      return { body: `{"changes":[${changes.join(',')}],"cursor":${JSON.stringify(next)},"hasMore":${hasMore}}`, count: rows.length };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}

/**
 * Purges tombstones older than the last `keepLast` changes (0: all of them) and moves the
 * horizon past them. Live rows are never purged: they are the data. Under the clinic's lock,
 * so a push and a compaction never interleave.
 */
export async function compact(db: CloudDb, clinicId: number, keepLast: number): Promise<{ purged: number; horizon: number }> {
  return inClinic(db, clinicId, async (trx) => {
    const state = await repo.lockClinic(trx, clinicId);
    const cut = state.lastSeq - keepLast;
    if (cut <= state.horizon) return { purged: 0, horizon: state.horizon };
    return (await repo.purgeTombstones(trx, clinicId, cut)) ?? { purged: 0, horizon: state.horizon };
  });
}
