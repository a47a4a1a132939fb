/**
 * The neutral transcript as Chat Completions messages: content parts as `image_url` and `file`
 * parts of user messages; tool results as text (tool messages take text only) with their images
 * and files in one user message right after the tool messages of that turn; blank text as a
 * short placeholder. Pure.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { type Content, type ContentPart, type Message, partPlaceholder, type ToolMessage } from "../transcript/index.js";
import { decodeText, EMPTY_TOOL_RESULT, EMPTY_USER_TEXT, fileLabel, isBlank } from "./content.js";
import { openaiToolId } from "./toolIds.js";

/** Tool results have no error flag on this wire, so an error result says so in its text. */
export function toolResultText(content: string, isError: boolean | undefined): string {
  if (!isError || /^error\b/i.test(content.trim())) return content;
  return `Error: ${content}`;
}

/** Stands in a tool message for a part that goes in the user message after it. */
const ATTACHED = (part: ContentPart) => `${partPlaceholder(part)} (attached in the next user message)`;

function textPart(text: string): ChatCompletionContentPartText {
  return { type: "text", text };
}

/** One neutral part as Chat Completions parts (a file by URL becomes text: this API takes documents inline only). */
function wirePart(part: ContentPart): ChatCompletionContentPart | undefined {
  switch (part.type) {
    case "text":
      return isBlank(part.text) ? undefined : textPart(part.text);
    case "image":
      return { type: "image_url", image_url: { url: "url" in part ? part.url : `data:${part.mediaType};base64,${part.data}` } };
    case "file":
      if ("url" in part)
        return textPart(`[file ${fileLabel(part)}: ${part.url} (not attached: Chat Completions takes documents inline only)]`);
      if (part.mediaType.startsWith("text/")) return textPart(`[file ${fileLabel(part)}]\n${decodeText(part.data)}`);
      if (part.mediaType !== "application/pdf") {
        return textPart(`[file ${fileLabel(part)} (${part.mediaType}) not attached: Chat Completions reads PDF files only]`);
      }
      return { type: "file", file: { file_data: `data:application/pdf;base64,${part.data}`, filename: part.name ?? "document.pdf" } };
  }
}

/** User content: a string where everything is text (smaller), else parts; never blank. */
function userContent(content: Content): string | ChatCompletionContentPart[] {
  if (typeof content === "string") return isBlank(content) ? EMPTY_USER_TEXT : content;
  const parts = content.map(wirePart).filter((p): p is ChatCompletionContentPart => p !== undefined);
  if (parts.length === 0) return EMPTY_USER_TEXT;
  if (parts.every((p) => p.type === "text")) return parts.map((p) => (p as ChatCompletionContentPartText).text).join("\n");
  return parts;
}

/** The text a tool message carries, and the media parts that must follow it in a user message. */
function splitToolResult(message: ToolMessage): { text: string; media: ContentPart[] } {
  if (typeof message.content === "string") return { text: message.content, media: [] };
  const media = message.content.filter((part) => part.type !== "text");
  const text = message.content
    .map((part) => (part.type === "text" ? part.text : ATTACHED(part)))
    .filter((t) => !isBlank(t))
    .join("\n");
  return { text, media };
}

export function toOpenAIMessages(system: string | undefined, messages: readonly Message[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  /** Media of the tool results of the current turn, sent once its tool messages end. */
  let attachments: ChatCompletionContentPart[] = [];
  const flushAttachments = () => {
    if (attachments.length > 0) out.push({ role: "user", content: attachments });
    attachments = [];
  };
  if (system) out.push({ role: "system", content: system });
  for (const message of messages) {
    if (message.role !== "tool") flushAttachments();
    switch (message.role) {
      case "system":
        out.push({ role: "system", content: message.content });
        break;
      case "user":
        out.push({ role: "user", content: userContent(message.content) });
        break;
      case "assistant": {
        const calls = message.toolCalls ?? [];
        if (calls.length === 0) {
          out.push({ role: "assistant", content: message.content });
          break;
        }
        out.push({
          role: "assistant",
          content: message.content === "" ? null : message.content,
          tool_calls: calls.map((call) => ({
            id: openaiToolId(call.id),
            type: "function" as const,
            function: { name: call.name, arguments: JSON.stringify(call.args) },
          })),
        });
        break;
      }
      case "tool": {
        const { text, media } = splitToolResult(message);
        out.push({
          role: "tool",
          tool_call_id: openaiToolId(message.toolCallId),
          content: toolResultText(isBlank(text) ? EMPTY_TOOL_RESULT : text, message.isError),
        });
        const parts = media.map(wirePart).filter((p): p is ChatCompletionContentPart => p !== undefined);
        if (parts.length > 0)
          attachments.push(textPart(`Attached by the ${message.name || "tool"} result (${openaiToolId(message.toolCallId)}):`), ...parts);
        break;
      }
    }
  }
  flushAttachments();
  return out;
}
