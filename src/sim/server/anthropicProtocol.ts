/** Anthropic Messages as the sim server speaks it: request → neutral, answer → JSON or SSE events. */
import type {
  Message as AnthropicMessage,
  ContentBlock,
  RawMessageStreamEvent,
  StopReason as WireStopReason,
} from "@anthropic-ai/sdk/resources/messages";
import { textChunks } from "../../providers/simScript.js";
import type { OutputSpec, StopReason, ToolSpec } from "../../providers/types.js";
import type { Content, ContentPart, Message, ProviderPart, ToolCall } from "../../transcript/index.js";
import { extend } from "../../util/extend.js";
import { validateAnthropicRequest } from "./anthropicValidation.js";
import { checkAnthropicKey } from "./auth.js";
import { argumentsText, isRecord, type NeutralRequest, pieces, type WireAnswer, type WireBody, type WireProtocol } from "./protocol.js";
import type { SseEvent } from "./sse.js";
import { thinkingEnabled, thinkingSignature, thinkingText } from "./thinking.js";

const STOP: Record<StopReason, WireStopReason> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
};

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

type Block = Record<string, unknown>;

function blocksOf(content: unknown): Block[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : (content as Block[]);
}

function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((b) => (isRecord(b) && typeof b.text === "string" ? b.text : "")).join("");
}

/** An image or document block as a neutral part (base64 or URL sources; plain-text documents as text files). */
function neutralPart(block: Block): ContentPart | undefined {
  const source = isRecord(block.source) ? block.source : {};
  if (block.type === "text" && typeof block.text === "string") return { type: "text", text: block.text };
  if (block.type === "image") {
    if (source.type === "url") return { type: "image", url: String(source.url) };
    return { type: "image", data: String(source.data), mediaType: String(source.media_type) };
  }
  if (block.type === "document") {
    const name = typeof block.title === "string" ? { name: block.title } : {};
    if (source.type === "url") return { type: "file", url: String(source.url), mediaType: "application/pdf", ...name };
    if (source.type === "text")
      return { type: "file", data: Buffer.from(String(source.data)).toString("base64"), mediaType: "text/plain", ...name };
    return { type: "file", data: String(source.data), mediaType: String(source.media_type), ...name };
  }
  return undefined;
}

/** Text, or parts where the blocks hold images or documents. */
function neutralContent(blocks: readonly Block[], text: () => string): Content {
  if (!blocks.some((b) => b.type === "image" || b.type === "document")) return text();
  return blocks.map(neutralPart).filter((p): p is ContentPart => p !== undefined);
}

function requestedOutput(body: WireBody): OutputSpec | undefined {
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  if (!isRecord(format) || !isRecord(format.schema)) return undefined;
  return { name: "output", schema: format.schema, strict: true };
}

function toNeutral(body: WireBody): NeutralRequest {
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const raw of body.messages as Block[]) {
    const blocks = blocksOf(raw.content);
    const text = blocks
      .filter((b) => b.type === "text")
      .map((b) => b.text as string)
      .join("\n");
    if (raw.role === "user") {
      for (const block of blocks.filter((b) => b.type === "tool_result")) {
        const id = block.tool_use_id as string;
        const content = Array.isArray(block.content)
          ? neutralContent(block.content as Block[], () => resultText(block.content))
          : resultText(block.content);
        const name = toolNames.get(id) ?? "";
        messages.push(
          block.is_error === true
            ? { role: "tool", toolCallId: id, name, content, isError: true }
            : { role: "tool", toolCallId: id, name, content },
        );
      }
      const own = blocks.filter((b) => b.type !== "tool_result");
      if (own.length > 0) messages.push({ role: "user", content: neutralContent(own, () => text) });
      continue;
    }
    const calls: ToolCall[] = [];
    const parts: ProviderPart[] = [];
    for (const block of blocks) {
      if (block.type === "tool_use") {
        toolNames.set(block.id as string, block.name as string);
        calls.push({ id: block.id as string, name: block.name as string, args: block.input as Record<string, unknown> });
      } else if (block.type === "thinking") {
        parts.push({ provider: "anthropic", kind: "thinking", data: { thinking: block.thinking, signature: block.signature } });
      }
    }
    const message: Message = { role: "assistant", content: text };
    if (calls.length > 0) message.toolCalls = calls;
    if (parts.length > 0) message.meta = { providerParts: parts };
    messages.push(message);
  }
  const system = typeof body.system === "string" ? body.system : Array.isArray(body.system) ? resultText(body.system) : undefined;
  const tools: ToolSpec[] = ((body.tools ?? []) as Block[])
    .filter((tool) => tool.type === undefined || tool.type === null || tool.type === "custom")
    .map((tool) => ({
      name: tool.name as string,
      description: typeof tool.description === "string" ? tool.description : "",
      parameters: tool.input_schema as Record<string, unknown>,
    }));
  const output = requestedOutput(body);
  return { messages, tools, ...(system ? { system } : {}), ...(output ? { output } : {}) };
}

