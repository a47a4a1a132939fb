import type { Message, ToolCall } from "../transcript/index.js";

/** Every tool call id of a transcript. */
export function toolCallIds(messages: readonly Message[]): Set<string> {
  const ids = new Set<string>();
  for (const m of messages) if (m.role === "assistant") for (const call of m.toolCalls ?? []) ids.add(call.id);
  return ids;
}

/**
 * The calls of one answer with ids unique in the transcript they join: a model (or two models,
 * or the same model twice in one answer) may repeat an id, and every provider refuses a
 * transcript where two calls share one. A repeated id gets `_2`, `_3`, …
 */
export function uniqueToolCalls(calls: readonly ToolCall[], used: ReadonlySet<string>): ToolCall[] {
  if (calls.length === 0) return calls as ToolCall[];
  const taken = new Set(used);
  let changed = false;
  const out = calls.map((call) => {
    let id = call.id;
    if (taken.has(id)) {
      let n = 2;
      while (taken.has(`${call.id}_${n}`)) n++;
      id = `${call.id}_${n}`;
      changed = true;
    }
    taken.add(id);
    return id === call.id ? call : { ...call, id };
  });
  return changed ? out : (calls as ToolCall[]);
}
