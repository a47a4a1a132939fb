/**
 * Translation between the neutral transcript and OpenAI Chat Completions: request bodies,
 * JSON responses, and streamed chunks. Pure: no SDK client, no I/O.
 */

import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsBase,
  ChatCompletionTool,
} from "openai/resources/chat/completions";
import { modelCapabilities } from "../models/capabilities.js";
import type { ToolCall } from "../transcript/index.js";
import { checkRequestContent, OPENAI_LIMITS } from "./content.js";
import { withIdentity } from "./identity.js";
import { toOpenAIMessages } from "./openaiMessages.js";
import { parseToolArgs } from "./toolArgs.js";
import type { ModelRequest, ModelResponse, OutputSpec, StopReason, ToolSpec, Usage } from "./types.js";

export { toOpenAIMessages, toolResultText } from "./openaiMessages.js";

export interface OpenAIWireOptions {
  /** OpenAI-compatible server: `max_tokens` instead of `max_completion_tokens`. */
  compatible: boolean;
}

export function toOpenAITools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: "function" as const,
    function: { name: tool.name, description: tool.description, parameters: { type: "object", ...tool.parameters } },
  }));
}

/** Said to a model without native structured output, next to `response_format: json_object`. */
export function jsonObjectInstruction(output: OutputSpec): string {
  return `Answer with one JSON object (no prose, no code fence) that matches this JSON Schema, named ${output.name}:\n${JSON.stringify(output.schema)}`;
}

/**
 * Structured output on this wire: `json_schema` (strict where the spec allows it); for a model the
 * catalog knows lacks it, `json_object` plus the schema in a system message (the answer is still
 * validated against the schema by the caller).
 */
function responseFormat(request: ModelRequest, output: OutputSpec): Pick<ChatCompletionCreateParamsBase, "response_format"> {
  if (modelCapabilities(request.modelId).structuredOutput === false) return { response_format: { type: "json_object" } };
  return { response_format: { type: "json_schema", json_schema: { name: output.name, schema: output.schema, strict: output.strict } } };
}

/**
 * The request body, without `stream` (the adapter adds it). Settings map to wire names; `extra`
 * goes last. Throws INVALID_OPTIONS before any call when there is nothing to send or a part
 * breaks the provider's rules (media type, base64, size).
 */
export function toOpenAIParams(request: ModelRequest, options: OpenAIWireOptions): ChatCompletionCreateParamsBase {
  checkRequestContent(request, OPENAI_LIMITS);
  const { settings } = request;
  const messages = toOpenAIMessages(request.system, request.messages);
  const format = request.output ? responseFormat(request, request.output) : undefined;
  if (request.output && format?.response_format?.type === "json_object") {
    // After the system prompt: the schema is what json_object mode cannot carry itself.
    messages.splice(request.system ? 1 : 0, 0, { role: "system", content: jsonObjectInstruction(request.output) });
  }
  const body: ChatCompletionCreateParamsBase = { model: request.model, messages, ...format };
  // History with tool calls needs no tool definitions on this wire: Chat Completions accepts it.
  if (request.tools.length > 0) body.tools = toOpenAITools(request.tools);
  if (settings.temperature !== undefined) body.temperature = settings.temperature;
  if (settings.topP !== undefined) body.top_p = settings.topP;
  if (settings.maxTokens !== undefined) {
    if (options.compatible) body.max_tokens = settings.maxTokens;
    else body.max_completion_tokens = settings.maxTokens;
  }
  if (settings.stop?.length) body.stop = settings.stop;
  return settings.extra ? ({ ...body, ...settings.extra } as ChatCompletionCreateParamsBase) : body;
}

export function mapFinishReason(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    case "tool_calls":
    case "function_call":
      return "tool_calls";
    default:
      // Some compatible servers say "stop" while returning tool calls.
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

function toUsage(usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined): Usage {
  return { inputTokens: usage?.prompt_tokens ?? 0, outputTokens: usage?.completion_tokens ?? 0 };
}

function toolCall(id: string, name: string, argsText: string): ToolCall {
  const { args, argsError } = parseToolArgs(argsText);
  return argsError === undefined ? { id, name, args } : { id, name, args, argsError };
}

export function fromOpenAICompletion(completion: ChatCompletion): ModelResponse {
  const choice = completion.choices[0];
  const message = choice?.message;
  const toolCalls: ToolCall[] = [];
  for (const call of message?.tool_calls ?? []) {
    if (call.type === "function") toolCalls.push(toolCall(call.id, call.function.name, call.function.arguments));
  }
  const refusal = message?.refusal ?? undefined;
  const text = message?.content ?? refusal ?? "";
  const stopReason = !message?.content && refusal ? "content_filter" : mapFinishReason(choice?.finish_reason, toolCalls.length > 0);
  return withIdentity({ text, toolCalls, usage: toUsage(completion.usage), stopReason }, completion.model, completion.id);
}

interface PartialCall {
  id: string;
  name: string;
  args: string;
}

/**
 * Folds streamed chunks into one response: text deltas are handed to `onText` as they arrive,
 * tool-call fragments are joined by their `index`.
 */
export class OpenAIStreamAccumulator {
  #text = "";
  #refusal = "";
  #calls = new Map<number, PartialCall>();
  #finishReason: string | null = null;
  #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  #model: string | undefined;
  #id: string | undefined;
  readonly #onText: ((text: string) => void) | undefined;

  constructor(onText?: (text: string) => void) {
    this.#onText = onText;
  }

  /** True once a choice has reported its finish reason. */
  get finished(): boolean {
    return this.#finishReason !== null;
  }

  push(chunk: ChatCompletionChunk): void {
    if (chunk.usage) this.#usage = toUsage(chunk.usage);
    this.#model ??= chunk.model || undefined;
    this.#id ??= chunk.id || undefined;
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) {
      this.#text += delta.content;
      this.#onText?.(delta.content);
    }
    if (delta.refusal) this.#refusal += delta.refusal;
    for (const fragment of delta.tool_calls ?? []) {
      const call = this.#calls.get(fragment.index) ?? { id: "", name: "", args: "" };
      if (fragment.id && !call.id) call.id = fragment.id;
      if (fragment.function?.name && !call.name) call.name = fragment.function.name;
      if (fragment.function?.arguments) call.args += fragment.function.arguments;
      this.#calls.set(fragment.index, call);
    }
    if (choice.finish_reason) this.#finishReason = choice.finish_reason;
  }

  result(): ModelResponse {
    const toolCalls = [...this.#calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => toolCall(call.id || `call_${index}`, call.name, call.args));
    const text = this.#text || this.#refusal;
    const stopReason = !this.#text && this.#refusal ? "content_filter" : mapFinishReason(this.#finishReason, toolCalls.length > 0);
    return withIdentity({ text, toolCalls, usage: this.#usage, stopReason }, this.#model, this.#id);
  }
}
