import type { CallName, CallOutput, ParsedInput } from '../contract';
import type { ServiceContext } from '../context';

export type Handler<N extends CallName> = (input: ParsedInput<N>, ctx: ServiceContext) => Promise<CallOutput<N>>;
export type Handlers<K extends CallName = CallName> = { [N in K]: Handler<N> };
