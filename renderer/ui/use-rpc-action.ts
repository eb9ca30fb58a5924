import { useCallback, useState } from 'react';
import { RpcError } from '../transport/rpc-error';

/**
 * One server action of a dialog or form: busy while it runs, its error kept for
 * <ErrorMessage>. On success it stays busy, since the caller closes or moves on; on failure
 * the caller may react further (a field error, focus) in `onError`.
 */
export function useRpcAction() {
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const run = useCallback(async (action: () => Promise<unknown>, onError?: (error: RpcError) => void): Promise<void> => {
    setIsBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      setError(rpcError);
      setIsBusy(false);
      onError?.(rpcError);
    }
  }, []);
  return { error, isBusy, run };
}
