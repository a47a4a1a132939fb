/**
 * The scenarios the self-test runs baton under (issue 20): models that act at random from the
 * seed's rng (answer, call tools, hand off, delegate, several calls at once), over handoff
 * chains, delegation, policies and approvals with resume.
 */
import path from "node:path";
import { z } from "zod";
import { defineTool, policies } from "../../src/index.js";
import {
  randomModel as anyTool,
  type SimInvariant,
  type SimRequest,
  type SimRng,
  type SimRun,
  type SimTurn,
  type SimulateOptions,
} from "../../src/sim/index.js";

export const ALL_FAULTS = {
  providerError: 0.05,
  rateLimit: 0.05,
  streamCut: 0.03,
  malformedToolArgs: 0.03,
  toolThrow: 0.05,
  toolTimeout: 0.02,
  abortAt: 0.01,
  latencyMs: [0, 30_000],
} as const;

const lookup = defineTool({
  name: "lookup",
  description: "Look up facts",
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) => `facts about ${topic}`,
});

const calc = defineTool({
  name: "calc",
  description: "Add two numbers",
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => ({ sum: a + b }),
});

/** Needs a person's approval for large amounts. */
const pay = defineTool({
  name: "pay",
  description: "Pay an amount",
  parameters: z.object({ amount: z.number() }),
  execute: ({ amount }) => `paid ${amount}`,
  needsApproval: ({ amount }) => amount > 100,
});

function argsFor(name: string, rng: SimRng): Record<string, unknown> {
  if (name.startsWith("transfer_to_")) return rng.chance(0.5) ? { reason: "your turn", task: "finish it" } : {};
  if (name.startsWith("ask_")) return { task: `subtask ${rng.int(1, 9)}` };
  if (name === "lookup") return rng.chance(0.9) ? { topic: "launch" } : { topic: 7 };
  if (name === "calc") return { a: rng.int(0, 9), b: rng.int(0, 9) };
  if (name === "pay") return { amount: rng.int(1, 200) };
  return {};
}

/** A model that does something random with what it is offered: answer, or 1–3 tool calls (with some text). */
export function randomModel(request: SimRequest, rng: SimRng): SimTurn {
  const names = request.tools.map((tool) => tool.name);
  if (names.length === 0 || rng.chance(0.35)) return { text: `answer ${rng.int(1, 99)} from ${request.model}` };
  const toolCalls = Array.from({ length: rng.int(1, 3) }, () => {
    const name = rng.pick(names);
    return { name, args: argsFor(name, rng) };
  });
  return { ...(rng.chance(0.3) ? { text: "working on it" } : {}), toolCalls };
}

const randomScripts = (names: string[]) => Object.fromEntries(names.map((name) => [name, randomModel]));

export const handoffChain: SimulateOptions = {
  team: { model: ["sim/a", "sim/b", "sim/c"], tools: [lookup, calc], maxSteps: 8, maxHandoffs: 4, toolTimeoutMs: 10_000 },
  scripts: randomScripts(["a", "b", "c"]),
  input: "Research the launch and write a post",
  faults: ALL_FAULTS,
};

export const delegation: SimulateOptions = {
  team: {
    agents: [
      { name: "lead", model: "sim/lead", instructions: "Delegate the research." },
      { name: "researcher", model: "sim/researcher", tools: [lookup] },
      { name: "writer", model: "sim/writer", handoffFilter: policies.lastN(4) },
    ],
    handoffs: "both",
    tools: [calc],
    maxSteps: 10,
    toolTimeoutMs: 10_000,
  },
  scripts: randomScripts(["lead", "researcher", "writer"]),
  input: "Plan, research and write",
  faults: ALL_FAULTS,
};

const MAX_TOKENS = 400;

export const policed: SimulateOptions = {
  team: {
    model: ["sim/a", "sim/b"],
    tools: [lookup],
    maxSteps: 8,
    handoffFilter: policies.dropToolCalls,
    policy: policies.all(policies.fallback(), policies.budget({ maxTokens: MAX_TOKENS }), policies.finishBy(6), (ctx) =>
      ctx.step === 3 && ctx.toolsCalled.includes("lookup") ? { messageAppend: "Wrap up." } : {},
    ),
  },
  scripts: randomScripts(["a", "b"]),
  input: "Research",
  faults: { ...ALL_FAULTS, providerError: 0.15 },
};

/** The budget policy stops before a call once the tokens reach the budget: no call starts past it. */
export function budgetHolds(run: SimRun): string | undefined {
  let tokens = 0;
  for (const step of run.result?.steps ?? []) {
    if (tokens >= MAX_TOKENS) return `step ${step.step} ran with ${tokens} tokens used of a ${MAX_TOKENS} budget`;
    tokens += step.usage.inputTokens + step.usage.outputTokens;
  }
  return undefined;
}

export const approvals: SimulateOptions = {
  team: { model: ["sim/clerk", "sim/boss"], tools: [pay, lookup], maxSteps: 8, toolTimeoutMs: 10_000 },
  scripts: randomScripts(["clerk", "boss"]),
  input: "Pay the invoices",
  faults: ALL_FAULTS,
};

/** A run that waited for approval resumed (or was cancelled) and every approved call ran. */
export function approvedCallsRan(run: SimRun): string | undefined {
  const resumed = run.events.filter((e) => e.type === "run.resumed");
  const interrupted = run.events.filter((e) => e.type === "run.interrupted");
  if (run.outcome === "interrupted") return undefined;
  if (interrupted.length > resumed.length) return `${interrupted.length} interruptions but ${resumed.length} resumes`;
  return undefined;
}

export const SCENARIOS: Array<{ name: string; options: SimulateOptions; invariants?: SimInvariant[] }> = [
  { name: "handoff chain", options: handoffChain },
  { name: "delegation", options: delegation },
  { name: "policies", options: policed, invariants: [budgetHolds] },
  { name: "approvals and resume", options: approvals, invariants: [approvedCallsRan] },
];

/** The reference memory server over stdio, killed now and then (mcpCrash), storing in `file`. */
export function crashingMcp(file: string): SimulateOptions {
  const server = path.resolve(import.meta.dirname, "../../node_modules/@modelcontextprotocol/server-memory/dist/index.js");
  return {
    team: {
      model: ["sim/a", "sim/b"],
      mcpServers: [{ command: process.execPath, args: [server], env: { MEMORY_FILE_PATH: file }, name: "memory" }],
      maxSteps: 6,
    },
    scripts: { a: anyTool, b: anyTool },
    input: "Remember the launch",
    faults: { mcpCrash: 0.3, providerError: 0.05, abortAt: 0.02, latencyMs: [0, 5_000] },
  };
}
