/**
 * Translation between the neutral transcript and Anthropic Messages: request bodies, JSON
 * responses, and streamed events. Pure: no SDK client, no I/O.
 */
import type {
  Message as AnthropicMessage,
  MessageCreateParamsBase,
  MessageParam,
  RawMessageStreamEvent,
  Tool,
} from "@anthropic-ai/sdk/resources/messages";
import { modelCapabilities } from "../models/capabilities.js";
import type { ProviderPart, ToolCall } from "../transcript/index.js";
import { ANTHROPIC, historyTools, toAnthropicMessages } from "./anthropicMessages.js";
import { outputFormat, outputTool, outputToolChoice, outputToolName } from "./anthropicOutput.js";
import { ANTHROPIC_LIMITS, checkRequestContent, isBlank } from "./content.js";
import { withIdentity } from "./identity.js";
import { parseToolArgs, toolInputToArgs } from "./toolArgs.js";
import type { ModelRequest, ModelResponse, StopReason, ToolSpec, Usage } from "./types.js";

export { ANTHROPIC, CONTINUE_TEXT, toAnthropicMessages } from "./anthropicMessages.js";

/** Default `max_tokens` per model family (the API requires the field); `settings.maxTokens` overrides. */
const MAX_TOKENS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^claude-3-(opus|sonnet|haiku)/, 4096],
  [/^claude-3-5-/, 8192],
];
const DEFAULT_MAX_TOKENS = 16384;

export function defaultMaxTokens(model: string): number {
  return MAX_TOKENS.find(([pattern]) => pattern.test(model))?.[1] ?? DEFAULT_MAX_TOKENS;
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: { type: "object", ...tool.parameters } as Tool.InputSchema,
  }));
}

function thinkingEnabled(body: Record<string, unknown>): boolean {
  const thinking = body.thinking as { type?: unknown } | undefined;
  return thinking?.type === "enabled" || thinking?.type === "adaptive";
}

/**
 * With thinking on, the API demands that the last assistant turn, if it used tools, start with
 * a thinking block. A turn written by another provider (a handoff) has none, so thinking is
 * left off for this one call rather than failing it.
 */
function lastToolTurnLacksThinking(messages: readonly MessageParam[]): boolean {
  const last = messages.findLast((m) => m.role === "assistant");
  if (!last || typeof last.content === "string") return false;
  const usesTools = last.content.some((b) => b.type === "tool_use");
  const first = last.content[0]?.type;
  return usesTools && first !== "thinking" && first !== "redacted_thinking";
}

/**
 * The final-answer tool a request carries instead of `output_config` (a model the catalog knows
 * has no native structured output), or undefined. The adapter turns its call back into text.
 */
export function anthropicOutputTool(request: ModelRequest): string | undefined {
  if (!request.output || modelCapabilities(request.modelId).structuredOutput !== false) return undefined;
  return outputToolName(
    request.output,
    request.tools.map((t) => t.name),
  );
}

/**
 * The request body, without `stream`. Settings map to wire names; `extra` goes last. Throws
 * INVALID_OPTIONS before any call when there is nothing to send or a part breaks the API's rules.
 */
export function toAnthropicParams(request: ModelRequest): MessageCreateParamsBase {
  checkRequestContent(request, ANTHROPIC_LIMITS);
  const { settings } = request;
  const converted = toAnthropicMessages(request.messages);
  const system = [request.system ?? "", ...converted.system].filter((s) => !isBlank(s)).join("\n\n");
  const body: Record<string, unknown> = {
    model: request.model,
    max_tokens: settings.maxTokens ?? defaultMaxTokens(request.model),
    messages: converted.messages,
  };
  if (system) body.system = system;
  if (request.tools.length > 0) body.tools = toAnthropicTools(request.tools);
  else Object.assign(body, historyTools(converted.messages));
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.stop?.length) body.stop_sequences = settings.stop;
  Object.assign(body, settings.extra);
  if (thinkingEnabled(body) && lastToolTurnLacksThinking(converted.messages)) delete body.thinking;
  if (request.output) addOutput(body, request);
  return body as unknown as MessageCreateParamsBase;
}

/** `output_config.format` (kept beside any `output_config` from `extra`), or the final-answer tool. */
function addOutput(body: Record<string, unknown>, request: ModelRequest): void {
  const output = request.output!;
  const toolName = anthropicOutputTool(request);
  if (toolName === undefined) {
    body.output_config = { ...(body.output_config as object | undefined), ...outputFormat(output) };
    return;
  }
  // Beside the offered tools, or the history's (not callable: the choice then forces the answer tool).
  body.tools = [...((body.tools as Tool[] | undefined) ?? []), outputTool(output, toolName)];
  body.tool_choice = outputToolChoice(toolName, request.tools.length > 0, thinkingEnabled(body));
}

export function mapStopReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "content_filter";
    case "tool_use":
      return "tool_calls";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

interface WireUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
}

/** Input tokens include cache writes and reads: together they are what the prompt cost. */
function inputTokens(usage: WireUsage): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

function toolCall(id: string, name: string, parsed: { args: Record<string, unknown>; argsError?: string }): ToolCall {
  return parsed.argsError === undefined ? { id, name, args: parsed.args } : { id, name, args: parsed.args, argsError: parsed.argsError };
}

