/**
 * What a sim stand-in does with the tools it is given (besides handoffs and delegations): calls
 * the first of them once, with example arguments, before it answers (enough to show a tool
 * call, an approval, a result). Read from the transcript, not a
 * turn count, so a resumed run (`baton resume`) picks up where it stopped.
 */
import type { SimRequest, SimTurn } from "../providers/simScript.js";
import { exampleArgs } from "./exampleArgs.js";

const TEAM_TOOL = /^(transfer_to_|ask_)/;

/** The turn that calls the agent's first tool, or undefined once it has a tool result (or has no tool). */
export function nextToolTurn(request: SimRequest, label: string): SimTurn | undefined {
  const tool = request.tools.find((t) => !TEAM_TOOL.test(t.name));
  if (!tool || request.messages.some((m) => m.role === "tool" && m.name === tool.name)) return undefined;
  return {
    text: `${label} Let me use ${tool.name}.`,
    toolCalls: [{ name: tool.name, args: exampleArgs(tool.parameters) }],
    latencyMs: 60,
  };
}
