import { z } from 'zod';
import { id } from './common';

/** Push events, past tense: something changed, stores refetch what they show. */
export const events = {
  'appointments.changed': z.strictObject({ appointmentIds: z.array(id), days: z.array(z.string()) }),
  'patients.changed': z.strictObject({ patientIds: z.array(id) }),
  'practice.changed': z.strictObject({}),
  'settings.changed': z.strictObject({}),
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.infer<Events[E]>;
