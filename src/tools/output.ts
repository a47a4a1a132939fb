/** What a tool's return value becomes in the transcript: text, or content parts. */
import type { Content, ContentPart } from "../transcript/index.js";
import { toolOutputText } from "./outputText.js";

function isPart(value: unknown): value is ContentPart {
  if (typeof value !== "object" || value === null) return false;
  const part = value as Record<string, unknown>;
  switch (part.type) {
    case "text":
      return typeof part.text === "string";
    case "image":
      return typeof part.url === "string" || (typeof part.data === "string" && typeof part.mediaType === "string");
    case "file":
      return (typeof part.data === "string" || typeof part.url === "string") && typeof part.mediaType === "string";
    default:
      return false;
  }
}

/**
 * A part or a list of parts stays parts (a tool may return an image); anything else becomes
 * the text a model reads.
 */
export function toolOutputContent(value: unknown): Content {
  if (isPart(value)) return [value];
  if (Array.isArray(value) && value.length > 0 && value.every(isPart)) return value as ContentPart[];
  return toolOutputText(value);
}
