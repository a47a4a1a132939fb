/** OpenAI Chat Completions as the sim server speaks it: request → neutral, answer → JSON or SSE chunks. */
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import { textChunks } from "../../providers/simScript.js";
import { parseToolArgs } from "../../providers/toolArgs.js";
import type { OutputSpec, StopReason, ToolSpec } from "../../providers/types.js";
import type { Content, ContentPart, Message, ToolCall } from "../../transcript/index.js";
import { extend } from "../../util/extend.js";
import { checkOpenAIKey } from "./auth.js";
import { validateOpenAIRequest } from "./openaiValidation.js";
import { argumentsText, isRecord, type NeutralRequest, pieces, type WireAnswer, type WireBody, type WireProtocol } from "./protocol.js";
import type { SseEvent } from "./sse.js";

const FINISH: Record<StopReason, ChatCompletion.Choice["finish_reason"]> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  content_filter: "content_filter",
};

const ERROR_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: "invalid_request_error", code: null },
  401: { type: "invalid_request_error", code: "invalid_api_key" },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory" },
  404: { type: "invalid_request_error", code: "model_not_found" },
  429: { type: "requests", code: "rate_limit_exceeded" },
};

/** Text of a message's content: a string, or the text parts of an array. */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content.map((part) => (isRecord(part) && typeof part.text === "string" ? part.text : "")).join("");
}

const DATA_URL = /^data:([^;,]+)(?:;[^,]*)?;base64,(.*)$/s;

/** A wire part as a neutral part (images by URL or data URL, PDFs from file_data). */
function neutralPart(part: unknown): ContentPart | undefined {
  if (!isRecord(part)) return undefined;
  if (part.type === "text" && typeof part.text === "string") return { type: "text", text: part.text };
  if (part.type === "image_url" && isRecord(part.image_url) && typeof part.image_url.url === "string") {
    const match = DATA_URL.exec(part.image_url.url);
    return match ? { type: "image", mediaType: match[1] ?? "", data: match[2] ?? "" } : { type: "image", url: part.image_url.url };
  }
  if (part.type === "file" && isRecord(part.file) && typeof part.file.file_data === "string") {
    const match = DATA_URL.exec(part.file.file_data);
    const name = typeof part.file.filename === "string" ? { name: part.file.filename } : {};
    return { type: "file", mediaType: match?.[1] ?? "", data: match?.[2] ?? "", ...name };
  }
  return undefined;
}

/** User content as a script sees it: text, or parts where images or files are present. */
function userContent(content: unknown): Content {
  if (!Array.isArray(content) || content.every((p) => isRecord(p) && p.type === "text")) return contentText(content);
  return content.map(neutralPart).filter((p): p is ContentPart => p !== undefined);
}

/** The structured output a request asks for. */
function requestedOutput(body: WireBody): OutputSpec | undefined {
  const format = body.response_format;
  if (!isRecord(format)) return undefined;
  if (format.type === "json_object") return { name: "json_object", schema: {}, strict: false };
  if (format.type !== "json_schema" || !isRecord(format.json_schema)) return undefined;
  const spec = format.json_schema;
  return { name: String(spec.name), schema: isRecord(spec.schema) ? spec.schema : {}, strict: spec.strict === true };
}

