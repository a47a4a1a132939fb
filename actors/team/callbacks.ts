import { fromCallback } from "xstate";
import { address } from "../../machines/addresses.js";
import { actorAt } from "../../machines/deliver.js";
import type { CallbackAsk, FilterAnswer, OutputAnswer, PolicyAnswer } from "../../machines/team/protocol.js";
import { BatonError, toErrorData } from "../../src/errors.js";
import type { OutputSchema } from "../../src/options/types.js";
import { checkDecision } from "../../src/policies/decision.js";
import type { HandoffFilter } from "../../src/policies/handoffFilters.js";
import type { PolicyFunction } from "../../src/policies/types.js";
import { checkMessages } from "../../src/transcript/check.js";
import { type Clock, systemClock } from "../shared/clock.js";
import { parseOutput } from "./outputParse.js";

export interface CallbacksInput {
  teamId: string;
  policy: PolicyFunction | undefined;
  /** Handoff filters by receiving agent; `*` is the team's. */
  filters: Readonly<Record<string, HandoffFilter>>;
  /** Output schemas by agent; `*` is the team's. */
  outputs: Readonly<Record<string, OutputSchema>>;
  clock?: Clock;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A team's user callbacks (`callbacks:<team>`): the policy function, handoff filters and output
 * schemas. The supervisor asks in plain messages and gets plain answers; whatever the user's
 * code throws or returns, it comes back as checked data or an error, never as a crash in a
 * machine. Each answer waits for the next turn of the event loop, so no chain of decisions
 * can keep the loop from timers (a caller's timeout, say).
 */
export const callbacks = fromCallback<CallbackAsk, CallbacksInput>(({ input, receive, system }) => {
  const clock = input.clock ?? systemClock;
  let stopped = false;
  const reply = (answer: PolicyAnswer | FilterAnswer | OutputAnswer) => {
    if (!stopped) actorAt(system, address.team(input.teamId))?.send(answer);
  };
  const later = (work: () => Promise<void>) => {
    setImmediate(() => void work());
  };

  receive((ask) => {
    switch (ask.type) {
      case "POLICY.ASK":
        later(async () => {
          try {
            const raw = input.policy ? await input.policy(ask.context) : undefined;
            const checked = checkDecision(raw);
            if (checked.ok) reply({ type: "POLICY.ANSWER", askId: ask.askId, decision: checked.decision, at: clock.now() });
            else
              reply({
                type: "POLICY.ANSWER",
                askId: ask.askId,
                error: { code: "POLICY_ERROR", message: checked.message },
                at: clock.now(),
              });
          } catch (error) {
            const failure = new BatonError("POLICY_ERROR", `The policy threw: ${message(error)}`);
            reply({ type: "POLICY.ANSWER", askId: ask.askId, error: toErrorData(failure), at: clock.now() });
          }
        });
        return;
      case "FILTER.ASK":
        later(async () => {
          const filter = input.filters[ask.to] ?? input.filters["*"];
          try {
            const seen = filter ? filter(ask.transcript, { from: ask.from, to: ask.to }) : [...ask.transcript];
            const checked = checkMessages(seen, `What the handoffFilter for ${ask.to} returned`);
            if (typeof checked === "string") {
              reply({ type: "FILTER.ANSWER", askId: ask.askId, error: { code: "POLICY_ERROR", message: checked }, at: clock.now() });
            } else reply({ type: "FILTER.ANSWER", askId: ask.askId, transcript: checked, at: clock.now() });
          } catch (error) {
            const failure = { code: "POLICY_ERROR" as const, message: `The handoffFilter for ${ask.to} threw: ${message(error)}` };
            reply({ type: "FILTER.ANSWER", askId: ask.askId, error: failure, at: clock.now() });
          }
        });
        return;
      case "OUTPUT.CHECK":
        later(async () => {
          const schema = input.outputs[ask.agent] ?? input.outputs["*"];
          const parsed = schema ? parseOutput(schema, ask.text) : { ok: true as const, value: ask.text };
          reply(
            parsed.ok
              ? { type: "OUTPUT.ANSWER", askId: ask.askId, ok: true, value: parsed.value, at: clock.now() }
              : { type: "OUTPUT.ANSWER", askId: ask.askId, ok: false, issues: parsed.issues, at: clock.now() },
          );
        });
        return;
    }
  });
  return () => {
    stopped = true;
  };
});
