/**
 * Teams of named agents (issue 14): roles with their own prompts and tools, a handoff graph,
 * names in results and events, policies that move by name, and bad input caught before any call.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { type AgentDefinition, BatonError, defineTool, policies, type RunEvent } from "../src/index.js";
import type { SimRequest, SimScript } from "../src/sim/index.js";
import { simRunners } from "./support/simRunner.js";

const sim = simRunners();

/** The BatonError a run rejects with (a run that completes fails the test). */
async function failure(run: Promise<unknown>): Promise<BatonError> {
  const outcome = await run.then(
    () => new Error("the run completed"),
    (e: unknown) => e,
  );
  if (!(outcome instanceof BatonError)) throw outcome;
  return outcome;
}

const search = defineTool({
  name: "search",
  description: "Search the notes",
  parameters: z.object({ q: z.string() }),
  execute: ({ q }) => `notes about ${q}`,
});
const clock = defineTool({ name: "clock", description: "The time", parameters: z.object({}), execute: () => "noon" });

/** The calls each sim model got, with what they carried. */
function recorder() {
  const calls: Array<{ model: string; system: string | undefined; tools: string[]; roles: string[] }> = [];
  const record = (request: SimRequest) =>
    calls.push({
      model: request.model,
      system: request.system,
      tools: request.tools.map((t) => t.name),
      roles: request.messages.map((m) => m.role),
    });
  return { calls, record };
}

const triageTeam = (): AgentDefinition[] => [
  { name: "triage", model: "sim/fast", instructions: "Route the request.", handoffs: ["researcher", "writer"] },
  {
    name: "researcher",
    model: "sim/fast",
    instructions: "Find facts.",
    tools: [search],
    handoffs: ["writer"],
    description: "Finds and checks facts",
  },
  { name: "writer", model: "sim/slow", instructions: "Write.", settings: { maxTokens: 2000 }, handoffs: [] },
];

