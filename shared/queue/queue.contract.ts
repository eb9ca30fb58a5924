import { z } from 'zod';
import { DESK, STAFF, method } from '../contract/method';
import { id, isoDay, text } from '../contract/common';

/** Statuses a patient has in the queue, from check-in to leaving. */
export const queueEntryStatus = z.enum(['checked_in', 'called', 'in_consultation', 'done', 'no_show', 'left_unseen']);

/** One checked-in patient, as the desk and the practitioner see them. */
export const queueEntry = z.strictObject({
  appointmentId: id,
  ticket: z.string(),
  patientId: id,
  patientName: z.string(),
  patientPreferredName: z.string(),
  practitionerId: id,
  practitionerName: z.string(),
  roomId: id.nullable(),
  roomName: z.string().nullable(),
  specialtyId: id,
  status: queueEntryStatus,
  startsAt: z.number(),
  arrivedAt: z.number(),
  calledAt: z.number().nullable(),
  isWalkIn: z.boolean(),
  /** Checked in after start + grace: waits like a walk-in. */
  isLate: z.boolean(),
  /** Null once called. */
  estimatedWaitMinutes: z.number().int().nullable(),
  expectedStartAt: z.number().nullable(),
  /** The latest manual move's reason, when staff moved this patient. */
  movedReason: z.string().nullable(),
});
export type QueueEntryView = z.infer<typeof queueEntry>;

/** An active room and the consultation in it now, if any (a room holds one at a time). */
export const roomInUse = z.strictObject({
  roomId: id,
  roomName: z.string(),
  occupant: z
    .strictObject({
      appointmentId: id,
      ticket: z.string(),
      practitionerId: id,
      practitionerName: z.string(),
    })
    .nullable(),
});
export type RoomInUse = z.infer<typeof roomInUse>;

export const queueContract = {
  /** The active rooms, free ones first (by name), each with the consultation that holds it now. */
  'queue.rooms': method({
    input: z.strictObject({}),
    output: z.strictObject({ rooms: z.array(roomInUse) }),
    access: STAFF,
  }),
  /**
   * Today's queue: everyone checked in, called or in consultation, in calling order, with
   * estimated waits. A doctor sees their own practitioner's queue only.
   */
  'queue.list': method({
    input: z.strictObject({ practitionerId: id.optional(), day: isoDay.optional() }),
    output: z.strictObject({ entries: z.array(queueEntry) }),
    access: STAFF,
  }),
  /** Calls the first waiting patient of the practitioner's queue and assigns the room. Null when nobody waits. */
  'queue.callNext': method({
    input: z.strictObject({ practitionerId: id, roomId: id.optional() }),
    output: z.strictObject({ called: queueEntry.nullable() }),
    errors: ['NOT_FOUND'],
    access: STAFF,
    writes: true,
    audits: ['queue.callNext'],
  }),
  /** Calls a called patient again: the display shows and announces the call once more. */
  'queue.recall': method({
    input: z.strictObject({ appointmentId: id }),
    output: queueEntry,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: STAFF,
    writes: true,
    audits: ['queue.recall'],
  }),
  /** The patient goes into the consultation, in the room they were called to; refused while another consultation holds that room. */
  'queue.start': method({
    input: z.strictObject({ appointmentId: id }),
    output: queueEntry,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION', 'ROOM_OCCUPIED'],
    access: STAFF,
    writes: true,
    audits: ['queue.start'],
  }),
  'queue.finish': method({
    input: z.strictObject({ appointmentId: id }),
    output: queueEntry,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: STAFF,
    writes: true,
    audits: ['queue.finish'],
  }),
  /** Sends a called or in-consultation patient to another room (and calls them there); refused when another consultation holds it. */
  'queue.sendToRoom': method({
    input: z.strictObject({ appointmentId: id, roomId: id }),
    output: queueEntry,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION', 'ROOM_OCCUPIED'],
    access: STAFF,
    writes: true,
    audits: ['queue.sendToRoom'],
  }),
  /** Moves a waiting patient up (negative places) or down, with a reason. */
  'queue.move': method({
    input: z.strictObject({
      appointmentId: id,
      places: z
        .number()
        .int()
        .min(-50)
        .max(50)
        .refine((n) => n !== 0, 'move at least one place'),
      reason: z.string().trim().min(3).max(200),
    }),
    output: z.strictObject({ entries: z.array(queueEntry) }),
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: DESK,
    writes: true,
    audits: ['queue.move'],
  }),
  'queue.leftUnseen': method({
    input: z.strictObject({ appointmentId: id, reason: text(200).default('') }),
    output: queueEntry,
    errors: ['NOT_FOUND', 'INVALID_TRANSITION'],
    access: STAFF,
    writes: true,
    audits: ['queue.leftUnseen'],
  }),
} as const;
