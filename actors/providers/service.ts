import { fromCallback } from "xstate";
import { actorAt } from "../../machines/deliver.js";
import type { ProviderAnswerEvent, ProviderServiceEvent } from "../../machines/providers/protocol.js";
import type { TextDeltaMessage } from "../../machines/team/protocol.js";
import { toErrorData } from "../../src/errors.js";
import type { ModelResponse, Provider } from "../../src/providers/types.js";
import { extend } from "../../src/util/extend.js";
import { CallsInFlight } from "../shared/callsInFlight.js";
import { type Clock, systemClock } from "../shared/clock.js";

export interface ProviderServiceInput {
  provider: Provider;
  /** Stamps each answer's times (simulated in baton/sim). */
  clock?: Clock;
}

/**
 * One provider's model calls for every team of a Runner (`provider:<name>`), many in flight,
 * like an MCP service. A shared long-lived actor rather than an actor per call (or per agent):
 * creating, registering and stopping actors was a measurable share of a short run, and idle
 * teams hold no call actors. Aborting a call (CALL.ABORT, or the Runner closing) aborts its
 * HTTP request through the call's `signal`. Text deltas of a streaming call go to the team's
 * event channel as they arrive, never through the agent or the supervisor.
 */
export const providerService = fromCallback<ProviderServiceEvent, ProviderServiceInput>(({ input, receive, system }) => {
  const calls = new CallsInFlight();
  const clock = input.clock ?? systemClock;

  receive((event) => {
    if (event.type === "CALL.ABORT") {
      calls.abort(event.callId);
      return;
    }
    const startedAt = clock.now();
    const controller = calls.start(event.callId);
    const { signal } = controller;
    const deltas = event.deltas;
    const request = deltas
      ? extend(event.request, {
          signal,
          onTextDelta: (text: string) => {
            const message: TextDeltaMessage = {
              type: "TEXT.DELTA",
              runId: deltas.runId,
              agent: deltas.agent,
              model: deltas.model,
              step: deltas.step,
              text,
            };
            actorAt(system, deltas.channel)?.send(message);
          },
        })
      : extend(event.request, { signal });
    const answer = (message: ProviderAnswerEvent) => {
      if (calls.settle(event.callId, controller)) actorAt(system, event.replyTo)?.send(message);
    };
    let pending: Promise<ModelResponse>;
    try {
      pending = Promise.resolve(input.provider.call(request));
    } catch (error) {
      pending = Promise.reject(error); // a provider that throws instead of rejecting
    }
    pending.then(
      (output) => answer({ type: "CALL.DONE", callId: event.callId, output, startedAt, at: clock.now() }),
      (error: unknown) =>
        answer({ type: "CALL.FAILED", callId: event.callId, error: toErrorData(error, "PROVIDER_ERROR"), startedAt, at: clock.now() }),
    );
  });
  return () => calls.close();
});
