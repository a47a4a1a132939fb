/**
 * A team of named agents: a triage agent routes the request, a researcher (same model as
 * triage, with its own prompt and a search tool) finds the facts, and a writer on another
 * model writes. The graph says who may hand to whom: the writer hands to no one.
 * With OPENAI_API_KEY and ANTHROPIC_API_KEY set it runs on real models; without them on sim models.
 *
 *   npx tsx examples/team.ts "your own task"
 */
import { pathToFileURL } from "node:url";
import { type AgentDefinition, Runner, type RunResult } from "../src/index.js";
import type { SimScript } from "../src/sim/index.js";
import { searchNotes } from "./handoff.js";

export function newsroom(live: boolean): AgentDefinition[] {
  const fast = live ? "openai/gpt-4o-mini" : "sim/fast";
  const writerModel = live ? "anthropic/claude-sonnet-4-20250514" : "sim/writer";
  return [
    {
      name: "triage",
      model: fast,
      instructions: "Route the request: research first when facts are needed.",
      handoffs: ["researcher", "writer"],
    },
    {
      name: "researcher",
      model: fast,
      instructions: "Find and check the facts with search_notes, then hand the writing on.",
      description: "Finds and checks facts",
      tools: [searchNotes],
      handoffs: ["writer"],
    },
    {
      name: "writer",
      model: writerModel,
      instructions: "Write a short post from what the others found.",
      description: "Writes clear prose",
      handoffs: [],
    },
  ];
}

/** The sim models: `fast` serves two agents, told apart by their prompts. */
export const teamScripts: Record<string, SimScript> = {
  fast: (request) => {
    if (request.system?.includes("Route the request")) return { handoff: { to: "researcher", reason: "needs facts first" } };
    const last = request.messages.at(-1);
    if (last?.role === "tool" && last.name === "search_notes")
      return { text: "Facts checked.", handoff: { to: "writer", task: "Write the post from the notes." } };
    return { toolCalls: [{ name: "search_notes", args: { query: "Kestrel launch" } }] };
  },
  writer: (request) => {
    const notes = request.messages.filter((m) => m.role === "tool" && m.name === "search_notes").length;
    return { text: `Kestrel-2 is in orbit (written from ${notes} search).` };
  },
};

export async function runTeamExample(
  options: { input?: string; env?: Readonly<Record<string, string | undefined>>; log?: (line: string) => void } = {},
): Promise<RunResult> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.log(line));
  const live = Boolean(env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY);
  if (!live) log("No OPENAI_API_KEY and ANTHROPIC_API_KEY: running on the scripted sim models (no network).");
  const runner = new Runner({ env, providers: { sim: { scripts: teamScripts } } });
  try {
    const stream = runner.stream({
      input: options.input ?? "Research the latest launch, then write a short post about it.",
      agents: newsroom(live),
      instructions: "You are part of a small newsroom.",
    });
    stream.on("handoff", (e) => log(`handoff ${e.from} → ${e.to}${e.reason ? `: ${e.reason}` : ""}`));
    stream.on("tool.called", (e) => log(`${e.agent} (${e.model}) calls ${e.name}`));
    const result = await stream.result;
    log(result.finalOutput);
    const byAgent = Object.entries(result.usage.byAgent).map(([agent, u]) => `${agent} ${u.calls} call(s)`);
    log(`${result.status}: ${result.agentsUsed.join(" → ")} · ${byAgent.join(", ")}`);
    return result;
  } finally {
    await runner.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runTeamExample({ input: process.argv.slice(2).join(" ") || undefined }).catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
