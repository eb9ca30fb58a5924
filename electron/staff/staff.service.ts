import type { Kysely } from 'kysely';
import type { ParsedInput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import type { StaffView } from '../../shared/staff/staff.contract';
import type { SessionStore } from '../auth/session-store';
import { hashPassword } from '../auth/password';
import type { Database } from '../db/schema';
import { findPractitioner } from '../practice/practice.repository';
import type { RequestContext } from '../rpc/context';
import { findStaffById, findStaffByUsername, insertStaff, listStaff, toStaffView, updateStaff } from './staff.repository';

export async function allStaff(db: Kysely<Database>): Promise<StaffView[]> {
  return (await listStaff(db)).map(toStaffView);
}

export async function createStaff(db: Kysely<Database>, req: RequestContext, input: ParsedInput<'staff.create'>): Promise<StaffView> {
  if (await findStaffByUsername(db, input.username)) {
    throw new AppError('ALREADY_EXISTS', `The username ${input.username} is taken.`, { field: 'username' });
  }
  if (input.practitionerId !== null) await assertPractitionerExists(db, input.practitionerId);
  const row = await insertStaff(db, {
    username: input.username,
    displayName: input.displayName,
    role: input.role,
    passwordHash: await hashPassword(input.password),
    practitionerId: input.practitionerId,
    locale: input.locale,
    now: req.now,
  });
  req.audit({ action: 'staff.create', entity: 'staff', entityId: row.id });
  return toStaffView(row);
}

/**
 * Changes an account. A disabled account, a new role or a reset password ends that
 * person's sessions at once. An admin cannot disable themself or give up their own admin
 * role (the clinic would risk having none).
 */
export async function updateStaffAccount(
  db: Kysely<Database>,
  req: RequestContext,
  sessions: Pick<SessionStore, 'deleteForStaff'>,
  input: ParsedInput<'staff.update'>,
): Promise<StaffView> {
  const existing = await findStaffById(db, input.id);
  if (!existing) throw new AppError('NOT_FOUND', 'There is no such member of staff.');
  if (input.id === req.actor.staffId && (input.isActive === false || (input.role && input.role !== 'admin'))) {
    throw new AppError('FORBIDDEN', 'You cannot disable your own account or remove your own admin role.');
  }
  if (input.practitionerId) await assertPractitionerExists(db, input.practitionerId);
  const row = await updateStaff(db, input.id, {
    displayName: input.displayName,
    role: input.role,
    practitionerId: input.practitionerId,
    isActive: input.isActive,
    passwordHash: input.password !== undefined ? await hashPassword(input.password) : undefined,
  });
  if (input.isActive === false || input.role !== undefined || input.password !== undefined) sessions.deleteForStaff(input.id);
  req.audit({ action: 'staff.update', entity: 'staff', entityId: row.id });
  return toStaffView(row);
}

async function assertPractitionerExists(db: Kysely<Database>, practitionerId: number): Promise<void> {
  if (!(await findPractitioner(db, practitionerId))) throw new AppError('NOT_FOUND', 'There is no such practitioner.', { field: 'practitionerId' });
}
