import { fromCallback } from "xstate";
import type { ChannelMessage } from "../../machines/team/protocol.js";
import type { RunEvent } from "../../src/events.js";

export interface EventChannelInput {
  teamId: string;
  /** Hands one event to the team's listeners (the session's one delivery point). */
  deliver: (event: RunEvent) => void;
}

/**
 * A team's event channel (`events:<team>`): what agents and provider services report while a
 * run streams (text deltas, tool calls and results, retries) goes to the listeners here, never
 * through the supervisor's mailbox (dozens per answer, each only forwarded, never decided on).
 */
export const eventChannel = fromCallback<ChannelMessage, EventChannelInput>(({ input, receive }) => {
  receive((message) => {
    if (message.type === "TEXT.DELTA") {
      const { runId, agent, model, step, text } = message;
      input.deliver({ type: "text.delta", runId, teamId: input.teamId, agent, model, step, text });
    } else {
      input.deliver({ ...message.event, teamId: input.teamId } as RunEvent);
    }
  });
});