describe("named agents", () => {
  it("a three-agent graph: each agent gets its own prompt and tools, and only the handoffs of its edges", async () => {
    const { calls, record } = recorder();
    const scripts: Record<string, SimScript> = {
      fast: (request) => {
        record(request);
        if (request.system?.includes("Route the request.")) return { handoff: { to: "researcher", reason: "needs facts" } };
        const last = request.messages.at(-1);
        if (last?.role === "tool" && last.name === "search") return { text: "found it", handoff: { to: "writer", task: "write it up" } };
        return { toolCalls: [{ name: "search", args: { q: "launch" } }] };
      },
      slow: (request) => {
        record(request);
        return { text: "the post" };
      },
    };
    const result = await sim(scripts).run({
      input: "Research the launch, then write about it",
      agents: triageTeam(),
      instructions: "Shared rules.",
      tools: [clock],
    });
    expect(result.finalOutput).toBe("the post");
    expect(result.lastAgent).toBe("writer");
    expect(result.lastModel).toBe("sim/slow");
    expect(result.agentsUsed).toEqual(["triage", "researcher", "writer"]);
    expect(result.handoffs.map((h) => [h.from, h.to, h.by])).toEqual([
      ["triage", "researcher", "model"],
      ["researcher", "writer", "model"],
    ]);
    expect(result.handoffs[1]).toMatchObject({ task: "write it up" });
    expect(result.steps.map((s) => [s.agent, s.model])).toEqual([
      ["triage", "sim/fast"],
      ["researcher", "sim/fast"],
      ["researcher", "sim/fast"],
      ["writer", "sim/slow"],
    ]);
    // Each request carries the team's rules, then that agent's own prompt; tools follow the graph.
    expect(calls[0]).toMatchObject({ tools: ["clock", "transfer_to_researcher", "transfer_to_writer"] });
    expect(calls[0]!.system).toMatch(/^Shared rules\.\n\nRoute the request\.$/);
    expect(calls[1]).toMatchObject({ tools: ["clock", "search", "transfer_to_writer"] });
    expect(calls[1]!.system).toMatch(/^Shared rules\.\n\nFind facts\.\n\nYou are researcher\. triage handed this task to you/);
    const writer = calls.at(-1)!;
    expect(writer.tools).toEqual(["clock"]); // no handoffs: an agent with handoffs: [] and only the team's tool
    expect(writer.system).toMatch(/^Shared rules\.\n\nWrite\.\n\nYou are writer\./);
    expect(writer.roles).toContain("tool"); // it reads the history, tool calls included
    // Usage per agent, and per model as before.
    expect(result.usage.byAgent.researcher!.calls).toBe(2);
    expect(result.usage.byAgent.triage!.calls).toBe(1);
    expect(result.usage.byModel["sim/fast"]!.calls).toBe(3);
    expect(result.usage.byModel["sim/slow"]!.calls).toBe(1);
  });

  it("a handoff off the graph is impossible: the tool is not offered, and calling it anyway is an error result", async () => {
    const seen: string[][] = [];
    const result = await sim({
      fast: (request) => {
        seen.push(request.tools.map((t) => t.name));
        const last = request.messages.at(-1);
        if (last?.role === "tool") return { text: `gave up: ${typeof last.content === "string" ? last.content : ""}` };
        return { toolCalls: [{ name: "transfer_to_triage", args: {} }] };
      },
    }).run({
      input: "go",
      agents: [
        { name: "writer", model: "sim/fast", handoffs: [] },
        { name: "triage", model: "sim/fast", handoffs: ["writer"] },
      ],
    });
    expect(seen[0]).toEqual([]);
    expect(result.handoffs).toEqual([]);
    expect(result.finalOutput).toMatch(/gave up: Error: unknown tool "transfer_to_triage"/);
  });

  it("a policy move off the graph is a clear POLICY_ERROR with the partial result", async () => {
    const runner = sim({ fast: () => ({ text: "never" }) });
    const error = await failure(
      runner.run({
        input: "go",
        agents: [
          { name: "writer", model: "sim/fast", handoffs: [] },
          { name: "triage", model: "sim/fast" },
        ],
        policy: () => ({ agent: "triage" }),
      }),
    );
    expect(error).toBeInstanceOf(BatonError);
    expect(error.code).toBe("POLICY_ERROR");
    expect(error.message).toMatch(/writer may not hand off to triage \(its handoffs: none\)/);
    expect(error.partial?.messages).toContainEqual({ role: "user", content: "go" });
  });

  it("two agents on one model, with different prompts and tools: each request carries only its own", async () => {
    const { calls, record } = recorder();
    const result = await sim({
      m: (request) => {
        record(request);
        if (request.system?.includes("You research.")) {
          return request.messages.at(-1)?.role === "tool" ? { handoff: "critic" } : { toolCalls: [{ name: "search", args: { q: "x" } }] };
        }
        return { text: "critique" };
      },
    }).run({
      input: "go",
      agents: [
        { name: "researcher", model: "sim/m", instructions: "You research.", tools: [search] },
        { name: "critic", model: "sim/m", instructions: "You criticise.", tools: [clock] },
      ],
    });
    expect(result.finalOutput).toBe("critique");
    expect(calls.map((c) => c.tools)).toEqual([
      ["search", "transfer_to_critic"],
      ["search", "transfer_to_critic"],
      ["clock", "transfer_to_researcher"],
    ]);
    expect(calls[0]!.system).toBe("You research.");
    expect(calls[2]!.system).toMatch(/^You criticise\./);
    expect(calls[2]!.system).not.toMatch(/You research/);
    expect(result.agentsUsed).toEqual(["researcher", "critic"]);
    expect(result.modelsUsed).toEqual(["sim/m"]);
    expect(result.usage.byModel["sim/m"]!.calls).toBe(3);
  });

  it("events name agents as well as models; start picks the first agent", async () => {
    const events: RunEvent[] = [];
    const stream = sim({ a: [{ toolCalls: [{ name: "clock" }] }, { handoff: "first" }], b: [{ text: "done" }] }).stream({
      input: "go",
      agents: [
        { name: "first", model: "sim/b" },
        { name: "second", model: "sim/a" },
      ],
      start: "second",
      tools: [clock],
    });
    for await (const event of stream) events.push(event);
    const result = await stream.result;
    expect(result.agentsUsed).toEqual(["second", "first"]);
    expect(events[0]).toMatchObject({ type: "run.started", agent: "second", model: "sim/a", agents: ["first", "second"] });
    const tagged = events.filter((e) => "agent" in e && e.type !== "run.started").map((e) => `${e.type}:${(e as { agent: string }).agent}`);
    expect(tagged).toEqual([
      "step.started:second",
      "tool.called:second",
      "tool.result:second",
      "step.finished:second",
      "step.started:second",
      "step.finished:second",
      "step.started:first",
      "text.delta:first",
      "step.finished:first",
    ]);
    expect(events.find((e) => e.type === "handoff")).toMatchObject({ from: "second", to: "first", by: "model" });
  });

  it("policies see the agents and move by name; `model` naming two agents is ambiguous", async () => {
    const seen: Array<{ agent: string; agents: string[] }> = [];
    const runner = sim({ m: () => ({ text: "ok" }), n: () => ({ text: "from n" }) });
    const agents: AgentDefinition[] = [
      { name: "one", model: "sim/m" },
      { name: "two", model: "sim/m" },
      { name: "three", model: "sim/n" },
    ];
    const result = await runner.run({
      input: "go",
      agents,
      policy: (ctx) => {
        seen.push({ agent: ctx.agent, agents: ctx.agents.map((a) => `${a.name}@${a.model}`) });
        return ctx.step === 1 ? { agent: "three" } : {};
      },
    });
    expect(seen[0]).toEqual({ agent: "one", agents: ["one@sim/m", "two@sim/m", "three@sim/n"] });
    expect(result.handoffs).toEqual([expect.objectContaining({ from: "one", to: "three", by: "policy" })]);
    expect(result.finalOutput).toBe("from n");
    // `model` still works where it names exactly one agent …
    const byModel = await runner.run({ input: "go", agents, policy: (ctx) => (ctx.agent === "one" ? { model: "sim/n" } : {}) });
    expect(byModel.lastAgent).toBe("three");
    // … and is an error where it names several.
    const error = await failure(
      runner.run({ input: "go", agents, start: "three", policy: (ctx) => (ctx.agent === "three" ? { model: "sim/m" } : {}) }),
    );
    expect(error.code).toBe("POLICY_ERROR");
    expect(error.message).toMatch(/model "sim\/m", which 2 agents use \(one, two\): it is ambiguous/);
  });

  it("built-in policies take names: byStep and fallback", async () => {
    const runner = sim({ m: () => ({ text: "m" }), n: () => ({ text: "n" }), bad: [{ fault: { status: 500 } }] });
    const byStep = await runner.run({
      input: "go",
      agents: [
        { name: "triage", model: "sim/m" },
        { name: "writer", model: "sim/n" },
      ],
      policy: policies.byStep({ 1: "writer" }),
    });
    expect(byStep.steps.map((s) => s.agent)).toEqual(["writer"]);
    const fallback = await runner.run({
      input: "go",
      agents: [
        { name: "flaky", model: "sim/bad" },
        { name: "backup", model: "sim/n" },
      ],
      policy: policies.fallback(),
    });
    expect(fallback.handoffs).toEqual([expect.objectContaining({ from: "flaky", to: "backup", by: "fallback" })]);
    expect(fallback.finalOutput).toBe("n");
  });

  it("delegation follows the graph too: ask_<name> only along an agent's handoffs", async () => {
    const offered: string[][] = [];
    const result = await sim({
      boss: (request) => {
        offered.push(request.tools.map((t) => t.name));
        const last = request.messages.at(-1);
        if (last?.role === "tool") return { text: `boss got: ${typeof last.content === "string" ? last.content : ""}` };
        return { delegate: [{ to: "helper", task: "sum" }] };
      },
      helper: (request) => {
        offered.push(request.tools.map((t) => t.name));
        return { text: "42" };
      },
    }).run({
      input: "go",
      handoffs: "delegate",
      agents: [
        { name: "boss", model: "sim/boss", handoffs: ["helper"] },
        { name: "helper", model: "sim/helper", handoffs: [] },
        { name: "idle", model: "sim/helper" },
      ],
    });
    expect(result.finalOutput).toBe("boss got: 42");
    expect(offered[0]).toEqual(["ask_helper"]);
    expect(offered[1]).toEqual([]); // a delegate gets no handoff or delegation tools
  });
});

