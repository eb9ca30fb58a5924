import type { z } from 'zod';
import type { ErrorCode } from './errors';

export const roles = ['admin', 'receptionist', 'doctor'] as const;
export type Role = (typeof roles)[number];

/** Paired screens on the LAN, and the app's own display and kiosk windows. */
export const deviceRoles = ['display', 'kiosk'] as const;
export type DeviceRole = (typeof deviceRoles)[number];

export type CallerRole = Role | DeviceRole;

/**
 * Who may call a method: `public` needs no session (sign-in, first-run status),
 * otherwise the caller's role (a member of staff's, or a paired device's) must be listed.
 * Checked by the dispatcher for both transports, never only hidden in the UI.
 */
export type Access = 'public' | readonly CallerRole[];

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /**
   * The error codes a caller must be ready for beyond the universal ones (`universalErrorCodes`),
   * which any method may answer with. Omitted: none beyond those.
   */
  readonly errors?: readonly ErrorCode[];
  readonly access: Access;
  /** Methods that write: the dispatcher runs them in one transaction. */
  readonly writes?: boolean;
  /**
   * The audit-log actions the method may record (its own success, or a failure that must
   * stay on record). The dispatcher writes them with the caller, time and workstation, and
   * refuses an action not listed here.
   */
  readonly audits?: readonly string[];
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

export const STAFF: readonly Role[] = ['admin', 'receptionist', 'doctor'];
export const DESK: readonly Role[] = ['admin', 'receptionist'];
export const ADMIN: readonly Role[] = ['admin'];
