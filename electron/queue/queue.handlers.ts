import { AppError } from '../../shared/contract/errors';
import type { HandlerGroup } from '../rpc/handlers';

// Placeholder while the queue feature is being built.
const notYet = () => {
  throw new AppError('INTERNAL', 'Not built yet.');
};

type QueueMethods =
  | 'checkin.checkIn' | 'checkin.walkIn' | 'queue.list' | 'queue.callNext' | 'queue.recall' | 'queue.start'
  | 'queue.finish' | 'queue.sendToRoom' | 'queue.move' | 'queue.leftUnseen' | 'kiosk.checkIn' | 'kiosk.info'
  | 'display.state' | 'devices.createPairingCode' | 'devices.pair' | 'devices.whoAmI' | 'devices.list' | 'devices.revoke';

export function queueHandlers(): HandlerGroup<QueueMethods> {
  return {
    'checkin.checkIn': notYet, 'checkin.walkIn': notYet, 'queue.list': notYet, 'queue.callNext': notYet, 'queue.recall': notYet,
    'queue.start': notYet, 'queue.finish': notYet, 'queue.sendToRoom': notYet, 'queue.move': notYet, 'queue.leftUnseen': notYet,
    'kiosk.checkIn': notYet, 'kiosk.info': notYet, 'display.state': notYet, 'devices.createPairingCode': notYet, 'devices.pair': notYet,
    'devices.whoAmI': () => ({ device: null }), 'devices.list': notYet, 'devices.revoke': notYet,
  };
}