function response(
  text: string,
  toolCalls: ToolCall[],
  usage: Usage,
  stop: string | null | undefined,
  parts: ProviderPart[],
): ModelResponse {
  const out: ModelResponse = { text, toolCalls, usage, stopReason: mapStopReason(stop, toolCalls.length > 0) };
  if (parts.length > 0) out.providerParts = parts;
  return out;
}

export function fromAnthropicMessage(message: AnthropicMessage): ModelResponse {
  let text = "";
  const toolCalls: ToolCall[] = [];
  const parts: ProviderPart[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "tool_use") toolCalls.push(toolCall(block.id, block.name, toolInputToArgs(block.input)));
    else if (block.type === "thinking")
      parts.push({ provider: ANTHROPIC, kind: "thinking", data: { thinking: block.thinking, signature: block.signature } });
    else if (block.type === "redacted_thinking") parts.push({ provider: ANTHROPIC, kind: "redacted_thinking", data: { data: block.data } });
  }
  const usage = { inputTokens: inputTokens(message.usage), outputTokens: message.usage.output_tokens ?? 0 };
  return withIdentity(response(text, toolCalls, usage, message.stop_reason, parts), message.model, message.id);
}

type StreamBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; json: string; input: unknown }
  | { type: "thinking"; thinking: string; signature: string }
  | { type: "redacted_thinking"; data: string }
  | { type: "other" };

/** Folds streamed events into one response; text deltas go to `onText` as they arrive. */
export class AnthropicStreamAccumulator {
  #blocks = new Map<number, StreamBlock>();
  #stopReason: string | null = null;
  #usage: WireUsage = {};
  #stopped = false;
  #model: string | undefined;
  #id: string | undefined;
  readonly #onText: ((text: string) => void) | undefined;

  constructor(onText?: (text: string) => void) {
    this.#onText = onText;
  }

  /** True once `message_stop` arrived. */
  get finished(): boolean {
    return this.#stopped;
  }

  push(event: RawMessageStreamEvent): void {
    switch (event.type) {
      case "message_start":
        this.#usage = { ...event.message.usage };
        this.#model = event.message.model || undefined;
        this.#id = event.message.id || undefined;
        break;
      case "content_block_start": {
        const block = event.content_block;
        if (block.type === "text") this.#blocks.set(event.index, { type: "text", text: block.text ?? "" });
        else if (block.type === "tool_use")
          this.#blocks.set(event.index, { type: "tool_use", id: block.id, name: block.name, json: "", input: block.input });
        else if (block.type === "thinking")
          this.#blocks.set(event.index, { type: "thinking", thinking: block.thinking ?? "", signature: block.signature ?? "" });
        else if (block.type === "redacted_thinking") this.#blocks.set(event.index, { type: "redacted_thinking", data: block.data });
        else this.#blocks.set(event.index, { type: "other" });
        break;
      }
      case "content_block_delta": {
        const block = this.#blocks.get(event.index);
        const delta = event.delta;
        if (delta.type === "text_delta" && block?.type === "text") {
          block.text += delta.text;
          this.#onText?.(delta.text);
        } else if (delta.type === "input_json_delta" && block?.type === "tool_use") block.json += delta.partial_json;
        else if (delta.type === "thinking_delta" && block?.type === "thinking") block.thinking += delta.thinking;
        else if (delta.type === "signature_delta" && block?.type === "thinking") block.signature += delta.signature;
        break;
      }
      case "message_delta": {
        if (event.delta.stop_reason) this.#stopReason = event.delta.stop_reason;
        const usage = event.usage;
        this.#usage = {
          ...this.#usage,
          output_tokens: usage.output_tokens ?? this.#usage.output_tokens,
          ...(usage.input_tokens == null ? {} : { input_tokens: usage.input_tokens }),
          ...(usage.cache_creation_input_tokens == null ? {} : { cache_creation_input_tokens: usage.cache_creation_input_tokens }),
          ...(usage.cache_read_input_tokens == null ? {} : { cache_read_input_tokens: usage.cache_read_input_tokens }),
        };
        break;
      }
      case "message_stop":
        this.#stopped = true;
        break;
    }
  }

  result(): ModelResponse {
    let text = "";
    const toolCalls: ToolCall[] = [];
    const parts: ProviderPart[] = [];
    for (const [, block] of [...this.#blocks.entries()].sort(([a], [b]) => a - b)) {
      if (block.type === "text") text += block.text;
      else if (block.type === "tool_use") {
        const parsed = block.json === "" ? toolInputToArgs(block.input ?? {}) : parseToolArgs(block.json);
        toolCalls.push(toolCall(block.id, block.name, parsed));
      } else if (block.type === "thinking") {
        parts.push({ provider: ANTHROPIC, kind: "thinking", data: { thinking: block.thinking, signature: block.signature } });
      } else if (block.type === "redacted_thinking")
        parts.push({ provider: ANTHROPIC, kind: "redacted_thinking", data: { data: block.data } });
    }
    const usage = { inputTokens: inputTokens(this.#usage), outputTokens: this.#usage.output_tokens ?? 0 };
    return withIdentity(response(text, toolCalls, usage, this.#stopReason, parts), this.#model, this.#id);
  }
}
