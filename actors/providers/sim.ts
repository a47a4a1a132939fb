import { setTimeout as sleep } from "node:timers/promises";
import { resolveTurn, type SimScript, scriptedFault, textChunks, turnToResponse } from "../../src/providers/simScript.js";
import type { ModelRequest, ModelResponse, Provider } from "../../src/providers/types.js";

export interface SimProviderConfig {
  /** Scripts by model name: `scripts.writer` drives `sim/writer`. */
  scripts?: Record<string, SimScript>;
}

/**
 * The in-process scripted provider behind `sim/<name>` models: no network, deterministic.
 * Each conversation (team) has its own turn counter per model.
 */
export function createSimProvider(config: SimProviderConfig = {}): Provider {
  const scripts = config.scripts ?? {};
  /** Turn counters: per conversation (team), per model. */
  const counters = new Map<string, Map<string, number>>();
  return {
    name: "sim",
    async call(request: ModelRequest): Promise<ModelResponse> {
      let session = counters.get(request.sessionId);
      if (!session) {
        session = new Map();
        counters.set(request.sessionId, session);
      }
      const callIndex = session.get(request.model) ?? 0;
      session.set(request.model, callIndex + 1);
      const simRequest = {
        model: request.modelId,
        messages: request.messages,
        tools: request.tools,
        settings: request.settings,
        callIndex,
        ...(request.system === undefined ? {} : { system: request.system }),
        ...(request.output === undefined ? {} : { output: request.output }),
      };
      const turn = await resolveTurn(request.modelId, scripts[request.model], simRequest);
      const signal = request.signal;
      if (turn.latencyMs) await sleep(turn.latencyMs, undefined, signal ? { signal } : undefined);
      signal?.throwIfAborted();
      const scripted = scriptedFault(turn, request.modelId, request.model);
      if (scripted) throw scripted;
      const response = turnToResponse(turn, simRequest);
      if (request.onTextDelta) for (const chunk of textChunks(response.text)) request.onTextDelta(chunk);
      return response;
    },
    endSession(sessionId: string): void {
      counters.delete(sessionId);
    },
  };
}
