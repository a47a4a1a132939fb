import { createAnthropicProvider } from "../../actors/providers/anthropic.js";
import { createOpenAIProvider, type OpenAIProviderOptions } from "../../actors/providers/openai.js";
import type { ModelRequest, Provider } from "../../src/providers/types.js";
import type { SimServer } from "../../src/sim/index.js";
import type { Message } from "../../src/transcript/index.js";

export const OPENAI_MODEL = "gpt-4o-mini";
export const ANTHROPIC_MODEL = "claude-sonnet-4-20250514";
export const TEST_KEY = "sk-test-9f8e7d6c5b4a39281706";

/** A ModelRequest with defaults: one user message, no tools, no settings. */
export function modelRequest(provider: string, model: string, overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    modelId: `${provider}/${model}`,
    model,
    messages: [{ role: "user", content: "Hello" }],
    tools: [],
    settings: {},
    sessionId: "session-1",
    ...overrides,
  };
}

export function openaiAt(server: SimServer, options: Partial<OpenAIProviderOptions> = {}): Provider {
  return createOpenAIProvider({ name: "openai", baseURL: server.openaiBaseURL, apiKey: TEST_KEY, ...options }, {});
}

export function anthropicAt(server: SimServer, options: { apiKey?: string; timeoutMs?: number } = {}): Provider {
  return createAnthropicProvider({ name: "anthropic", baseURL: server.anthropicBaseURL, apiKey: TEST_KEY, ...options }, {});
}

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error("expected the promise to reject, but it resolved");
}

/** The last recorded request body, typed loosely for assertions. */
export function lastBody(server: SimServer): Record<string, unknown> & { messages: Array<Record<string, unknown>> } {
  const body = server.requests.at(-1)?.body;
  if (!body || typeof body !== "object") throw new Error("no request recorded");
  return body as Record<string, unknown> & { messages: Array<Record<string, unknown>> };
}

export const searchTool = {
  name: "search",
  description: "Search the web.",
  parameters: { type: "object", properties: { q: { type: "string" } }, required: ["q"] },
};

/** A transcript where the assistant called two tools and both answered (one with an error). */
export function toolTranscript(ids: [string, string] = ["call_a", "call_b"], model = "openai/gpt-4o-mini"): Message[] {
  return [
    { role: "user", content: "Find the launch date." },
    {
      role: "assistant",
      content: "Let me look.",
      toolCalls: [
        { id: ids[0], name: "search", args: { q: "launch date" } },
        { id: ids[1], name: "fetch", args: { url: "https://example.com" } },
      ],
      meta: { model },
    },
    { role: "tool", toolCallId: ids[0], name: "search", content: "June 3" },
    { role: "tool", toolCallId: ids[1], name: "fetch", content: "404 not found", isError: true },
  ];
}

/** A 1×1 PNG, the start of a JPEG and a minimal PDF, base64: media the strict server accepts. */
export const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
export const JPEG =
  "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgICAgMCAgIDAwMDBAYEBAQEBAgGBgUGCQgKCgkICQkKDA8MCgsOCwkJDRENDg8QEBEQCgwSExIQEw8QEBD/";
export const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n").toString("base64");
