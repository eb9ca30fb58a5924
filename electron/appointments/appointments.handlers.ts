import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the appointments feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

type AppointmentMethods =
  | 'appointments.get' | 'appointments.book' | 'appointments.bookWalkIn' | 'appointments.reschedule'
  | 'appointments.cancel' | 'appointments.markNoShow' | 'appointments.listForPatient';

export function appointmentsHandlers(): HandlerGroup<AppointmentMethods> {
  return {
    'appointments.get': notYet, 'appointments.book': notYet, 'appointments.bookWalkIn': notYet, 'appointments.reschedule': notYet,
    'appointments.cancel': notYet, 'appointments.markNoShow': notYet, 'appointments.listForPatient': notYet,
  };
}
