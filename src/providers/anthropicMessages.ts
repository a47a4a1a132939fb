/**
 * The neutral transcript as Messages API turns: system text lifted out, same-role turns merged,
 * content parts as `image` and `document` blocks (inside `tool_result` too), blank text as a short
 * placeholder, and the tool definitions a request needs when its history holds tool blocks but
 * the agent offers no tools. Pure.
 */
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageParam,
  TextBlockParam,
  Tool,
  ToolChoiceNone,
} from "@anthropic-ai/sdk/resources/messages";
import type { Content, ContentPart, Message, ProviderPart } from "../transcript/index.js";
import { decodeText, EMPTY_TOOL_RESULT, EMPTY_USER_TEXT, fileLabel, isBlank } from "./content.js";
import { anthropicToolId } from "./toolIds.js";

export const ANTHROPIC = "anthropic";

/** Said on the user's behalf when a transcript starts with an assistant turn (the API demands a user turn first). */
export const CONTINUE_TEXT = "Continue.";

type Role = "user" | "assistant";

interface Turn {
  role: Role;
  blocks: ContentBlockParam[];
}

/** Thinking blocks this provider wrote earlier, sent back exactly as received. */
function partBlocks(parts: readonly ProviderPart[] | undefined): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
  for (const part of parts ?? []) {
    if (part.provider !== ANTHROPIC || typeof part.data !== "object" || part.data === null) continue;
    const data = part.data as Record<string, unknown>;
    if (part.kind === "thinking" && typeof data.thinking === "string" && typeof data.signature === "string") {
      blocks.push({ type: "thinking", thinking: data.thinking, signature: data.signature });
    } else if (part.kind === "redacted_thinking" && typeof data.data === "string") {
      blocks.push({ type: "redacted_thinking", data: data.data });
    }
  }
  return blocks;
}

type MediaBlock = TextBlockParam | ImageBlockParam | DocumentBlockParam;

function text(value: string): TextBlockParam {
  return { type: "text", text: value };
}

/** One neutral part as a block; blank text as nothing. PDFs and plain text are documents; other files a note. */
function partBlock(part: ContentPart): MediaBlock | undefined {
  switch (part.type) {
    case "text":
      return isBlank(part.text) ? undefined : text(part.text);
    case "image":
      return "url" in part
        ? { type: "image", source: { type: "url", url: part.url } }
        : { type: "image", source: { type: "base64", media_type: part.mediaType as "image/png", data: part.data } };
    case "file": {
      const title = part.name ? { title: part.name } : {};
      if ("url" in part) return { type: "document", source: { type: "url", url: part.url }, ...title };
      if (part.mediaType === "application/pdf")
        return { type: "document", source: { type: "base64", media_type: "application/pdf", data: part.data }, ...title };
      if (part.mediaType.startsWith("text/"))
        return { type: "document", source: { type: "text", media_type: "text/plain", data: decodeText(part.data) }, ...title };
      return text(`[file ${fileLabel(part)} (${part.mediaType}) not attached: Anthropic reads PDF and plain-text documents only]`);
    }
  }
}

function contentBlocks(content: Content): MediaBlock[] {
  if (typeof content === "string") return isBlank(content) ? [] : [text(content)];
  return content.map(partBlock).filter((b): b is MediaBlock => b !== undefined);
}

/** A tool_result's content: a string where it is only text, blocks where it holds images or documents; never blank. */
function toolResultContent(content: Content): string | MediaBlock[] {
  const blocks = contentBlocks(content);
  if (blocks.length === 0) return EMPTY_TOOL_RESULT;
  if (blocks.every((b) => b.type === "text")) return blocks.map((b) => (b as TextBlockParam).text).join("\n");
  return blocks;
}

/**
 * Neutral messages → Messages API turns: system messages lifted out (the API takes them in
 * `system`), consecutive same-role turns merged (all tool results of one assistant turn in ONE
 * user message, tool results before text), the first turn a user turn.
 */
export function toAnthropicMessages(messages: readonly Message[]): { system: string[]; messages: MessageParam[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  const push = (role: Role, blocks: ContentBlockParam[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role !== role) {
      turns.push({ role, blocks });
      return;
    }
    const all = [...last.blocks, ...blocks];
    last.blocks = role === "user" ? [...all.filter((b) => b.type === "tool_result"), ...all.filter((b) => b.type !== "tool_result")] : all;
  };
  for (const message of messages) {
    switch (message.role) {
      case "system":
        if (!isBlank(message.content)) system.push(message.content);
        break;
      case "user": {
        const blocks = contentBlocks(message.content);
        push("user", blocks.length > 0 ? blocks : [text(EMPTY_USER_TEXT)]);
        break;
      }
      case "assistant": {
        const blocks = partBlocks(message.meta?.providerParts);
        if (!isBlank(message.content)) blocks.push(text(message.content));
        for (const call of message.toolCalls ?? []) {
          blocks.push({ type: "tool_use", id: anthropicToolId(call.id), name: call.name, input: call.args });
        }
        push("assistant", blocks);
        break;
      }
      case "tool":
        push("user", [
          {
            type: "tool_result",
            tool_use_id: anthropicToolId(message.toolCallId),
            content: toolResultContent(message.content),
            ...(message.isError ? { is_error: true } : {}),
          },
        ]);
        break;
    }
  }
  if (turns[0]?.role === "assistant") turns.unshift({ role: "user", blocks: [text(CONTINUE_TEXT)] });
  // A turn that is one text block goes as a plain string: the API takes both, and with long
  // transcripts the block wrapper made requests about 30% larger.
  const content = (blocks: ContentBlockParam[]) => (blocks.length === 1 && blocks[0]!.type === "text" ? blocks[0]!.text : blocks);
  return { system, messages: turns.map((turn) => ({ role: turn.role, content: content(turn.blocks) })) };
}

/** Said in the definition of a tool the history used but this call does not offer. */
export const HISTORY_TOOL_DESCRIPTION = "Used earlier in this conversation. Not available now: do not call it.";

/**
 * The API refuses a request whose messages hold `tool_use` or `tool_result` blocks when it
 * defines no tools. When the agent offers none, the history's own tools are defined (by name,
 * with an open input schema) and `tool_choice: none` forbids calling them: the history stays as
 * it was written, and the model cannot call a tool it was not given.
 */
export function historyTools(messages: readonly MessageParam[]): { tools: Tool[]; tool_choice: ToolChoiceNone } | undefined {
  const names = new Set<string>();
  let hasResults = false;
  for (const message of messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use") names.add(block.name);
      else if (block.type === "tool_result") hasResults = true;
    }
  }
  if (names.size === 0 && !hasResults) return undefined;
  if (names.size === 0) names.add("tool");
  const tools = [...names].map((name) => ({ name, description: HISTORY_TOOL_DESCRIPTION, input_schema: { type: "object" as const } }));
  return { tools, tool_choice: { type: "none" } };
}
