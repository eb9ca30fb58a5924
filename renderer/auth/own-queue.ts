import type { Role } from '../../shared/contract/method';

/**
 * Whether this role's queue screen is their own practitioner's queue ("My queue") rather
 * than the desk's view of every practitioner. This picks a view, it grants nothing: every
 * member of staff may call the queue methods, and the server keeps a doctor to their own.
 */
export function worksOwnQueue(role: Role | null | undefined): boolean {
  return role === 'doctor';
}
