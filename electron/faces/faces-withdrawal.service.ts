import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { AppError } from '../../shared/contract/errors';
import type { FaceStatus } from '../../shared/faces/faces.contract';
import { writeAudit, type Actor } from '../audit/audit';
import type { Database } from '../db/schema';
import { readSettings } from '../settings/settings.repository';
import type { FaceCloud } from './faces-cloud';
import { faceStatus } from './faces-enrolment.service';
import type { FaceRemoval, RunningKeys } from './faces-removal';
import {
  findEnrolment,
  type EnrolmentRow,
  type WithdrawalStep,
  isEnrolling,
  markWithdrawing,
  patientLanguage,
  patientsPastRetention,
  readFaceSettings,
  unfinishedBefore,
  unfinishedKeys,
  withdrawConsents,
} from './faces.repository';

/**
 * An unfinished enrolment or withdrawal this old, and not running here, was left by a
 * process that stopped. Far above the longest enrolment (a few calls of DESK_TIMEOUTS.deadline).
 */
export const ABANDONED_AFTER_MS = 5 * 60_000;

export interface FaceWithdrawalDeps {
  db: Kysely<Database>;
  now: () => number;
  cloud: FaceCloud;
  removal: FaceRemoval;
  running: RunningKeys;
}

/**
 * Withdrawal (the patient's, or retention's), and the recovery of enrolments and
 * withdrawals a stopped process left unfinished. Not one transaction: each step is
 * journalled, and audited, in a short transaction of its own.
 */
export class FaceWithdrawalService {
  constructor(private readonly deps: FaceWithdrawalDeps) {}

  /**
   * DeleteUser, DeleteFaces, the S3 photos, then the local ids. Each AWS step is recorded
   * when done, and each is harmless to repeat (a missing user, face or object counts as
   * deleted), so a withdrawal that stopped halfway is finished by running it again.
   */
  async withdraw(patientId: number, actor: Actor, reason: 'patient' | 'retention', onChange: () => void): Promise<FaceStatus> {
    const db = this.deps.db;
    if ((await patientLanguage(db, patientId)) === null) throw new AppError('NOT_FOUND', 'There is no such patient.', { field: 'patientId' });
    const action = reason === 'retention' ? 'faces.retention' : 'faces.withdraw';
    const started = await db.transaction().execute(async (trx) => {
      const at = this.deps.now();
      const withdrawn = await withdrawConsents(trx, patientId, at, actor.staffId, reason);
      // An enrolment under way here stops at its next journal write and undoes itself.
      if (await findEnrolment(trx, patientId)) await markWithdrawing(trx, patientId, at);
      const enrolment = await findEnrolment(trx, patientId);
      if (!enrolment && withdrawn > 0) {
        await writeAudit(trx, actor, at, { action, entity: 'patient', entityId: patientId, detail: 'consent withdrawn (no photos)' });
      }
      return { enrolment, changed: withdrawn > 0 || enrolment !== null };
    });
    if (started.changed) onChange();
    if (!started.enrolment) return faceStatus(db, patientId);
    try {
      await this.deps.removal.finishRemoval(started.enrolment, actor, action);
    } catch (error) {
      // Not "nothing was changed": the consent is withdrawn, and some steps may be done.
      if (error instanceof AppError && error.code === 'CLOUD_UNAVAILABLE') throw unfinished(await findEnrolment(db, patientId), error);
      throw error;
    }
    onChange();
    return faceStatus(db, patientId);
  }

