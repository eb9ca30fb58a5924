import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the schedule feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

export function scheduleHandlers(): HandlerGroup<'schedule.freeSlots'> {
  return { 'schedule.freeSlots': notYet };
}
