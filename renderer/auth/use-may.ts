import type { MethodName } from '../../shared/contract/contract';
import { useSession } from '../stores/stores';
import { may } from './may';

/** `may` for the signed-in member of staff, e.g. `useMay('appointments.book')` for a Book button. */
export function useMay(method: MethodName): boolean {
  return useSession((state) => may(state.staff?.role, method));
}
