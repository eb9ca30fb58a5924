import type { Kysely } from 'kysely';
import { z } from 'zod';
import { contract, isMethodName, type EventName, type EventPayload, type MethodName } from '../../shared/contract/contract';
import { AppError, type ErrorBody, type RpcResult } from '../../shared/contract/errors';
import { auditRow, type Actor, type AuditNote } from '../audit/audit';
import { insertAudit } from '../audit/audit.repository';
import type { Database } from '../db/schema';
import { readSettings } from '../settings/settings.repository';
import type { EventBus } from '../events/event-bus';
import type { CallContext, DeviceBinding, DeviceIdentity, RequestContext, Session, SessionBinding } from './context';
import type { Handlers } from './handlers';
import { lockIfIdle } from './idle-lock';

/**
 * Methods a locked session may still call: to see it is locked, unlock, or leave; and the
 * device methods a screen's page calls on the same browser, which touch no staff data.
 */
const allowedWhileLocked = new Set<MethodName>(['auth.status', 'auth.unlock', 'auth.signOut', 'devices.whoAmI', 'devices.pair']);

export interface DispatcherDeps {
  db: Kysely<Database>;
  handlers: Handlers;
  bus: EventBus;
  now?: () => number;
  /** Minutes without activity after which a session locks. */
  idleLockMinutes(): number;
}

export interface Caller {
  transport: 'ipc' | 'http';
  workstation: string;
  /**
   * Where the call comes from, for the attempt limits: the network address over HTTP,
   * `app` for the app's own windows. Defaults to the workstation.
   */
  source?: string;
  auth: SessionBinding;
  /** The paired screen (or built-in display/kiosk window) this caller may speak for. */
  device?: DeviceBinding;
  /**
   * False only for a call a person made (a click, a key press): only those keep a session
   * from locking. Unset counts as background, so a poll nobody marked cannot hold the lock
   * off: the cost of a missing mark is an early lock screen, never a desk left open.
   */
  isBackground?: boolean;
}

export type Dispatch = (caller: Caller, method: unknown, input: unknown) => Promise<RpcResult<unknown>>;

/**
 * The single entry point both transports call: finds the method, checks the caller's role,
 * parses its input with the contract's schema, builds the call's request context (actor,
 * settings, moment), runs the handler (in one transaction when it writes), checks the
 * output against the contract, writes the audit entries the method declares inside that
 * transaction, and only then publishes its events.
 */
export function createDispatcher(deps: DispatcherDeps): Dispatch {
  const now = deps.now ?? Date.now;

  return async (caller, method, rawInput) => {
    try {
      if (!isMethodName(method)) {
        throw new AppError('UNKNOWN_METHOD', `There is no method named ${JSON.stringify(String(method)).slice(0, 80)}.`);
      }
      const spec = contract[method];
      const { session, device } = authorize(
        caller.auth.current(),
        caller.device?.current() ?? null,
        spec.access,
        method,
        now(),
        deps.idleLockMinutes(),
        caller.isBackground !== false,
      );

      const parsed = spec.input.safeParse(rawInput === undefined ? {} : rawInput);
      if (!parsed.success) throw validationError(parsed.error);

      const pending: Array<[EventName, unknown]> = [];
      const at = now();
      const actor = actorOf(caller.workstation, session, device) ?? anonymous(caller.workstation);
      const notes: AuditNote[] = [];
      const failures: AuditNote[] = [];
      const declared = (note: AuditNote): AuditNote => {
        // An action the contract does not list is our bug: the call fails rather than log what nobody declared.
        if (!spec.audits?.includes(note.action)) throw new Error(`${method} audits ${note.action}, which its contract entry does not declare`);
        return note;
      };
      const makeContext = (db: Kysely<Database>, sink: AuditNote[]): CallContext => {
        let settings: ReturnType<CallContext['settings']> | null = null;
        const ctx: CallContext = {
          db,
          session,
          device,
          deviceBinding: caller.device ?? null,
          transport: caller.transport,
          workstation: caller.workstation,
          source: caller.source ?? caller.workstation,
          auth: caller.auth,
          now,
          emit: <E extends EventName>(event: E, payload: EventPayload<E>) => {
            pending.push([event, payload]);
          },
          actor,
          settings: () => (settings ??= readSettings(db)),
          request: async (): Promise<RequestContext> => {
            return { now: at, settings: await ctx.settings(), actor, audit: ctx.audit };
          },
          audit: (note) => {
            sink.push(declared(note));
          },
          auditFailure: (note) => {
            failures.push(declared(note));
          },
          transaction: (work) =>
            db.transaction().execute(async (trx) => {
              const inner: AuditNote[] = [];
              const result = await work(makeContext(trx, inner));
              await writeNotes(trx, inner);
              return result;
            }),
        };
        return ctx;
      };
      const writeNotes = async (db: Kysely<Database>, list: readonly AuditNote[]) => {
        for (const note of list) await insertAudit(db, auditRow(note, actor, at));
      };

      const handler = deps.handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      let output: unknown;
      try {
        output = spec.writes
          ? await deps.db.transaction().execute(async (trx) => {
              const result = await handler(parsed.data, makeContext(trx, notes));
              // Checked inside the transaction: an output the contract refuses rolls the write back.
              const checked = spec.output.parse(result);
              await writeNotes(trx, notes);
              return checked;
            })
          : spec.output.parse(await handler(parsed.data, makeContext(deps.db, notes)));
        if (!spec.writes) await writeNotes(deps.db, notes);
      } catch (error) {
        // The failure's own record outlives the rolled-back call.
        await writeNotes(deps.db, failures);
        throw error;
      }

      for (const [event, payload] of pending) deps.bus.publish(event, payload as never);
      return { ok: true, value: output };
    } catch (error) {
      return { ok: false, error: toErrorBody(error) };
    }
  };
}

