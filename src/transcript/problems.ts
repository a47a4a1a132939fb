import type { Message } from "./messages.js";

/** A transcript problem, as a strict provider would report it. */
export interface TranscriptProblem {
  index: number;
  problem: string;
}

/**
 * Checks the invariants every provider enforces: each tool call answered exactly once, by a
 * tool message that follows it before the next assistant turn; no orphan or duplicate
 * results; no duplicate call ids.
 */
export function findTranscriptProblems(messages: readonly Message[]): TranscriptProblem[] {
  const problems: TranscriptProblem[] = [];
  const seenCallIds = new Set<string>();
  let open = new Map<string, number>();
  const closeOpen = (index: number) => {
    for (const [id] of open) problems.push({ index, problem: `tool call ${id} has no result` });
    open = new Map();
  };
  messages.forEach((message, index) => {
    if (message.role === "assistant") {
      closeOpen(index);
      for (const call of message.toolCalls ?? []) {
        if (seenCallIds.has(call.id)) problems.push({ index, problem: `duplicate tool call id ${call.id}` });
        seenCallIds.add(call.id);
        open.set(call.id, index);
      }
    } else if (message.role === "tool") {
      if (!open.has(message.toolCallId)) {
        problems.push({ index, problem: `tool result ${message.toolCallId} answers no open tool call` });
      } else {
        open.delete(message.toolCallId);
      }
    } else {
      closeOpen(index);
    }
  });
  closeOpen(messages.length);
  return problems;
}