  /**
   * Clears what a process killed halfway left behind: enrolments under way, and withdrawals
   * started, more than a few minutes ago and not running here. An abandoned enrolment goes
   * through the withdrawal path but keeps the consent (the patient said yes; the enrolment is
   * what failed), so the patient is back to `consented`. Quiet when AWS has no credentials.
   * Returns how many were cleared and how many are too young to judge yet.
   */
  async recoverUnfinished(actor: Actor, onChange: (patientId: number) => void): Promise<{ cleared: number; pending: number }> {
    const { db, running } = this.deps;
    const stale = (await unfinishedBefore(db, this.deps.now() - ABANDONED_AFTER_MS)).filter((row) => !running.has(row.opaque_key));
    const staleKeys = new Set(stale.map((row) => row.opaque_key));
    const pending = (await unfinishedKeys(db)).filter((key) => !staleKeys.has(key) && !running.has(key)).length;
    if (stale.length === 0 || !(await this.deps.cloud.hasCredentials(db, await readFaceSettings(db)))) return { cleared: 0, pending };
    let cleared = 0;
    for (const row of stale) {
      try {
        await this.deps.removal.finishRemoval(row, actor, isEnrolling(row) ? 'faces.enrol.abandoned' : 'faces.withdraw');
        cleared++;
        onChange(row.patient_id);
      } catch (error) {
        // The next pass tries again; the audit log already says what failed.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return { cleared, pending };
  }

  /**
   * Finishes the withdrawals of these patients that were started elsewhere, in another
   * feature's transaction (merging two records withdraws the duplicate's enrolment), now
   * rather than at the next recovery pass. Quiet when AWS has no credentials: recovery and
   * the daily sweep finish them later.
   */
  async finishStarted(patientIds: readonly number[], actor: Actor, onChange: (patientId: number) => void): Promise<number> {
    const { db, running } = this.deps;
    const wanted = new Set(patientIds);
    const started = (await unfinishedBefore(db, Number.MAX_SAFE_INTEGER)).filter(
      (row) => wanted.has(row.patient_id) && !isEnrolling(row) && !running.has(row.opaque_key),
    );
    if (started.length === 0 || !(await this.deps.cloud.hasCredentials(db, await readFaceSettings(db)))) return 0;
    let finished = 0;
    for (const row of started) {
      try {
        await this.deps.removal.finishRemoval(row, actor, 'faces.withdraw');
        finished++;
        onChange(row.patient_id);
      } catch (error) {
        // Recovery tries again; the audit log already says what failed.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return finished;
  }

  /**
   * Withdraws the enrolments (and open consents) of patients not seen for the retention
   * time, after clearing what a crashed process left behind.
   */
  async applyRetention(actor: Actor, onChange: (patientId: number) => void): Promise<number> {
    const db = this.deps.db;
    await this.recoverUnfinished(actor, onChange);
    const settings = await readFaceSettings(db);
    if (settings.retention_months <= 0) return 0;
    const { timeZone } = await readSettings(db);
    const cutoff = DateTime.fromMillis(this.deps.now(), { zone: timeZone }).minus({ months: settings.retention_months }).toMillis();
    let withdrawn = 0;
    for (const patientId of await patientsPastRetention(db, cutoff)) {
      try {
        await this.withdraw(patientId, actor, 'retention', () => onChange(patientId));
        withdrawn++;
      } catch (error) {
        // The next run tries again; the audit log already says what failed.
        if (!(error instanceof AppError)) throw error;
      }
    }
    return withdrawn;
  }
}

const STEPS = [
  ['user', 'user_deleted', 'the face search entry'],
  ['faces', 'faces_deleted', 'the face data'],
  ['photos', 'photos_deleted', 'the photos'],
] as const;

/** WITHDRAWAL_UNFINISHED: what a withdrawal that stopped halfway has done (by its journal row), and what remains. */
function unfinished(row: Pick<EnrolmentRow, WithdrawalStep> | null, cause: AppError): AppError {
  const done = STEPS.filter(([, column]) => row === null || row[column] === 1);
  const remaining = STEPS.filter(([, column]) => row !== null && row[column] !== 1);
  const removed = done.length > 0 ? ` and ${done.map(([, , words]) => words).join(', ')} removed` : '';
  const left = remaining.length > 0 ? remaining.map(([, , words]) => words).join(', ') : 'the local record';
  return new AppError(
    'WITHDRAWAL_UNFINISHED',
    `The withdrawal is not finished: the consent is withdrawn${removed}; ${left} could not be deleted yet (AWS failed). Use “Finish withdrawal” to delete what remains.`,
    {
      state: 'withdrawing',
      problem: cause.details?.problem ?? 'UNKNOWN',
      done: ['consent', ...done.map(([step]) => step)],
      remaining: remaining.map(([step]) => step),
    },
  );
}
