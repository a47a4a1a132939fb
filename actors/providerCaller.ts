import { fromCallback } from "xstate";
import { extend } from "../src/extend.js";
import type { ModelRequest, ModelResponse, Provider } from "../src/providers/types.js";

/** agent → caller: make one model call. `callNo` tags the answer, so a late one is recognised. */
export interface ProviderCallEvent {
  type: "CALL";
  callNo: number;
  request: Omit<ModelRequest, "signal" | "onTextDelta">;
  /** Receives text deltas as they arrive; absent when the run does not stream. */
  onTextDelta?: (text: string) => void;
}

/** agent → caller: abort the call in flight, if any (the run was cancelled). */
export type ProviderAbortEvent = { type: "CALL.ABORT" };

/** caller → agent. */
export type ProviderAnswerEvent =
  | { type: "CALL.DONE"; callNo: number; output: ModelResponse }
  | { type: "CALL.FAILED"; callNo: number; error: unknown };

export interface ProviderCallerInput {
  provider: Provider;
}

/**
 * An agent's model calls, one at a time, for as long as the agent lives. One long-lived actor
 * instead of one actor per call: creating, registering and stopping an actor per call was a
 * measurable share of a short run. Aborting (CALL.ABORT, or the agent stopping) aborts the
 * HTTP request through the call's `signal`.
 */
export const providerCaller = fromCallback<ProviderCallEvent | ProviderAbortEvent, ProviderCallerInput, ProviderAnswerEvent>(
  ({ input, receive, sendBack }) => {
    let current: { callNo: number; controller: AbortController } | undefined;
    let stopped = false;
    const abort = () => {
      current?.controller.abort();
      current = undefined;
    };
    receive((event) => {
      if (event.type === "CALL.ABORT") return abort();
      abort();
      const call = { callNo: event.callNo, controller: new AbortController() };
      current = call;
      const { signal } = call.controller;
      const request = extend(event.request, event.onTextDelta ? { signal, onTextDelta: event.onTextDelta } : { signal });
      // Answers only while this is still the call in flight: an aborted call's answer is dropped.
      const answer = (message: ProviderAnswerEvent) => {
        if (stopped || current !== call) return;
        current = undefined;
        sendBack(message);
      };
      let pending: Promise<ModelResponse>;
      try {
        pending = Promise.resolve(input.provider.call(request));
      } catch (error) {
        pending = Promise.reject(error); // a provider that throws instead of rejecting
      }
      pending.then(
        (output) => answer({ type: "CALL.DONE", callNo: call.callNo, output }),
        (error: unknown) => answer({ type: "CALL.FAILED", callNo: call.callNo, error }),
      );
    });
    return () => {
      stopped = true;
      abort();
    };
  },
);
