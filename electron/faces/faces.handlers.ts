import type { MethodOutput } from '../../shared/contract/contract';
import type { HandlerGroup } from '../rpc/handlers';
import type { CallContext } from '../rpc/context';
import type { Attempt } from '../security/attempt-limiter';
import { KioskThrottle } from '../kiosk/kiosk-throttle';
import { kioskCheckInPatient } from '../kiosk/kiosk.service';
import { announceQueueChange } from '../queue/queue-events';
import type { EventBus } from '../events/event-bus';
import type { FacesServices } from './faces.service';
import { assertMayReadPatient } from '../patients/patient-reach';

export type FaceMethods =
  | 'faces.settings'
  | 'faces.updateSettings'
  | 'faces.testConnection'
  | 'faces.availability'
  | 'faces.status'
  | 'faces.consentText'
  | 'faces.recordConsent'
  | 'faces.enrol'
  | 'faces.withdraw'
  | 'faces.applyRetention'
  | 'kiosk.faceCheckIn';

export function facesHandlers(
  services: FacesServices,
  bus: EventBus,
  // The kiosk's own limits (FACE_POLICY): growing waits, shown at the desk, which may clear them.
  throttle = new KioskThrottle(),
): HandlerGroup<FaceMethods> {
  // Outside a transaction the dispatcher's queued events would be lost on failure; a
  // withdrawal that stopped halfway has still changed the status, so it is published now.
  const changed = (patientIds: number[]) => bus.publish('faces.changed', { patientIds });

  const { settings, enrolment, withdrawal, identification } = services;

  return {
    'faces.settings': (_input, ctx) => settings.settingsView(ctx.db),

    'faces.updateSettings': async (input, ctx) => {
      const view = await settings.updateSettings(ctx.db, input, await ctx.request());
      ctx.emit('faces.changed', { patientIds: [] });
      return view;
    },

    'faces.testConnection': (_input, ctx) => settings.testConnection(ctx.db),

    'faces.availability': async (_input, ctx) => ({ faceCheckIn: await settings.isAvailable(ctx.db) }),

    'faces.status': async (input, ctx) => {
      const status = await enrolment.status(ctx.db, input.patientId);
      await assertMayReadPatient(ctx.db, ctx.actor, input.patientId);
      return status;
    },

    'faces.consentText': (input, ctx) => enrolment.consentText(ctx.db, input.patientId, input.locale),

    'faces.recordConsent': async (input, ctx) => {
      const status = await enrolment.recordConsent(ctx.db, input.patientId, input.version, await ctx.request());
      ctx.emit('faces.changed', { patientIds: [input.patientId] });
      return status;
    },

    // Enrolment and withdrawal journal (and audit) each step in a transaction of their own.
    'faces.enrol': async (input, ctx) => {
      const status = await enrolment.enrol(input.patientId, input.photos, (await ctx.request()).actor);
      ctx.emit('faces.changed', { patientIds: [input.patientId] });
      return status;
    },

    'faces.withdraw': async (input, ctx) => withdrawal.withdraw(input.patientId, (await ctx.request()).actor, 'patient', () => changed([input.patientId])),

    'faces.applyRetention': async (_input, ctx) => ({
      withdrawn: await withdrawal.applyRetention((await ctx.request()).actor, (patientId) => changed([patientId])),
    }),

    'kiosk.faceCheckIn': async (input, ctx) => {
      // Counted before the call to AWS, so that frames sent together each take a slot; one
      // that turns out to be no attempt (no face, the feature off or unreachable) frees it.
      const attempt = throttle.reserveFace(ctx);
      try {
        return await faceCheckIn(input.image, ctx, attempt);
      } finally {
        attempt.release();
      }
    },
  };

  async function faceCheckIn(image: string, ctx: CallContext, attempt: Attempt): Promise<MethodOutput<'kiosk.faceCheckIn'>> {
    const who = await identification.identify(ctx.db, Buffer.from(image, 'base64'));
    if (who.kind === 'notRecognised') {
      if (who.reason === 'noMatch') {
        attempt.fail(ctx.now());
        if (throttle.isWaiting(ctx)) ctx.emit('devices.changed', {});
      }
      // A face that matched nobody is a failed match for the audit log (the call itself
      // succeeds: the kiosk turns to the other check-in); an empty frame or a switched-off
      // feature is not an attempt at all.
      if (who.reason === 'noMatch' || who.reason === 'unavailable') {
        ctx.audit({ action: 'faces.match.failed', detail: who.reason === 'unavailable' ? `unavailable (${who.problem ?? 'UNKNOWN'})` : 'no match' });
      }
      return { outcome: 'notRecognised', reason: who.reason };
    }
    // This method does not write as a whole (no transaction may wait on AWS): the check-in
    // has its own, and the match is recorded in it, with the check-in or not at all.
    const { result, change, isFailure } = await ctx.transaction(async (tx) => {
      const outcome = await kioskCheckInPatient(tx.db, await tx.request(), who.patientId, 'kiosk.faceCheckIn');
      tx.audit({
        action: 'faces.match',
        entity: 'patient',
        entityId: who.patientId,
        // The reason stays in the audit log: the kiosk hears only seeDesk.
        detail: `similarity ${who.similarity.toFixed(1)}; ${outcome.reason?.outcome ?? outcome.result.outcome}`,
      });
      return outcome;
    });
    if (isFailure) {
      attempt.fail(ctx.now());
      if (throttle.isWaiting(ctx)) ctx.emit('devices.changed', {});
    } else attempt.succeed();
    if (change) await announceQueueChange(ctx, change);
    return result;
  }
}
