/**
 * MCP sampling (`sampling/createMessage`, a server asking the client's model for a completion):
 * which model answers, and the translation to and from baton's `sample` function. Pure.
 */

export interface SampleRequest {
  systemPrompt?: string;
  messages: Array<{ role: "user" | "assistant"; text: string }>;
  maxTokens?: number;
}

export interface SampleResponse {
  model: string;
  text: string;
  stopReason: string;
}

export type SampleFn = (modelId: string, request: SampleRequest) => Promise<SampleResponse>;

/**
 * The model that answers a sampling request: the configured one, else the sampling model of the
 * most recent call in flight on that server (the request comes from one of those calls).
 */
export function pickSamplingModel(
  configured: string | undefined,
  inFlight: ReadonlyArray<{ samplingModel?: string | undefined }>,
): string | undefined {
  if (configured) return configured;
  for (let i = inFlight.length - 1; i >= 0; i--) {
    const model = inFlight[i]!.samplingModel;
    if (model) return model;
  }
  return undefined;
}

function blockText(block: unknown): string {
  if (!block || typeof block !== "object") return "";
  const b = block as Record<string, unknown>;
  if (b["type"] === "text" && typeof b["text"] === "string") return b["text"];
  if (b["type"] === "image" || b["type"] === "audio")
    return `[${b["type"]} ${typeof b["mimeType"] === "string" ? b["mimeType"] : ""}]`.trim();
  if (b["type"] === "tool_result") return `[tool result] ${JSON.stringify(b["content"] ?? "")}`;
  if (b["type"] === "tool_use") return `[tool call ${String(b["name"] ?? "")}] ${JSON.stringify(b["input"] ?? {})}`;
  return JSON.stringify(block);
}

/** `sampling/createMessage` params → the request baton's sample function takes. */
export function toSampleRequest(params: {
  systemPrompt?: string | undefined;
  messages: ReadonlyArray<{ role: string; content: unknown }>;
  maxTokens?: number | undefined;
}): SampleRequest {
  const messages = params.messages.map((m) => {
    const blocks = Array.isArray(m.content) ? m.content : [m.content];
    return { role: m.role === "assistant" ? ("assistant" as const) : ("user" as const), text: blocks.map(blockText).join("\n") };
  });
  return {
    ...(params.systemPrompt ? { systemPrompt: params.systemPrompt } : {}),
    messages,
    ...(typeof params.maxTokens === "number" ? { maxTokens: params.maxTokens } : {}),
  };
}

const STOP_REASONS: Record<string, string> = {
  stop: "endTurn",
  end_turn: "endTurn",
  length: "maxTokens",
  max_tokens: "maxTokens",
  stop_sequence: "stopSequence",
  tool_calls: "toolUse",
};

/** baton's sample result → the `sampling/createMessage` result. */
export function toCreateMessageResult(response: SampleResponse): {
  model: string;
  role: "assistant";
  content: { type: "text"; text: string };
  stopReason: string;
} {
  return {
    model: response.model,
    role: "assistant",
    content: { type: "text", text: response.text },
    stopReason: STOP_REASONS[response.stopReason] ?? response.stopReason,
  };
}
