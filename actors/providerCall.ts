import { fromPromise } from "xstate";
import { extend } from "../src/extend.js";
import type { ModelRequest, ModelResponse, Provider } from "../src/providers/types.js";

export interface ProviderCallInput {
  provider: Provider;
  request: Omit<ModelRequest, "signal" | "onTextDelta">;
  /** Receives text deltas as they arrive; absent when the run does not stream. */
  onTextDelta?: (text: string) => void;
}

/** One model call. Stopping the actor aborts the HTTP request through `signal`. */
export const providerCall = fromPromise<ModelResponse, ProviderCallInput>(({ input, signal }) =>
  input.provider.call(extend(input.request, input.onTextDelta ? { signal, onTextDelta: input.onTextDelta } : { signal })),
);
