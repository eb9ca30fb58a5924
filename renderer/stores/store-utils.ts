import { RpcError } from '../transport/rpc-error';

/** Loading state of one piece of remote data. `stale` keeps the old value on screen while refetching. */
export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export function toRpcError(error: unknown): RpcError {
  return RpcError.from(error);
}

/** Numbers requests so only the newest answer is applied (search-as-you-type, quick day switching). */
export function createLatest() {
  let counter = 0;
  return {
    next(): number {
      counter += 1;
      return counter;
    },
    isLatest(ticket: number): boolean {
      return ticket === counter;
    },
  };
}