function toNeutral(body: WireBody): NeutralRequest {
  const system: string[] = [];
  const messages: Message[] = [];
  const toolNames = new Map<string, string>();
  for (const raw of body.messages as Record<string, unknown>[]) {
    const text = contentText(raw.content);
    if (raw.role === "system" || raw.role === "developer") {
      if (messages.length === 0) system.push(text);
      else messages.push({ role: "system", content: text });
    } else if (raw.role === "user") {
      messages.push({ role: "user", content: userContent(raw.content) });
    } else if (raw.role === "assistant") {
      const calls: ToolCall[] = [];
      for (const call of (raw.tool_calls ?? []) as Array<{ id: string; function: { name: string; arguments: string } }>) {
        toolNames.set(call.id, call.function.name);
        const { args, argsError } = parseToolArgs(call.function.arguments);
        calls.push(
          argsError === undefined
            ? { id: call.id, name: call.function.name, args }
            : { id: call.id, name: call.function.name, args, argsError },
        );
      }
      messages.push(calls.length > 0 ? { role: "assistant", content: text, toolCalls: calls } : { role: "assistant", content: text });
    } else if (raw.role === "tool") {
      const id = raw.tool_call_id as string;
      messages.push({ role: "tool", toolCallId: id, name: toolNames.get(id) ?? "", content: text });
    }
  }
  const tools: ToolSpec[] = (
    (body.tools ?? []) as Array<{ function: { name: string; description?: string; parameters?: Record<string, unknown> } }>
  ).map((tool) => ({ name: tool.function.name, description: tool.function.description ?? "", parameters: tool.function.parameters ?? {} }));
  const output = requestedOutput(body);
  return { messages, tools, ...(system.length > 0 ? { system: system.join("\n\n") } : {}), ...(output ? { output } : {}) };
}

function usage(answer: WireAnswer) {
  const { inputTokens, outputTokens } = answer.response.usage;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

function json(answer: WireAnswer, body: WireBody): ChatCompletion {
  const { response } = answer;
  const toolCalls = response.toolCalls.map((call) => ({
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: argumentsText(call.args, answer.malformedToolArgs) },
  }));
  return {
    id: `chatcmpl-sim-${answer.seq}`,
    object: "chat.completion",
    created: answer.created,
    model: body.model as string,
    system_fingerprint: "fp_sim",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: response.text === "" && toolCalls.length > 0 ? null : response.text,
          refusal: null,
          annotations: [],
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[response.stopReason],
      },
    ],
    usage: usage(answer),
  };
}

/** Chunks framed as the real API frames them: role first, content, tool-call fragments, finish, usage, [DONE]. */
function events(answer: WireAnswer, body: WireBody): SseEvent[] {
  const { response } = answer;
  const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
  const base = {
    id: `chatcmpl-sim-${answer.seq}`,
    object: "chat.completion.chunk" as const,
    created: answer.created,
    model: body.model as string,
    system_fingerprint: "fp_sim",
    ...(includeUsage ? { usage: null } : {}),
  };
  const chunk = (
    delta: ChatCompletionChunk.Choice.Delta,
    finish: ChatCompletionChunk.Choice["finish_reason"] = null,
  ): ChatCompletionChunk => extend(base, { choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const out: SseEvent[] = [];
  const add = (data: ChatCompletionChunk, text = false) =>
    out.push(text ? { data: JSON.stringify(data), text } : { data: JSON.stringify(data) });
  add(chunk({ role: "assistant", content: "", refusal: null }));
  for (const piece of textChunks(response.text)) add(chunk({ content: piece }), true);
  response.toolCalls.forEach((call, index) => {
    add(chunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }));
    for (const part of pieces(argumentsText(call.args, answer.malformedToolArgs))) {
      add(chunk({ tool_calls: [{ index, function: { arguments: part } }] }));
    }
  });
  add(chunk({}, FINISH[response.stopReason]));
  if (includeUsage) add(extend(base, { choices: [], usage: usage(answer) }));
  out.push({ data: "[DONE]" });
  return out;
}

export const openaiProtocol: WireProtocol = {
  provider: "openai",
  validate: validateOpenAIRequest,
  toNeutral,
  isStream: (body) => body.stream === true,
  authenticate: (headers, apiKey) => checkOpenAIKey(headers, apiKey),
  errorBody(status, message, detail = {}) {
    const kind =
      ERROR_TYPES[status] ?? (status >= 500 ? { type: "server_error", code: null } : { type: "invalid_request_error", code: null });
    return { error: { message, type: kind.type, param: detail.param ?? null, code: detail.code === undefined ? kind.code : detail.code } };
  },
  headers: (seq) => ({ "x-request-id": `req_sim_${seq}`, "openai-processing-ms": "1" }),
  json,
  events,
};
