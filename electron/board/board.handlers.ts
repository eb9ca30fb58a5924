import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the board feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

export function boardHandlers(): HandlerGroup<'board.day'> {
  return { 'board.day': notYet };
}
