import { type AssistantMessage, type Message, type ToolCall, toolMessage } from "./messages.js";

export interface RepairOptions {
  /** Provider of the model that will read the transcript; other providers' parts are dropped. */
  receiverProvider?: string;
  /** Content given to a tool call that has no result. */
  missingResult?: string;
}

/**
 * Makes a transcript valid for the next reader: every tool call answered exactly once
 * (a missing result gets an error result), orphan and duplicate results dropped, duplicate
 * call ids renamed, provider-only parts dropped unless the receiver is the same provider.
 * Returns the same array when nothing needed to change.
 */
export function repairTranscript(messages: readonly Message[], options: RepairOptions = {}): Message[] {
  const missing = options.missingResult ?? "No result: the call was interrupted.";
  const out: Message[] = [];
  const usedIds = new Set<string>();
  let changed = false;
  // Results still owed by the latest assistant turn, by (possibly renamed) id.
  let owed = new Map<string, ToolCall>();
  // The latest turn's calls by the id the model gave them, in order: a repeated id is answered
  // by its results in turn (the first result answers the first call).
  let byOriginal = new Map<string, string[]>();
  const settle = () => {
    for (const call of owed.values()) {
      out.push(toolMessage(call, missing, true));
      changed = true;
    }
    owed = new Map();
  };
  for (const message of messages) {
    if (message.role === "assistant") {
      settle();
      byOriginal = new Map();
      let next: AssistantMessage = message;
      if (message.toolCalls?.length) {
        const calls = message.toolCalls.map((call) => {
          let id = call.id;
          if (usedIds.has(id)) {
            let n = 2;
            while (usedIds.has(`${call.id}_${n}`)) n++;
            id = `${call.id}_${n}`;
            changed = true;
          }
          usedIds.add(id);
          byOriginal.set(call.id, [...(byOriginal.get(call.id) ?? []), id]);
          const renamed = id === call.id ? call : { ...call, id };
          owed.set(id, renamed);
          return renamed;
        });
        if (calls.some((call, i) => call !== message.toolCalls?.[i])) next = { ...next, toolCalls: calls };
      }
      const parts = message.meta?.providerParts;
      if (parts?.length && options.receiverProvider !== undefined) {
        const kept = parts.filter((part) => part.provider === options.receiverProvider);
        if (kept.length !== parts.length) {
          next = { ...next, meta: { ...next.meta, providerParts: kept } };
          changed = true;
        }
      }
      out.push(next);
    } else if (message.role === "tool") {
      const queue = byOriginal.get(message.toolCallId);
      const id = queue?.find((candidate) => owed.has(candidate));
      if (id !== undefined) {
        owed.delete(id);
        out.push(id === message.toolCallId ? message : { ...message, toolCallId: id });
        if (id !== message.toolCallId) changed = true;
      } else {
        changed = true; // orphan or duplicate result: dropped
      }
    } else {
      settle();
      out.push(message);
    }
  }
  settle();
  return changed ? out : (messages as Message[]);
}
