import Anthropic, { AnthropicError, APIError } from "@anthropic-ai/sdk";
import { fromOutputTool } from "../../src/providers/anthropicOutput.js";
import {
  AnthropicStreamAccumulator,
  anthropicOutputTool,
  fromAnthropicMessage,
  toAnthropicParams,
} from "../../src/providers/anthropicWire.js";
import { callFailure, cancelledError, guardListener, incompleteStreamError, ListenerFailure } from "../../src/providers/callFailure.js";
import type { ProviderConfig } from "../../src/providers/config.js";
import { resolveAccess } from "../../src/providers/credentials.js";
import type { ModelRequest, ModelResponse, Provider } from "../../src/providers/types.js";
import { extend } from "../../src/util/extend.js";

export interface AnthropicProviderOptions extends ProviderConfig {
  name: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Above this `max_tokens` the SDK refuses a non-streamed call (it could outlast its default
 * timeout), so such calls are streamed even when nobody listens to the deltas.
 */
const NON_STREAMING_MAX_TOKENS = 21_333;

/** Anthropic Messages through the official SDK. SDK retries are off (the agent retries). */
export function createAnthropicProvider(options: AnthropicProviderOptions, env: Env): Provider {
  const name = options.name;
  const access = resolveAccess(
    {
      provider: name,
      apiKey: options.apiKey,
      apiKeyEnv: "ANTHROPIC_API_KEY",
      baseURL: options.baseURL,
      baseURLEnv: "ANTHROPIC_BASE_URL",
      defaultBaseURL: "https://api.anthropic.com",
    },
    env,
  );
  const client = new Anthropic({
    apiKey: access.apiKey,
    baseURL: access.baseURL,
    webhookKey: null,
    maxRetries: 0,
    ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
    ...(options.headers ? { defaultHeaders: options.headers } : {}),
  });

  const fail = (error: unknown, request: ModelRequest) =>
    callFailure(error, {
      provider: name,
      model: request.model,
      signal: request.signal,
      secrets: [access.apiKey],
      isApiError: (e): e is APIError => e instanceof APIError,
      isSdkError: (e) => e instanceof AnthropicError,
    });

  async function callJson(request: ModelRequest): Promise<ModelResponse> {
    const body = extend(toAnthropicParams(request), { stream: false as const });
    const message = await client.messages.create(body, { signal: request.signal });
    return fromAnthropicMessage(message);
  }

  async function callStream(request: ModelRequest): Promise<ModelResponse> {
    const body = extend(toAnthropicParams(request), { stream: true as const });
    const stream = await client.messages.create(body, { signal: request.signal });
    const accumulator = new AnthropicStreamAccumulator(guardListener(request.onTextDelta));
    for await (const event of stream) accumulator.push(event);
    // The SDK ends iteration quietly when the request is aborted: that is a cancellation, not an answer.
    if (request.signal?.aborted) throw cancelledError(name, request.model, request.signal);
    if (!accumulator.finished) throw incompleteStreamError(name, request.model, "message_stop");
    return accumulator.result();
  }

  return {
    name,
    async call(request: ModelRequest): Promise<ModelResponse> {
      if (request.signal?.aborted) throw cancelledError(name, request.model, request.signal);
      const maxTokens = request.settings.maxTokens ?? 0;
      const stream = request.onTextDelta !== undefined || (options.timeoutMs === undefined && maxTokens > NON_STREAMING_MAX_TOKENS);
      const outputTool = anthropicOutputTool(request);
      try {
        const response = stream ? await callStream(request) : await callJson(request);
        return outputTool === undefined ? response : fromOutputTool(response, outputTool);
      } catch (error) {
        if (error instanceof ListenerFailure) throw error.error;
        throw fail(error, request);
      }
    },
  };
}
