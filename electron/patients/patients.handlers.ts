import { VIEW_REPEAT_MS } from '../audit/audit';
import type { HandlerGroup } from '../rpc/handlers';
import { assertMayReadPatient, readablePatientIds } from './patient-reach';
import { mergePatients, previewMerge } from './patients-merge.service';
import { createPatient, findDuplicates, getPatient, searchPatients, updatePatientFields } from './patients.service';

type PatientsMethods =
  'patients.search' | 'patients.get' | 'patients.create' | 'patients.update' | 'patients.findDuplicates' | 'patients.mergePreview' | 'patients.merge';

export function patientsHandlers(): HandlerGroup<PatientsMethods> {
  return {
    'patients.search': async (input, ctx) => {
      const results = await searchPatients(ctx.db, input.query, input.limit);
      if (ctx.actor.role !== 'doctor') return { results };
      const readable = await readablePatientIds(
        ctx.db,
        ctx.actor,
        results.map((result) => result.id),
      );
      return { results: results.filter((result) => readable.has(result.id)) };
    },

    'patients.get': async (input, ctx) => {
      const patient = await getPatient(ctx.db, input.id);
      await assertMayReadPatient(ctx.db, ctx.actor, patient.id);
      // Who read whose record, when and from where: never what was in it. Once per sitting:
      // the page reloads on every change, and search (patients.search) writes nothing.
      ctx.audit({ action: 'patients.read', entity: 'patient', entityId: patient.id, detail: 'record', repeatWithinMs: VIEW_REPEAT_MS });
      return patient;
    },

    'patients.create': async (input, ctx) => {
      const patient = await createPatient(ctx.db, input, ctx.now());
      // The audit log says who and what, never the patient's details.
      ctx.audit({
        action: 'patients.create',
        entity: 'patient',
        entityId: patient.id,
        detail: input.confirmedNotDuplicate ? 'confirmed not a duplicate' : '',
      });
      ctx.emit('patients.changed', { patientIds: [patient.id] });
      return patient;
    },

    'patients.update': async (input, ctx) => {
      const { patient, changed } = await updatePatientFields(ctx.db, input.id, input.fields, ctx.now(), input.confirmedNotDuplicate);
      ctx.audit({
        action: 'patients.update',
        entity: 'patient',
        entityId: patient.id,
        detail: `${changed.length > 0 ? `changed: ${changed.join(', ')}` : 'no changes'}${input.confirmedNotDuplicate ? '; confirmed not a duplicate' : ''}`,
      });
      ctx.emit('patients.changed', { patientIds: [patient.id] });
      return patient;
    },

    'patients.findDuplicates': async (input, ctx) => ({ matches: await findDuplicates(ctx.db, input) }),

    'patients.mergePreview': (input, ctx) => previewMerge(ctx.db, input.survivorId, input.duplicateId),

    'patients.merge': async (input, ctx) => {
      const merged = await mergePatients(ctx.db, input, { now: ctx.now(), staffId: ctx.actor.staffId });
      ctx.audit({
        action: 'patients.merge',
        entity: 'patient',
        entityId: input.survivorId,
        detail: { duplicateId: input.duplicateId, ...merged.outcome },
      });
      ctx.emit('patients.changed', { patientIds: [input.survivorId, input.duplicateId] });
      if (merged.outcome.faceEnrolment !== 'none' || merged.outcome.consents > 0) {
        ctx.emit('faces.changed', { patientIds: [input.survivorId, input.duplicateId] });
      }
      return merged;
    },
  };
}
