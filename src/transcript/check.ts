import { describeValue, isPlainObject } from "../options/describe.js";
import type { Message } from "./messages.js";

const ROLES = new Set(["system", "user", "assistant", "tool"]);

/**
 * Checks that a value is a list of transcript messages (user code made it: a handoff filter,
 * `messages` on a run) and copies it; returns what is wrong otherwise, naming `name` (the
 * list) and `name[i]` (an item).
 */
export function checkMessages(value: unknown, name: string): Message[] | string {
  if (!Array.isArray(value)) return `${name} must be a list of messages; got ${describeValue(value)}.`;
  for (const [i, m] of value.entries()) {
    const item = `${name}[${i}]`;
    if (!isPlainObject(m) || !ROLES.has(m.role as string)) {
      return `${item} is not a message { role: "system" | "user" | "assistant" | "tool", content }; got ${describeValue(m)}.`;
    }
    const content = m.content;
    if (typeof content !== "string" && !(Array.isArray(content) && (m.role === "user" || m.role === "tool"))) {
      return `${item} (${String(m.role)}) has content ${describeValue(content)}; it must be a string${m.role === "user" || m.role === "tool" ? " or a list of parts" : ""}.`;
    }
    if (m.role === "tool" && typeof m.toolCallId !== "string") return `${item} is a tool message without a toolCallId.`;
  }
  return [...(value as Message[])];
}
