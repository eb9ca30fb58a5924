import type { HandlerGroup } from '../rpc/handlers';
import type { CallContext } from '../rpc/context';
import {
  addTimeOff,
  allPractitioners,
  allRooms,
  allSpecialties,
  getWorkingHours,
  removeTimeOff,
  savePractitioner,
  saveRoom,
  saveSpecialty,
  setWorkingHours,
  timeOffList,
} from './practice.service';

type PracticeMethods =
  | 'specialties.list'
  | 'specialties.save'
  | 'rooms.list'
  | 'rooms.save'
  | 'practitioners.list'
  | 'practitioners.save'
  | 'workingHours.get'
  | 'workingHours.set'
  | 'timeOff.list'
  | 'timeOff.add'
  | 'timeOff.remove';

/** Every admin change to the practice is audited and tells open screens to refetch. */
function changed(ctx: CallContext, action: string, entity: string, entityId: number): void {
  ctx.audit({ action, entity, entityId });
  ctx.emit('practice.changed', {});
}

export function practiceHandlers(): HandlerGroup<PracticeMethods> {
  return {
    'specialties.list': (_input, ctx) => allSpecialties(ctx.db),
    'specialties.save': async (input, ctx) => {
      const specialty = await saveSpecialty(ctx.db, input);
      changed(ctx, 'specialties.save', 'specialty', specialty.id);
      return specialty;
    },

    'rooms.list': (_input, ctx) => allRooms(ctx.db),
    'rooms.save': async (input, ctx) => {
      const room = await saveRoom(ctx.db, input);
      changed(ctx, 'rooms.save', 'room', room.id);
      return room;
    },

    'practitioners.list': (_input, ctx) => allPractitioners(ctx.db),
    'practitioners.save': async (input, ctx) => {
      const practitioner = await savePractitioner(ctx.db, input);
      changed(ctx, 'practitioners.save', 'practitioner', practitioner.id);
      return practitioner;
    },

    'workingHours.get': (input, ctx) => getWorkingHours(ctx.db, input.practitionerId),
    'workingHours.set': async (input, ctx) => {
      const hours = await setWorkingHours(ctx.db, input);
      changed(ctx, 'workingHours.set', 'practitioner', input.practitionerId);
      return hours;
    },

    'timeOff.list': (input, ctx) => timeOffList(ctx.db, input),
    'timeOff.add': async (input, ctx) => {
      const timeOff = await addTimeOff(ctx.db, input);
      changed(ctx, 'timeOff.add', 'time_off', timeOff.id);
      return timeOff;
    },
    'timeOff.remove': async (input, ctx) => {
      const removed = await removeTimeOff(ctx.db, input.id);
      changed(ctx, 'timeOff.remove', 'time_off', removed.id);
      return { ok: true };
    },
  };
}
