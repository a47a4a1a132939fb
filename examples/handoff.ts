/**
 * The research → write handoff: a fast model researches with a tool, then hands the task to a
 * model that writes well. With OPENAI_API_KEY and ANTHROPIC_API_KEY set it runs on
 * openai/gpt-4o-mini and anthropic/claude-sonnet-4-20250514; without them, on scripted sim models.
 *
 *   npm start                     # or: npx tsx examples/handoff.ts "your own task"
 */
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { contentText, defineTool, Runner, type RunResult } from "../src/index.js";
import type { SimScript } from "../src/sim/index.js";

const LAUNCH_NOTES = [
  "2026-11-17: Orbital Labs launched the Kestrel-2 satellite on a reusable Falcon booster.",
  "Kestrel-2 carries a hyperspectral camera that maps crop health at 5 m resolution.",
  "The booster landed on the drone ship; it was its 14th flight.",
];

export const searchNotes = defineTool({
  name: "search_notes",
  description: "Search the newsroom's notes on recent launches. Returns matching lines.",
  parameters: z.object({ query: z.string().describe("What to look for") }),
  execute: ({ query }) => {
    const words = query.toLowerCase().split(/\W+/).filter(Boolean);
    const hits = LAUNCH_NOTES.filter((line) => words.some((w) => line.toLowerCase().includes(w)));
    return hits.length ? hits.join("\n") : LAUNCH_NOTES.join("\n");
  },
});

/** What the sim models say: the researcher searches, then hands off; the writer writes from the notes. */
export const simScripts: Record<string, SimScript> = {
  researcher: [
    { toolCalls: [{ name: "search_notes", args: { query: "Kestrel launch booster" } }], latencyMs: 150 },
    {
      text: "I have the facts: Kestrel-2, hyperspectral crop mapping, booster's 14th flight.",
      handoff: {
        to: "sim/writer",
        reason: "The research is done; the post needs a writer.",
        task: "Write a short blog post from the notes above.",
      },
      latencyMs: 150,
    },
  ],
  writer: (request) => {
    const found = request.messages.find((m) => m.role === "tool" && m.name === "search_notes");
    const notes = found ? contentText(found.content) : "";
    const facts = notes.split("\n").filter(Boolean);
    return {
      latencyMs: 100,
      text: [
        "# Kestrel-2 reaches orbit",
        "",
        ...facts.map((fact) => `- ${fact.replace(/^\d{4}-\d{2}-\d{2}: /, "")}`),
        "",
        "Farmers may soon read their fields from space: the new camera sees stress in crops before the eye does.",
      ].join("\n"),
    };
  },
};

export interface ExampleOptions {
  input?: string;
  env?: Readonly<Record<string, string | undefined>>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

export async function runHandoffExample(options: ExampleOptions = {}): Promise<RunResult> {
  const env = options.env ?? process.env;
  const out = options.out ?? ((text: string) => process.stdout.write(text));
  const err = options.err ?? ((text: string) => process.stderr.write(text));
  const live = Boolean(env.OPENAI_API_KEY && env.ANTHROPIC_API_KEY);
  const models = live ? ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"] : ["sim/researcher", "sim/writer"];
  if (!live) err("No OPENAI_API_KEY and ANTHROPIC_API_KEY: running on the scripted sim models (no network).\n");

  const runner = new Runner({ env, providers: { sim: { scripts: simScripts } } });
  try {
    const stream = runner.stream({
      input: options.input ?? "Research the latest launch, then write a blog post about it.",
      model: models,
      tools: [searchNotes],
      instructions: `You are one model of a team. ${models[0]} researches with search_notes; ${models[1]} writes. Hand off when your part is done.`,
      maxSteps: 8,
    });
    let midLine = false; // status lines start on a fresh line after streamed text
    const status = (line: string) => {
      if (midLine) out("\n");
      midLine = false;
      err(`· ${line}\n`);
    };
    stream
      .on("step.started", (e) => status(`${e.model} is thinking (step ${e.step})`))
      .on("tool.called", (e) => status(`${e.model} calls ${e.name}(${JSON.stringify(e.args)})`))
      .on("handoff", (e) => status(`handoff ${e.from} → ${e.to}${e.reason ? `: ${e.reason}` : ""}`))
      .on("text.delta", (e) => {
        out(e.text);
        midLine = !e.text.endsWith("\n");
      });
    const result = await stream.result;
    if (midLine) out("\n");
    const tokens = Object.entries(result.usage.byModel).map(([m, u]) => `${m} ${u.inputTokens}+${u.outputTokens}`);
    status(
      `${result.status}: ${result.stepsUsed} steps, ${result.handoffs.length} handoff(s), tokens ${tokens.join(", ")}, ${Math.round(result.durationMs)} ms`,
    );
    return result;
  } finally {
    await runner.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runHandoffExample({ input: process.argv.slice(2).join(" ") || undefined }).catch((error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
