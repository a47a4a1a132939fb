import type { SimScript } from "../../providers/simScript.js";

export interface SimServerOptions {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** Scripts by wire model name (`"gpt-4o-mini"`, `"claude-sonnet-4-20250514"`). */
  scripts?: Record<string, SimScript>;
  /** Drives every model that has no script of its own. */
  defaultScript?: SimScript;
  /**
   * Require this API key, as the real APIs do: OpenAI requests must carry `Authorization: Bearer
   * <key>`, Anthropic requests `x-api-key: <key>` (or a bearer token); otherwise a 401 with the real error body.
   * Without it any key (or none) is accepted.
   */
  apiKey?: string;
  /**
   * An extra check of every request body after the server's own rules (e.g. a JSON Schema of the
   * SDK's request type): a message or problem refuses the request with a 400 in the provider's
   * error shape.
   */
  checkRequest?: (
    provider: "openai" | "anthropic",
    body: Record<string, unknown>,
  ) => string | { message: string; status?: number } | undefined;
}

/** One request the server received, for assertions. */
export interface RecordedRequest {
  provider: "openai" | "anthropic";
  path: string;
  /** The parsed JSON body (the raw text when it was not JSON). */
  body: unknown;
  /** Request headers, lower-case, without credentials (authorization, x-api-key, cookies). */
  headers: Record<string, string>;
  /** HTTP status answered; 0 when the connection was cut before any response. */
  status: number;
}

export interface SimServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `url + "/v1"`: the OpenAI SDK's `baseURL`. */
  openaiBaseURL: string;
  /** `url`: the Anthropic SDK's `baseURL`. */
  anthropicBaseURL: string;
  /** Every request to the two API routes, in arrival order. */
  requests: RecordedRequest[];
  /** Clears the per-model call counters and the recorded requests. */
  reset(): void;
  /** Stops listening and destroys open connections (streams in flight end abruptly). */
  close(): Promise<void>;
}