describe("named agents: bad input is a BatonError naming the problem, before any call", () => {
  const cases: Array<[string, Record<string, unknown>, RegExp]> = [
    ["model and agents together", { model: "sim/a", agents: [{ name: "a", model: "sim/a" }] }, /either `model`.*or `agents`/],
    ["an empty agent list", { agents: [] }, /agents is empty/],
    [
      "a duplicate name",
      {
        agents: [
          { name: "a", model: "sim/a" },
          { name: "a", model: "sim/b" },
        ],
      },
      /Two agents are named "a"/,
    ],
    ["an invalid name", { agents: [{ name: "a b", model: "sim/a" }] }, /agents\[0\]\.name must be 1–48 letters/],
    ["a name too long", { agents: [{ name: "x".repeat(49), model: "sim/a" }] }, /1–48/],
    ["an agent without a model", { agents: [{ name: "a" }] }, /Agent "a" has no model/],
    [
      "a handoff to no agent",
      { agents: [{ name: "a", model: "sim/a", handoffs: ["ghost"] }] },
      /handoffs names "ghost", which is no agent/,
    ],
    ["a handoff to itself", { agents: [{ name: "a", model: "sim/a", handoffs: ["a"] }] }, /lists itself in handoffs/],
    ["a start naming no agent", { agents: [{ name: "a", model: "sim/a" }], start: "b" }, /start names "b", which is no agent/],
  ];
  for (const [what, options, message] of cases) {
    it(what, async () => {
      const runner = sim({ a: () => ({ text: "never" }) });
      const error = await failure(runner.run({ input: "go", ...options } as never));
      expect(error).toBeInstanceOf(BatonError);
      expect(error.code).toBe("INVALID_OPTIONS");
      expect(error.message).toMatch(message);
    });
  }

  it("a tool name that clashes within one agent's set (its own and the team's)", async () => {
    const other = defineTool({ name: "search", description: "", parameters: z.object({}), execute: () => "" });
    const runner = sim({ a: () => ({ text: "never" }) });
    const error = await failure(runner.run({ input: "go", tools: [search], agents: [{ name: "a", model: "sim/a", tools: [other] }] }));
    expect(error.code).toBe("TOOL_CONFLICT");
    expect(error.message).toMatch(/"search" is used twice in the tools of agent "a" \(it clashes with a tool of the team\)/);
    // The same name on two different agents is fine.
    const ok = await runner.run({
      input: "go",
      agents: [
        { name: "a", model: "sim/a", tools: [search] },
        { name: "b", model: "sim/a", tools: [other] },
      ],
    });
    expect(ok.finalOutput).toBe("never");
  });
});

