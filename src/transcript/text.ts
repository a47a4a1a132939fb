import type { Content, ContentPart, Message } from "./messages.js";

/** A short stand-in for a part that is not text, where only text can go. */
export function partPlaceholder(part: ContentPart): string {
  if (part.type === "text") return part.text;
  if (part.type === "image") return "[image]";
  return `[file${part.name ? `: ${part.name}` : ""}]`;
}

/** The text of some content: its text parts joined, other parts as short placeholders. */
export function contentText(content: Content): string {
  if (typeof content === "string") return content;
  return content.map(partPlaceholder).join("\n");
}

/** True when the content holds a part that is not text. */
export function hasMediaParts(content: Content): boolean {
  return typeof content !== "string" && content.some((part) => part.type !== "text");
}

/** The text of the last assistant message, or "" when there is none. */
export function lastAssistantText(messages: readonly Message[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i];
    if (message?.role === "assistant") return message.content;
  }
  return "";
}
