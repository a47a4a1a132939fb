import type { ErrorData } from "../errorData.js";
import type { Message, ProviderPart, ToolCall } from "../transcript/index.js";

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

/** Structured final output: the model answers with JSON that matches `schema`. */
export interface OutputSpec {
  /** A name for the schema (`[a-zA-Z0-9_-]`), as providers ask for one. */
  name: string;
  /** JSON Schema of the answer (an object schema). */
  schema: Record<string, unknown>;
  /** Ask the provider to enforce the schema exactly where the schema allows it. */
  strict: boolean;
}

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
  /** Present when the run asks for typed output and this call may give the final answer. */
  output?: OutputSpec;
  /** Identifies the conversation (team id), e.g. for scripted sim models. */
  sessionId: string;
  signal?: AbortSignal;
  /** Called with each text delta as it arrives when streaming. */
  onTextDelta?: (text: string) => void;
}

/** A model call as plain data: what goes in a CALL message (the service adds signal and deltas). */
export type PlainModelRequest = Omit<ModelRequest, "signal" | "onTextDelta">;

export interface ModelResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  stopReason: StopReason;
  providerParts?: ProviderPart[];
  /** The model id the provider says answered (often more exact than the one asked for). */
  responseModel?: string;
  /** The provider's id of this response. */
  responseId?: string;
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