function usage(answer: WireAnswer) {
  return {
    input_tokens: answer.response.usage.inputTokens,
    output_tokens: answer.response.usage.outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: "standard" as const,
    speed: null,
  };
}

function thinkingBlock(answer: WireAnswer, body: WireBody): { thinking: string; signature: string } | undefined {
  if (!thinkingEnabled(body)) return undefined;
  const thinking = thinkingText(answer.response);
  return { thinking, signature: thinkingSignature(thinking) };
}

/** Broken tool input can only be shown in JSON as a string where an object belongs. */
function toolInput(args: Record<string, unknown>, malformed: boolean): unknown {
  return malformed ? argumentsText(args, true) : args;
}

function json(answer: WireAnswer, body: WireBody): AnthropicMessage {
  const { response } = answer;
  const content: ContentBlock[] = [];
  const thinking = thinkingBlock(answer, body);
  if (thinking) content.push({ type: "thinking", ...thinking });
  // The real API leaves `citations` out when there are none (the SDK's type says `| null`), and
  // strict clients such as the AI SDK reject a null there.
  if (response.text !== "") content.push({ type: "text", text: response.text } as ContentBlock);
  for (const call of response.toolCalls) {
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.name,
      input: toolInput(call.args, answer.malformedToolArgs),
      caller: { type: "direct" },
    });
  }
  return {
    id: `msg_sim_${answer.seq}`,
    type: "message",
    role: "assistant",
    model: body.model as string,
    content,
    stop_reason: STOP[response.stopReason],
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: usage(answer),
  };
}

/** Events framed as the real API frames them: message_start, ping, blocks with deltas, message_delta, message_stop. */
function events(answer: WireAnswer, body: WireBody): SseEvent[] {
  const { response } = answer;
  const out: SseEvent[] = [];
  const add = (data: RawMessageStreamEvent | { type: "ping" }, text = false) => {
    const event: SseEvent = { event: data.type, data: JSON.stringify(data) };
    if (text) event.text = true;
    out.push(event);
  };
  const start = json(answer, body);
  add({
    type: "message_start",
    message: extend(start, { content: [], stop_reason: null, usage: extend(start.usage, { output_tokens: 1 }) }),
  });
  add({ type: "ping" });
  let index = 0;
  const thinking = thinkingBlock(answer, body);
  if (thinking) {
    add({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
    add({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: thinking.thinking } });
    add({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: thinking.signature } });
    add({ type: "content_block_stop", index: index++ });
  }
  if (response.text !== "") {
    add({ type: "content_block_start", index, content_block: { type: "text", text: "" } as ContentBlock });
    for (const piece of textChunks(response.text))
      add({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }, true);
    add({ type: "content_block_stop", index: index++ });
  }
  for (const call of response.toolCalls) {
    add({
      type: "content_block_start",
      index,
      content_block: { type: "tool_use", id: call.id, name: call.name, input: {}, caller: { type: "direct" } },
    });
    for (const part of pieces(argumentsText(call.args, answer.malformedToolArgs))) {
      add({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: part } });
    }
    add({ type: "content_block_stop", index: index++ });
  }
  add({
    type: "message_delta",
    delta: { stop_reason: STOP[response.stopReason], stop_sequence: null, stop_details: null, container: null },
    usage: {
      input_tokens: response.usage.inputTokens,
      output_tokens: response.usage.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  add({ type: "message_stop" });
  return out;
}

export const anthropicProtocol: WireProtocol = {
  provider: "anthropic",
  validate: validateAnthropicRequest,
  toNeutral,
  isStream: (body) => body.stream === true,
  authenticate: (headers, apiKey) => checkAnthropicKey(headers, apiKey),
  errorBody(status, message) {
    const type = ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
    return { type: "error", error: { type, message }, request_id: null };
  },
  headers: (seq) => ({ "request-id": `req_sim_${seq}` }),
  json,
  events,
};
