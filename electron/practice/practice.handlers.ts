import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the practice feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

type PracticeMethods =
  | 'specialties.list' | 'specialties.save' | 'rooms.list' | 'rooms.save' | 'practitioners.list' | 'practitioners.save'
  | 'workingHours.get' | 'workingHours.set' | 'timeOff.list' | 'timeOff.add' | 'timeOff.remove';

export function practiceHandlers(): HandlerGroup<PracticeMethods> {
  return {
    'specialties.list': notYet, 'specialties.save': notYet, 'rooms.list': notYet, 'rooms.save': notYet,
    'practitioners.list': notYet, 'practitioners.save': notYet, 'workingHours.get': notYet, 'workingHours.set': notYet,
    'timeOff.list': notYet, 'timeOff.add': notYet, 'timeOff.remove': notYet,
  };
}
