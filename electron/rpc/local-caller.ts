import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract/contract';
import { AppError } from '../../shared/contract/errors';
import type { SessionStore } from '../auth/session-store';
import type { Session, SessionBinding } from './context';
import type { Caller, Dispatch } from './dispatch';

/**
 * A caller inside the main process (tests, benchmarks, the durability harness): the same
 * dispatcher, schemas and role checks as IPC and HTTP, with its session held in memory.
 */
export function localCaller(sessions: SessionStore, workstation = 'local'): Caller {
  let token: string | null = null;
  const auth: SessionBinding = {
    current: () => sessions.get(token),
    signIn: (staff) => {
      if (token) sessions.delete(token);
      const session: Session = sessions.create(staff, Date.now());
      token = session.token;
      return session;
    },
    signOut: () => {
      if (token) sessions.delete(token);
      token = null;
    },
  };
  // A test or a benchmark stands for a person at the desk: its calls count as activity.
  return { transport: 'ipc', workstation, auth, isBackground: false };
}

/** Calls one method and returns its value, or throws the AppError it answered with. */
export async function callAs<M extends MethodName>(dispatch: Dispatch, caller: Caller, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const result = await dispatch(caller, method, input);
  if (!result.ok) throw new AppError(result.error.code, result.error.message, result.error.details);
  return result.value as MethodOutput<M>;
}
