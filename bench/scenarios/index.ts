/** The implementations by key, loaded on demand so a worker imports only the one it measures. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Factory, ImplementationKey } from "./types.js";

export const IMPLEMENTATIONS: readonly ImplementationKey[] = ["raw", "baton", "openaiAgents", "langgraph"];

const LABELS: Record<string, string> = {
  raw: "(a) raw SDKs",
  baton: "(b) baton",
  openaiAgents: "(c) @openai/agents 0.20",
  langgraph: "(d) langgraph-swarm",
};

/**
 * Other checkouts of baton to measure beside this one (paired before/after runs), label → directory.
 * Kept in the environment so the worker processes, which start from a task in argv, see them too.
 */
const BUILDS_VARIABLE = "BATON_BENCH_BUILDS";

export function builds(): Record<string, string> {
  return JSON.parse(process.env[BUILDS_VARIABLE] ?? "{}") as Record<string, string>;
}

/** Registers `label=dir` builds; throws when a directory holds no bench/scenarios/baton.ts. */
export function addBuilds(specs: readonly string[]): ImplementationKey[] {
  const known = builds();
  for (const spec of specs) {
    const at = spec.indexOf("=");
    const label = at > 0 ? spec.slice(0, at) : "";
    const dir = resolve(spec.slice(at + 1));
    if (!label || !existsSync(resolve(dir, "bench/scenarios/baton.ts")))
      throw new Error(`--build wants <label>=<dir of a baton checkout with node_modules>, got ${JSON.stringify(spec)}`);
    known[label] = dir;
  }
  process.env[BUILDS_VARIABLE] = JSON.stringify(known);
  return Object.keys(known).map((label) => `build:${label}` as const);
}

export const isBuild = (key: ImplementationKey): key is `build:${string}` => key.startsWith("build:");

export function labelOf(key: ImplementationKey): string {
  return isBuild(key) ? `(b) baton, ${key.slice("build:".length)}` : (LABELS[key] ?? key);
}

/** The keys of a result table in report order: the known implementations, then other builds. */
export function reportOrder(present: Iterable<string>): ImplementationKey[] {
  const keys = [...present] as ImplementationKey[];
  return [...IMPLEMENTATIONS.filter((k) => keys.includes(k)), ...keys.filter(isBuild)];
}

export async function loadFactory(key: ImplementationKey): Promise<Factory> {
  if (isBuild(key)) {
    const dir = builds()[key.slice("build:".length)];
    if (!dir) throw new Error(`no directory for ${key}`);
    return (await import(pathToFileURL(resolve(dir, "bench/scenarios/baton.ts")).href)).createBaton as Factory;
  }
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
  throw new Error(`unknown implementation ${key}`);
}
