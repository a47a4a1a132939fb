/** The implementations by key, loaded on demand so a worker imports only the one it measures. */
import type { Factory, ImplementationKey } from "./types.js";

export const IMPLEMENTATIONS: readonly ImplementationKey[] = ["raw", "baton", "openaiAgents", "langgraph"];

export const LABELS: Record<ImplementationKey, string> = {
  raw: "(a) raw SDKs",
  baton: "(b) baton",
  openaiAgents: "(c) @openai/agents 0.20",
  langgraph: "(d) langgraph-swarm",
};

export async function loadFactory(key: ImplementationKey): Promise<Factory> {
  switch (key) {
    case "raw":
      return (await import("./raw.js")).createRaw;
    case "baton":
      return (await import("./baton.js")).createBaton;
    case "openaiAgents":
      return (await import("./openaiAgents.js")).createOpenAIAgents;
    case "langgraph":
      return (await import("./langgraph.js")).createLangGraph;
  }
}
