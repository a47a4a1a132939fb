/**
 * OpenTelemetry GenAI semantic conventions (development status, semantic-conventions-genai,
 * docs/gen-ai/gen-ai-spans.md and gen-ai-agent-spans.md): attribute names and the pure mapping
 * of baton's data to them. baton-specific facts that have no convention live under `baton.*`.
 */
import type { ModelSettings, StopReason } from "../providers/types.js";
import type { ToolCallRecord } from "../result.js";
import type { ContentPart, Message } from "../transcript/index.js";

export const ATTR = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  agentName: "gen_ai.agent.name",
  agentDescription: "gen_ai.agent.description",
  workflowName: "gen_ai.workflow.name",
  conversationId: "gen_ai.conversation.id",
  requestModel: "gen_ai.request.model",
  requestMaxTokens: "gen_ai.request.max_tokens",
  requestTemperature: "gen_ai.request.temperature",
  requestTopP: "gen_ai.request.top_p",
  requestStopSequences: "gen_ai.request.stop_sequences",
  requestStream: "gen_ai.request.stream",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  timeToFirstChunk: "gen_ai.response.time_to_first_chunk",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  systemInstructions: "gen_ai.system_instructions",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
  toolType: "gen_ai.tool.type",
  toolArguments: "gen_ai.tool.call.arguments",
  toolResult: "gen_ai.tool.call.result",
  errorType: "error.type",
  /** MCP client conventions (docs/gen-ai/mcp.md), added to the execute_tool span of an MCP tool. */
  mcpMethod: "mcp.method.name",
  // baton's own: no convention covers them.
  runId: "baton.run.id",
  teamId: "baton.team.id",
  step: "baton.step",
  retries: "baton.retries",
  mcpServer: "baton.mcp.server",
  delegateTo: "baton.delegation.to",
  runStatus: "baton.run.status",
  runReason: "baton.run.reason",
  runSteps: "baton.run.steps",
  runInputTokens: "baton.usage.input_tokens",
  runOutputTokens: "baton.usage.output_tokens",
  runCostUSD: "baton.usage.cost_usd",
} as const;

export const SPAN_EVENT = {
  handoff: "baton.handoff",
  retry: "baton.retry",
  policy: "baton.policy.decision",
} as const;

/**
 * `gen_ai.provider.name` for a baton provider: the convention's well-known value where there is
 * one (`x_ai`, `mistral_ai`), else baton's provider name (`ollama`, `sim`, a custom name).
 */
export function providerName(provider: string): string {
  switch (provider) {
    case "xai":
      return "x_ai";
    case "mistral":
      return "mistral_ai";
    default:
      return provider;
  }
}

/** `provider/model` → its parts; a string without a slash is all model. */
export function splitModel(modelId: string): { provider: string; model: string } {
  const slash = modelId.indexOf("/");
  return slash < 0 ? { provider: "_OTHER", model: modelId } : { provider: modelId.slice(0, slash), model: modelId.slice(slash + 1) };
}

/** The finish reason values of the output-messages schema. */
export function finishReason(stop: StopReason | string | undefined): string {
  switch (stop) {
    case "tool_calls":
      return "tool_call";
    case undefined:
      return "stop";
    default:
      return stop;
  }
}

/** Request settings as `gen_ai.request.*` attributes. */
export function settingsAttributes(settings: ModelSettings | undefined): Record<string, number | string[]> {
  const out: Record<string, number | string[]> = {};
  if (!settings) return out;
  if (settings.maxTokens !== undefined) out[ATTR.requestMaxTokens] = settings.maxTokens;
  if (settings.temperature !== undefined) out[ATTR.requestTemperature] = settings.temperature;
  if (settings.topP !== undefined) out[ATTR.requestTopP] = settings.topP;
  if (settings.stop?.length) out[ATTR.requestStopSequences] = [...settings.stop];
  return out;
}

type Part = Record<string, unknown>;

function contentParts(content: string | ContentPart[]): Part[] {
  if (typeof content === "string") return [{ type: "text", content }];
  return content.map((part): Part => {
    if (part.type === "text") return { type: "text", content: part.text };
    const modality = part.type === "image" ? "image" : "document";
    if ("url" in part) return { type: "uri", modality, uri: part.url, ...(part.mediaType ? { mime_type: part.mediaType } : {}) };
    // Inline media is not copied into telemetry: its size says what it was.
    return { type: "blob", modality, mime_type: part.mediaType, content: `[${part.data.length} base64 chars omitted]` };
  });
}

/** The transcript sent to a model, in the input-messages schema (`gen_ai.input.messages`). */
export function inputMessages(messages: readonly Message[]): Part[] {
  return messages.map((m): Part => {
    switch (m.role) {
      case "system":
        return { role: "system", parts: [{ type: "text", content: m.content }] };
      case "user":
        return { role: "user", parts: contentParts(m.content) };
      case "tool":
        return { role: "tool", parts: [{ type: "tool_call_response", id: m.toolCallId, result: toolResultValue(m.content) }] };
      default: {
        const parts: Part[] = m.content ? [{ type: "text", content: m.content }] : [];
        for (const call of m.toolCalls ?? []) parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.args });
        return { role: "assistant", parts };
      }
    }
  });
}

function toolResultValue(content: string | ContentPart[]): unknown {
  return typeof content === "string" ? content : contentParts(content);
}

/** A system prompt in the system-instructions schema. */
export function systemInstructions(system: string): Part[] {
  return [{ type: "text", content: system }];
}

/** One model answer in the output-messages schema (`gen_ai.output.messages`). */
export function outputMessages(
  text: string,
  toolCalls: readonly Pick<ToolCallRecord, "id" | "name" | "args">[],
  stop: string | undefined,
): Part[] {
  const parts: Part[] = text ? [{ type: "text", content: text }] : [];
  for (const call of toolCalls) parts.push({ type: "tool_call", id: call.id, name: call.name, arguments: call.args });
  return [{ role: "assistant", parts, finish_reason: finishReason(stop) }];
}

/** W3C `traceparent` for a span context (version 00). */
export function formatTraceparent(traceId: string, spanId: string, traceFlags: number): string {
  return `00-${traceId}-${spanId}-${(traceFlags & 0xff).toString(16).padStart(2, "0")}`;
}
