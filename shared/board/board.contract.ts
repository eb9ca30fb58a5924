import { z } from 'zod';
import { STAFF, method } from '../contract/method';
import { id, isoDay } from '../contract/common';
import { appointmentStatus } from '../appointments/appointments.contract';
import { scheduleProblem } from '../schedule/schedule.contract';

export const boardAppointment = z.strictObject({
  id,
  patientId: id,
  patientName: z.string(),
  patientPreferredName: z.string(),
  patientPhone: z.string(),
  practitionerId: id,
  roomId: id.nullable(),
  roomName: z.string().nullable(),
  specialtyId: id,
  specialtyNameEn: z.string(),
  specialtyNamePt: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  status: appointmentStatus,
  statusChangedAt: z.number(),
  isWalkIn: z.boolean(),
  priceCents: z.number().int(),
  /** Its number in its series (a course of sessions); null: not part of one. */
  seriesIndex: z.number().int().nullable(),
});
export type BoardAppointment = z.infer<typeof boardAppointment>;

export const boardContract = {
  /** The day's appointments by practitioner and time. A doctor only ever sees their own. */
  'board.day': method({
    input: z.strictObject({ day: isoDay, practitionerId: id.optional() }),
    output: z.strictObject({
      day: z.string(),
      timeZone: z.string(),
      practitioners: z.array(z.strictObject({ id, fullName: z.string(), color: z.string() })),
      appointments: z.array(boardAppointment),
      /** Appointments still to be seen that their practitioner's time off or hours no longer cover, not kept on purpose. */
      scheduleProblems: z.array(z.strictObject({ appointmentId: id, problem: scheduleProblem })),
    }),
    access: STAFF,
  }),
} as const;
