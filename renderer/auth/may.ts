import { contract, type MethodName } from '../../shared/contract/contract';
import type { Role } from '../../shared/contract/method';

/**
 * Whether a member of staff with this role may call the method: what the contract's
 * `access` says, the same list the dispatcher enforces. The UI shows or enables an action
 * by asking about the method that action calls, never by keeping a role list of its own.
 * Nobody signed in (`role` missing) may call only public methods.
 * Components use `useMay` (./use-may); commands and other plain code call this.
 */
export function may(role: Role | null | undefined, method: MethodName): boolean {
  const access = contract[method].access;
  if (access === 'public') return true;
  return !!role && access.includes(role);
}
