import type { UiCallInput, UiCallName, UiCallOutput } from './contract';
import { ApiCallError, type CallResult } from './errors';

/** How a call travels: IPC in Electron, HTTP in browser mode, a direct call in tests. The UI contract only. */
export type Transport = (name: UiCallName, input: unknown) => Promise<CallResult<unknown>>;

export interface Client {
  call<N extends UiCallName>(name: N, input: UiCallInput<N>): Promise<UiCallOutput<N>>;
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
