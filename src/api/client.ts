import type { CallInput, CallName, CallOutput } from './contract';
import { ApiCallError, type CallResult } from './errors';

/** How a call travels: IPC in Electron, HTTP in browser mode, a direct call in tests. */
export type Transport = (name: CallName, input: unknown) => Promise<CallResult<unknown>>;

export interface Client {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
}

/** The renderer's one typed client; it throws ApiCallError with the typed error when a call fails. */
export function createClient(transport: Transport): Client {
  return {
    async call(name, input) {
      const result = await transport(name, input);
      if (!result.ok) throw new ApiCallError(result.error);
      return result.value as never;
    },
  };
}
