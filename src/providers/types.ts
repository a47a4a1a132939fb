import type { ErrorData } from "../errors.js";
import type { Message, ProviderPart, ToolCall } from "../transcript.js";

/** Per-model generation settings; adapters map them to their wire names. */
export interface ModelSettings {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stop?: string[];
  /** Extra provider-specific request fields, passed through as they are. */
  extra?: Record<string, unknown>;
}

/** A tool as offered to a model: a name valid for every provider and a JSON Schema. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export type StopReason = "stop" | "tool_calls" | "length" | "content_filter";

/** One model call, provider-neutral. */
export interface ModelRequest {
  /** The full `provider/model` id. */
  modelId: string;
  /** The provider's own model name. */
  model: string;
  /** System prompt (instructions plus whatever the supervisor prepends for this call). */
  system?: string;
  messages: readonly Message[];
  tools: readonly ToolSpec[];
  settings: ModelSettings;
  /** Identifies the conversation (team id), e.g. for scripted sim models. */
  sessionId: string;
  signal?: AbortSignal;
  /** Called with each text delta as it arrives when streaming. */
  onTextDelta?: (text: string) => void;
}

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
  providerParts?: ProviderPart[];
}

/**
 * The one interface agents call providers through. Adapters translate and make one call;
 * retries are the agent's (so they are uniform and visible), so SDK retries are off.
 */
export interface Provider {
  readonly name: string;
  call(request: ModelRequest): Promise<ModelResponse>;
  /** Releases sockets or timers, if any. */
  close?(): Promise<void>;
  /** Forgets whatever it keeps for one conversation (`sessionId`): called when a team stops. */
  endSession?(sessionId: string): void;
}

/** A provider failure, as plain data the agent can decide on. */
export interface ProviderFailure extends ErrorData {
  code: "PROVIDER_ERROR";
  details: {
    provider: string;
    model: string;
    status?: number;
    retryable: boolean;
    retryAfterMs?: number;
  };
}
