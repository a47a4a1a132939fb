import { fromCallback } from "xstate";
import { address } from "../../machines/addresses.js";
import { actorAt } from "../../machines/deliver.js";
import type { TextDeltaMessage } from "../../machines/team/protocol.js";
import { listenerError, toErrorData } from "../../src/errors.js";
import type { TextDeltaEvent } from "../../src/events.js";

export interface EventChannelInput {
  teamId: string;
  /** Hands one event to the team's listeners; throws what a listener threw. */
  deliver: (event: TextDeltaEvent) => void;
}

/**
 * A team's event channel (`events:<team>`): streamed text goes from the provider service to the
 * listeners here, never through the supervisor's mailbox (dozens per answer, each only
 * forwarded, never decided on). A listener that throws ends the run with LISTENER_ERROR.
 */
export const eventChannel = fromCallback<TextDeltaMessage, EventChannelInput>(({ input, receive, system }) => {
  receive((message) => {
    const event: TextDeltaEvent = {
      type: "text.delta",
      runId: message.runId,
      teamId: input.teamId,
      model: message.model,
      step: message.step,
      text: message.text,
    };
    try {
      input.deliver(event);
    } catch (error) {
      actorAt(system, address.team(input.teamId))?.send({ type: "RUN.ABORT", error: toErrorData(listenerError("text.delta", error)) });
    }
  });
});
