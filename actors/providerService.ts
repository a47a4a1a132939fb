import { fromCallback } from "xstate";
import { extend } from "../src/extend.js";
import type { ProviderAbortEvent, ProviderAnswerEvent, ProviderCallEvent } from "../src/protocol.js";
import type { ModelResponse, Provider } from "../src/providers/types.js";
import { CallsInFlight } from "./callsInFlight.js";

export interface ProviderServiceInput {
  provider: Provider;
}

/**
 * One provider's model calls for every team of a Runner (`provider:<name>`), many in flight,
 * like an MCP service. A shared long-lived actor rather than an actor per call (or per agent):
 * creating, registering and stopping actors was a measurable share of a short run, and idle
 * teams hold no call actors. Aborting a call (CALL.ABORT, or the Runner closing) aborts its
 * HTTP request through the call's `signal`.
 */
export const providerService = fromCallback<ProviderCallEvent | ProviderAbortEvent, ProviderServiceInput>(({ input, receive }) => {
  const calls = new CallsInFlight();

  const call = (event: ProviderCallEvent) => {
    const controller = calls.start(event.callId);
    const { signal } = controller;
    const request = extend(event.request, event.onTextDelta ? { signal, onTextDelta: event.onTextDelta } : { signal });
    const answer = (message: ProviderAnswerEvent) => {
      if (calls.settle(event.callId, controller)) event.replyTo.send(message);
    };
    let pending: Promise<ModelResponse>;
    try {
      pending = Promise.resolve(input.provider.call(request));
    } catch (error) {
      pending = Promise.reject(error); // a provider that throws instead of rejecting
    }
    pending.then(
      (output) => answer({ type: "CALL.DONE", callId: event.callId, output }),
      (error: unknown) => answer({ type: "CALL.FAILED", callId: event.callId, error }),
    );
  };

  receive((event) => {
    if (event.type === "CALL.ABORT") calls.abort(event.callId);
    else call(event);
  });
  return () => calls.close();
});
