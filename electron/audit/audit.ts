import type { Kysely } from 'kysely';
import type { CallerRole } from '../../shared/contract/method';
import type { Database } from '../db/schema';
import { insertAudit, type AuditRow } from './audit.repository';

/** Who is acting: a member of staff, or a screen (a paired one, or the app's own window). */
export interface Actor {
  readonly staffId: number | null;
  /** 'system': the main process on its own; 'anonymous': a public method called by nobody signed in or paired. */
  readonly role: CallerRole | 'system' | 'anonymous';
  /** A doctor's practitioner (null: anyone else, or a doctor account linked to none). */
  readonly practitionerId: number | null;
  /** The machine or window, naming the screen when one acts: what the audit log shows as "where". */
  readonly workstation: string;
}

/** The main process itself, acting on a timer (automatic no-shows, retention). */
export const SYSTEM_ACTOR: Actor = { staffId: null, role: 'system', practitionerId: null, workstation: 'front-desk' };

/** What a method says it audits; who, when and where are the call's. Never a patient's details, never an image. */
export interface AuditNote {
  /** One of the actions the method declares in its contract entry (`audits`). */
  action: string;
  entity?: string;
  entityId?: number | null;
  /** A short text, or an object written as JSON. */
  detail?: string | Record<string, unknown>;
  /** Whose entry it is when not the actor's (a failed sign-in is filed under the account tried). */
  staffId?: number | null;
  /** A view of a patient's record: not written again within this many ms (`VIEW_REPEAT_MS`). */
  repeatWithinMs?: number;
}

/**
 * How long one look at a patient's record stays one entry. The desk reloads a patient's page
 * on every change pushed to it; five minutes keeps "who has seen this record" readable and
 * still tells each sitting apart.
 */
export const VIEW_REPEAT_MS = 5 * 60_000;

export function auditRow(note: AuditNote, actor: Actor, at: number): AuditRow {
  return {
    at,
    staffId: note.staffId !== undefined ? note.staffId : actor.staffId,
    workstation: actor.workstation,
    action: note.action,
    entity: note.entity ?? '',
    entityId: note.entityId ?? null,
    detail: typeof note.detail === 'string' ? note.detail : note.detail === undefined ? '' : JSON.stringify(note.detail),
    ...(note.repeatWithinMs !== undefined ? { repeatWithinMs: note.repeatWithinMs } : {}),
  };
}

/**
 * Writes an entry outside any method call: work the main process does on its own (the
 * no-show timer, retention), and steps journalled in transactions of their own (face
 * enrolment), which must stay recorded whatever happens to the call that started them.
 */
export function writeAudit(db: Kysely<Database>, actor: Actor, at: number, note: AuditNote): Promise<void> {
  return insertAudit(db, auditRow(note, actor, at));
}
