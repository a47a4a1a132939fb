import { describeValue, isPlainObject } from "../options/describe.js";
import type { Message } from "./messages.js";

const ROLES = new Set(["system", "user", "assistant", "tool"]);

/**
 * Checks that a value is a list of transcript messages (user code made it: a handoff filter,
 * `messages` on a run) and copies it; returns what is wrong otherwise, naming `who`.
 */
export function checkMessages(value: unknown, who: string): Message[] | string {
  if (!Array.isArray(value)) return `${who} must return a list of messages; it returned ${describeValue(value)}.`;
  for (const [i, m] of value.entries()) {
    if (!isPlainObject(m) || !ROLES.has(m.role as string)) {
      return `${who}: item ${i} is not a message { role, content }; got ${describeValue(m)}.`;
    }
    const content = m.content;
    if (typeof content !== "string" && !(Array.isArray(content) && (m.role === "user" || m.role === "tool"))) {
      return `${who}: message ${i} (${String(m.role)}) has content ${describeValue(content)}; it must be a string${m.role === "user" || m.role === "tool" ? " or a list of parts" : ""}.`;
    }
    if (m.role === "tool" && typeof m.toolCallId !== "string") return `${who}: tool message ${i} has no toolCallId.`;
  }
  return [...(value as Message[])];
}
