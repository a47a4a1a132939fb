/** Built-in handoff filters: what a receiving model sees of the transcript. */
import type { Message } from "../transcript/index.js";

/**
 * Decides what a receiving agent sees of the transcript on a handoff. `from` and `to` are agent
 * names (model ids in the model-list shorthand). Runs outside the supervisor: a throw or a bad
 * value fails the run with POLICY_ERROR.
 */
export type HandoffFilter = (transcript: readonly Message[], info: { from: string; to: string }) => Message[];

/** Everything (the default). */
export const keepAll: HandoffFilter = (transcript) => [...transcript];

/** Drops tool calls and their results; keeps what was said. */
export const dropToolCalls: HandoffFilter = (transcript) => {
  const out: Message[] = [];
  for (const message of transcript) {
    if (message.role === "tool") continue;
    if (message.role === "assistant" && message.toolCalls?.length) {
      if (!message.content) continue;
      const { toolCalls: _, ...rest } = message;
      out.push(rest);
      continue;
    }
    out.push(message);
  }
  return out;
};

export const OMITTED = "(Earlier conversation omitted.)";

/**
 * The last `n` messages, starting at a turn boundary (never with a tool result) and with a
 * user message first, as every provider requires.
 */
export function lastN(n: number): HandoffFilter {
  return (transcript) => {
    let start = Math.max(0, transcript.length - n);
    while (start < transcript.length && transcript[start]!.role === "tool") start++;
    const kept = transcript.slice(start);
    const systems = transcript.slice(0, start).filter((m) => m.role === "system");
    if (kept[0]?.role !== "user") kept.unshift({ role: "user", content: OMITTED });
    return [...systems, ...kept];
  };
}
