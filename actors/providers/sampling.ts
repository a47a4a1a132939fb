import type { SampleFn } from "../../src/mcp/sampling.js";
import { parseModel } from "../../src/models/modelRef.js";
import type { Provider } from "../../src/providers/types.js";

/** Answers MCP sampling requests with one call to a model of the Runner, outside any run. */
export function samplerOf(provider: (name: string) => Provider): SampleFn {
  return async (modelId, request) => {
    const ref = parseModel(modelId);
    const response = await provider(ref.provider).call({
      modelId: ref.id,
      model: ref.name,
      ...(request.systemPrompt ? { system: request.systemPrompt } : {}),
      messages: request.messages.map((m) => ({ role: m.role, content: m.text })),
      tools: [],
      settings: { ...ref.settings, ...(request.maxTokens ? { maxTokens: request.maxTokens } : {}) },
      sessionId: `sampling:${modelId}`,
    });
    return { model: ref.id, text: response.text, stopReason: response.stopReason === "length" ? "maxTokens" : "endTurn" };
  };
}
