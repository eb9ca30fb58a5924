import { z } from 'zod';
import { id } from './common';
import type { CallerRole } from './method';
import { displayState } from '../display/display.contract';

/** Push events, past tense: something changed, stores refetch what they show. */
export const events = {
  'appointments.changed': z.strictObject({ appointmentIds: z.array(id), days: z.array(z.string()) }),
  'patients.changed': z.strictObject({ patientIds: z.array(id) }),
  'practice.changed': z.strictObject({}),
  'settings.changed': z.strictObject({}),
  'queue.changed': z.strictObject({ practitionerIds: z.array(id), appointmentIds: z.array(id) }),
  /** The whole waiting-room view, already reduced to what the privacy setting allows. */
  'display.changed': displayState,
  'devices.changed': z.strictObject({}),
  /** A patient's face check-in status changed (consent, enrolment, withdrawal), or the AWS settings did. */
  'faces.changed': z.strictObject({ patientIds: z.array(id) }),
  /** The sync status, conflicts or problems changed. */
  'sync.changed': z.strictObject({}),
  /** A staff account was created or changed (here, or at another desk of the clinic). */
  'staff.changed': z.strictObject({}),
  /** A backup was taken or failed, the folder changed, or the weekly health check found something. */
  'backup.changed': z.strictObject({}),
} as const;

const STAFF_ONLY: readonly CallerRole[] = ['admin', 'receptionist', 'doctor'];

/**
 * Who receives each event. A paired display gets the waiting-room view and nothing else,
 * so no patient detail beyond it crosses the network to a screen in the waiting room.
 */
export const eventAudience: { readonly [E in keyof typeof events]: readonly CallerRole[] } = {
  'appointments.changed': STAFF_ONLY,
  'patients.changed': STAFF_ONLY,
  'practice.changed': STAFF_ONLY,
  'settings.changed': STAFF_ONLY,
  'queue.changed': STAFF_ONLY,
  'display.changed': [...STAFF_ONLY, 'display'],
  'devices.changed': STAFF_ONLY,
  'faces.changed': STAFF_ONLY,
  'sync.changed': STAFF_ONLY,
  'backup.changed': STAFF_ONLY,
  // Only administrators list the accounts.
  'staff.changed': ['admin'],
};

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
