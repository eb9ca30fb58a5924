import type { MethodName, MethodOutput, ParsedInput } from '../../shared/contract/contract';
import type { CallContext } from './context';

export type Handler<M extends MethodName> = (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>> | MethodOutput<M>;

/** One handler per contract method; a missing or mistyped one is a compile error. */
export type Handlers = { [M in MethodName]: Handler<M> };

export type HandlerGroup<M extends MethodName> = { [K in M]: Handler<K> };
