import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the patients feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

export function patientsHandlers(): HandlerGroup<'patients.search' | 'patients.get' | 'patients.create' | 'patients.update' | 'patients.findDuplicates'> {
  return { 'patients.search': notYet, 'patients.get': notYet, 'patients.create': notYet, 'patients.update': notYet, 'patients.findDuplicates': notYet };
}
