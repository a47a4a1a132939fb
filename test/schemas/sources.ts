/**
 * The request types the JSON Schemas under test/schemas/ are generated from (`npm run schemas`):
 * the official SDKs' own, as installed. Nobody here writes these shapes by hand.
 */
import type { MessageCreateParamsNonStreaming, MessageCreateParamsStreaming } from "@anthropic-ai/sdk/resources/messages";
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from "openai/resources/chat/completions";

export type OpenAIChatRequestNonStreaming = ChatCompletionCreateParamsNonStreaming;
export type OpenAIChatRequestStreaming = ChatCompletionCreateParamsStreaming;

/**
 * Sampling fields @anthropic-ai/sdk 1.12 removed from its request type. The API still takes them
 * for the models released up to Claude Opus 4.6 (the SDK before 1.x documented them as deprecated:
 * "Models released after Claude Opus 4.6 do not support setting temperature"); which model takes
 * which is the catalog's and the sim server's business, not the request shape's.
 */
interface AnthropicDeprecatedSampling {
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

export type AnthropicRequestNonStreaming = MessageCreateParamsNonStreaming & AnthropicDeprecatedSampling;
export type AnthropicRequestStreaming = MessageCreateParamsStreaming & AnthropicDeprecatedSampling;
