/** Typed final output: the answer is checked against the schema, with repair turns before OUTPUT_INVALID. */
import { userMessage } from "../../src/transcript/index.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import type { SupervisorContext } from "./context.js";
import { task } from "./lifecycle.js";
import { after, merge, type Plan } from "./plan.js";
import { record } from "./records.js";

/** Asks the callbacks actor (which holds the zod schemas) whether the final text matches. */
export function checkOutput(context: SupervisorContext, agent: string, text: string): Plan {
  const askId = context.askId + 1;
  return {
    assign: { askId, run: extend(context.run!, { outputText: text }) },
    send: [{ to: address.callbacks(context.config.teamId), event: { type: "OUTPUT.CHECK", askId, agent, text } }],
  };
}

export function repairsLeft(context: SupervisorContext): boolean {
  const run = context.run!;
  return run.outputRepairs < context.config.outputRetries && run.granted < run.maxSteps;
}

export function repairMessage(issues: readonly string[]): string {
  return `Your answer does not match the required output schema: ${issues.join("; ")}. Answer again with only the JSON object the schema asks for.`;
}

/** One more turn for the final agent, with what was wrong. */
export function repairTurn(context: SupervisorContext, issues: readonly string[], at: number): Plan {
  const run = context.run!;
  const message = userMessage(repairMessage(issues));
  const transcript = [...context.transcript, message];
  const repaired: Plan = {
    assign: { transcript, run: extend(run, { outputRepairs: run.outputRepairs + 1 }) },
    checkpoint: [record("appended", at, { messages: [message] })],
  };
  return merge(repaired, task(after(context, repaired), context.active, transcript, at));
}

export function outputInvalidMessage(context: SupervisorContext, issues: readonly string[]): string {
  const tries = context.run!.outputRepairs + 1;
  return `The final answer did not match the output schema after ${tries} ${tries === 1 ? "try" : "tries"}: ${issues.join("; ")}`;
}
