import OpenAI, { APIError, OpenAIError } from "openai";
import { callFailure, cancelledError, guardListener, incompleteStreamError, ListenerFailure } from "../../src/providers/callFailure.js";
import type { ProviderConfig } from "../../src/providers/config.js";
import { resolveAccess } from "../../src/providers/credentials.js";
import { fromOpenAICompletion, OpenAIStreamAccumulator, toOpenAIParams } from "../../src/providers/openaiWire.js";
import { OPENAI_COMPATIBLE_PRESETS } from "../../src/providers/presets.js";
import type { ModelRequest, ModelResponse, Provider } from "../../src/providers/types.js";
import { extend } from "../../src/util/extend.js";

export interface OpenAIProviderOptions extends ProviderConfig {
  name: string;
  /** true for OpenAI-compatible servers (presets or custom). */
  compatible?: boolean;
  /** Env var for the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `my-server` → `MY_SERVER_API_KEY`: the key variable of a custom OpenAI-compatible provider. */
function customKeyEnv(name: string): string {
  return `${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}_API_KEY`;
}

/**
 * OpenAI Chat Completions through the official SDK, and every OpenAI-compatible server
 * (`compatible: true`). One client per provider; SDK retries are off (the agent retries).
 */
export function createOpenAIProvider(options: OpenAIProviderOptions, env: Env): Provider {
  const compatible = options.compatible === true;
  const preset = compatible ? OPENAI_COMPATIBLE_PRESETS[options.name] : undefined;
  const apiKeyEnv = options.apiKeyEnv ?? (compatible ? (preset ? undefined : customKeyEnv(options.name)) : "OPENAI_API_KEY");
  const access = resolveAccess(
    {
      provider: options.name,
      apiKey: options.apiKey,
      apiKeyEnv,
      baseURL: options.baseURL,
      ...(compatible ? {} : { baseURLEnv: "OPENAI_BASE_URL", defaultBaseURL: "https://api.openai.com/v1" }),
      keyOptional: preset !== undefined && preset.apiKeyEnv === undefined,
    },
    env,
  );
  const client = new OpenAI({
    apiKey: access.apiKey,
    baseURL: access.baseURL,
    adminAPIKey: null,
    organization: compatible ? null : (env.OPENAI_ORG_ID ?? null),
    project: compatible ? null : (env.OPENAI_PROJECT_ID ?? null),
    webhookSecret: null,
    maxRetries: 0,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
  });
  const name = options.name;

  const fail = (error: unknown, request: ModelRequest) =>
    callFailure(error, {
      provider: name,
      model: request.model,
      signal: request.signal,
      secrets: [access.apiKey],
      isApiError: (e): e is APIError => e instanceof APIError,
      isSdkError: (e) => e instanceof OpenAIError,
    });

  async function callJson(request: ModelRequest): Promise<ModelResponse> {
    const body = extend(toOpenAIParams(request, { compatible }), { stream: false as const });
    const completion = await client.chat.completions.create(body, { signal: request.signal });
    return fromOpenAICompletion(completion);
  }

  async function callStream(request: ModelRequest): Promise<ModelResponse> {
    const body = extend(toOpenAIParams(request, { compatible }), { stream: true as const, stream_options: { include_usage: true } });
    const stream = await client.chat.completions.create(body, { signal: request.signal });
    const accumulator = new OpenAIStreamAccumulator(guardListener(request.onTextDelta));
    for await (const chunk of stream) accumulator.push(chunk);
    // The SDK ends iteration quietly when the request is aborted: that is a cancellation, not an answer.
    if (request.signal?.aborted) throw cancelledError(name, request.model, request.signal);
    if (!accumulator.finished) throw incompleteStreamError(name, request.model, "a finish reason arrived");
    return accumulator.result();
  }

  return {
    name,
    async call(request: ModelRequest): Promise<ModelResponse> {
      if (request.signal?.aborted) throw cancelledError(name, request.model, request.signal);
      try {
        return request.onTextDelta ? await callStream(request) : await callJson(request);
      } catch (error) {
        if (error instanceof ListenerFailure) throw error.error;
        throw fail(error, request);
      }
    },
  };
}