describe("named teams: long-lived, snapshots", () => {
  it("team.run continues with the agent that holds the task; snapshot v2 names agents and restores", async () => {
    const runner = sim({
      m: (request) => (request.system?.includes("Route.") ? { handoff: "writer" } : { text: `written (${request.messages.length})` }),
    });
    const agents: AgentDefinition[] = [
      { name: "triage", model: "sim/m", instructions: "Route." },
      { name: "writer", model: "sim/m", instructions: "Write." },
    ];
    const team = runner.team({ agents });
    expect(team.agents).toEqual(["triage", "writer"]);
    expect(team.models).toEqual(["sim/m"]);
    expect((await team.run("first")).lastAgent).toBe("writer");
    const second = await team.run("second");
    expect(second.steps.map((s) => s.agent)).toEqual(["writer"]);
    const snapshot = team.snapshot();
    expect(snapshot).toMatchObject({
      version: 2,
      agents: [
        { name: "triage", model: "sim/m" },
        { name: "writer", model: "sim/m" },
      ],
      active: "writer",
      runs: 2,
      stepsUsed: 3,
      handoffs: 1,
    });
    expect(snapshot.usage.byAgent.writer!.calls).toBe(2);
    expect(snapshot.usage.byAgent.triage!.calls).toBe(1);
    const again = runner.team({ agents, from: JSON.parse(JSON.stringify(snapshot)) });
    const third = await again.run("third");
    expect(third.steps.map((s) => s.agent)).toEqual(["writer"]);
    expect(third.finalOutput).toMatch(/written/);
  });

  it("a version-1 snapshot (before named agents) still loads: models become agents named by their ids", async () => {
    const v1 = {
      version: 1,
      teamId: "t-old",
      models: ["sim/a", "sim/b"],
      activeModel: "sim/b",
      transcript: [
        { role: "user", content: "hello" },
        { role: "assistant", content: "hi from a", meta: { model: "sim/a" } },
      ],
      runs: 1,
      stepsUsed: 1,
      handoffs: 1,
      usage: { inputTokens: 10, outputTokens: 5, byModel: { "sim/a": { inputTokens: 10, outputTokens: 5, calls: 1 } } },
      takenAt: "2026-11-01T00:00:00.000Z",
    };
    const runner = sim({ a: () => ({ text: "a" }), b: (request) => ({ text: `b read ${request.messages.length}` }) });
    const team = runner.team({ model: ["sim/a", "sim/b"], from: v1 });
    const result = await team.run("more");
    expect(result.lastAgent).toBe("sim/b");
    expect(result.finalOutput).toBe("b read 3");
    expect(team.snapshot()).toMatchObject({
      version: 2,
      active: "sim/b",
      runs: 2,
      usage: { byAgent: { "sim/a": { calls: 1 }, "sim/b": { calls: 1 } }, byModel: { "sim/a": { calls: 1 }, "sim/b": { calls: 1 } } },
    });
  });

  it("an unknown snapshot version is a clear INVALID_OPTIONS", async () => {
    const runner = sim({ a: () => ({ text: "a" }) });
    expect(() => runner.team({ model: "sim/a", from: { version: 9, transcript: [] } })).toThrow(
      /Snapshot version 9 is not supported; this baton reads versions 1 and 2/,
    );
  });
});