/**
 * Who the call runs as: a member of staff (their session) or a paired screen (its device
 * role). A screen's own methods run as the screen even in a browser that also holds a desk
 * session, locked or not: a waiting-room tab must neither stop at the desk's lock screen
 * nor keep the desk from locking.
 */
function authorize(
  session: Session | null,
  device: DeviceIdentity | null,
  access: (typeof contract)[MethodName]['access'],
  method: MethodName,
  now: number,
  idleLockMinutes: number,
  isBackground: boolean,
): { session: Session | null; device: DeviceIdentity | null } {
  if (session) lockIfIdle(session, now, idleLockMinutes);
  const staffMay = access === 'public' || (session !== null && !session.isLocked && access.includes(session.role));
  const deviceMay = access !== 'public' && device !== null && access.includes(device.role);
  if (deviceMay && !staffMay) return { session: null, device };

  if (session) {
    if (session.isLocked && !allowedWhileLocked.has(method)) {
      throw new AppError('UNAUTHENTICATED', 'The screen is locked. Enter your password to continue.', { locked: true });
    }
    if (!session.isLocked && !isBackground) session.lastActiveAt = now;
  }
  if (access === 'public') return { session, device };
  if (session) {
    if (!access.includes(session.role)) throw new AppError('FORBIDDEN', `Your role (${session.role}) may not do this.`);
    return { session, device: null };
  }
  if (device) throw new AppError('FORBIDDEN', `A paired ${device.role} may not do this.`, { deviceRole: device.role });
  throw new AppError('UNAUTHENTICATED', 'Please sign in first.');
}

/** The member of staff, or the screen, making the call, as the audit log and the services see them. */
function actorOf(workstation: string, session: Session | null, device: DeviceIdentity | null): Actor | null {
  if (session) return { staffId: session.staffId, role: session.role, practitionerId: session.practitionerId, workstation };
  if (device) {
    const which = device.id === null ? `built-in ${device.role}` : `${device.role} #${device.id}`;
    return { staffId: null, role: device.role, practitionerId: null, workstation: `${workstation} (${which} "${device.name}")` };
  }
  return null;
}

/** Nobody signed in yet: a failed sign-in, first-run setup. */
function anonymous(workstation: string): Actor {
  return { staffId: null, role: 'anonymous', practitionerId: null, workstation };
}

function validationError(error: z.ZodError): AppError {
  const fields = error.issues.slice(0, 20).map((issue) => {
    // Limits travel as numbers so the UI can word "at most 120 characters" in any language.
    const limits = issue as { minimum?: unknown; maximum?: unknown; origin?: unknown };
    return {
      path: issue.path.map(String).join('.'),
      code: issue.code,
      message: issue.message,
      ...(typeof limits.minimum === 'number' ? { minimum: limits.minimum } : {}),
      ...(typeof limits.maximum === 'number' ? { maximum: limits.maximum } : {}),
      ...(typeof limits.origin === 'string' ? { origin: limits.origin } : {}),
    };
  });
  const first = fields[0];
  const where = first && first.path ? ` (${first.path}: ${first.message})` : first ? ` (${first.message})` : '';
  return new AppError('VALIDATION', `Some of the information is not valid${where}.`, { fields });
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof AppError) return error.toBody();
  if (error instanceof z.ZodError) {
    // A handler's output that the contract refuses is our bug, not the user's.
    console.error('contract output check failed:', error.issues.slice(0, 5));
    return { code: 'INTERNAL', message: 'Something went wrong on our side. Nothing was saved.' };
  }
  console.error('unexpected error in handler:', error);
  return { code: 'INTERNAL', message: 'Something went wrong on our side. Nothing was saved.' };
}
