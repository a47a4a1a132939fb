/** The supervisor's verdict table (src/policies/decide.ts): one table for the plain path and a policy function's answers. */
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/models/modelRef.js";
import { buildGrant, decideStep, delegationNote, handoffNote, moveTarget, type VerdictInput } from "../../src/policies/decide.js";
import type { PolicyDecision } from "../../src/policies/types.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";

const agents = [
  { name: "a", model: { id: "sim/x" }, handoffs: ["b", "c"] },
  { name: "b", model: { id: "sim/y" }, handoffs: ["a", "c"] },
  { name: "c", model: { id: "sim/y" }, handoffs: ["a", "b"] },
];

function verdict(decision: PolicyDecision | undefined, over: Partial<VerdictInput> = {}) {
  return decideStep({ decision, agent: "a", agents, stepsUsed: 0, maxSteps: 5, ...over });
}

describe("decideStep: the verdict table", () => {
  it.each<[string, PolicyDecision | undefined, Partial<VerdictInput>, unknown]>([
    ["no decision, steps left: grant", undefined, {}, { kind: "grant", maxSteps: 5 }],
    ["an empty decision: grant", {}, { stepsUsed: 4 }, { kind: "grant", maxSteps: 5 }],
    ["steps used up: limit", undefined, { stepsUsed: 5 }, { kind: "limit", reason: "maxSteps (5) reached", maxSteps: 5 }],
    ["a decision's maxSteps replaces the run's", { maxSteps: 8 }, { stepsUsed: 5 }, { kind: "grant", maxSteps: 8 }],
    [
      "a decision's maxSteps already used up: limit",
      { maxSteps: 2 },
      { stepsUsed: 2 },
      { kind: "limit", reason: "maxSteps (2) reached", maxSteps: 2 },
    ],
    ["stop: true", { stop: true }, {}, { kind: "stop", reason: "stopped by policy", maxSteps: 5 }],
    ["stop with a reason", { stop: "budget spent" }, {}, { kind: "stop", reason: "budget spent", maxSteps: 5 }],
    [
      "stop wins over a move and over the limit",
      { stop: "now", agent: "b" },
      { stepsUsed: 9 },
      { kind: "stop", reason: "now", maxSteps: 5 },
    ],
    ["a move by agent name", { agent: "b" }, {}, { kind: "move", to: "b", maxSteps: 5 }],
    ["a move carries the decision's maxSteps", { agent: "b", maxSteps: 3 }, {}, { kind: "move", to: "b", maxSteps: 3 }],
    [
      "a move wins over the limit (the receiver's own request meets it)",
      { agent: "b" },
      { stepsUsed: 5 },
      { kind: "move", to: "b", maxSteps: 5 },
    ],
    ["a move to the asking agent is a grant", { agent: "a" }, {}, { kind: "grant", maxSteps: 5 }],
    [
      "a move to the asking agent at the limit is the limit",
      { agent: "a" },
      { stepsUsed: 5 },
      { kind: "limit", reason: "maxSteps (5) reached", maxSteps: 5 },
    ],
    ["a move by the model only one agent has", { model: "sim/x" }, { agent: "b" }, { kind: "move", to: "a", maxSteps: 5 }],
    ["`model` naming an agent", { model: "b" }, {}, { kind: "move", to: "b", maxSteps: 5 }],
    ["`agent` naming the model only one agent has", { agent: "sim/x" }, { agent: "b" }, { kind: "move", to: "a", maxSteps: 5 }],
  ])("%s", (_, decision, over, expected) => {
    expect(verdict(decision, over)).toEqual(expected);
  });

  it("an agent not in the team: POLICY_ERROR listing the agents", () => {
    expect(verdict({ agent: "zed" })).toEqual({
      kind: "error",
      error: {
        code: "POLICY_ERROR",
        message: 'Policy chose agent "zed", which is not in this team. Agents: a, b, c.',
        details: { agent: "zed", available: ["a", "b", "c"] },
      },
    });
  });

  it("`agent` naming a model two agents share: POLICY_ERROR (not in the team)", () => {
    expect(verdict({ agent: "sim/y" })).toMatchObject({ kind: "error", error: { code: "POLICY_ERROR" } });
  });

  it("a model not in the team: POLICY_ERROR listing the models", () => {
    expect(verdict({ model: "openai/gpt-4o" })).toEqual({
      kind: "error",
      error: {
        code: "POLICY_ERROR",
        message: 'Policy chose model "openai/gpt-4o", which is not in this team. Available models: sim/x, sim/y.',
        details: { model: "openai/gpt-4o", available: ["sim/x", "sim/y"] },
      },
    });
  });

  it("a model two agents share is ambiguous: POLICY_ERROR naming them and the fix", () => {
    const v = verdict({ model: "sim/y" });
    expect(v).toEqual({
      kind: "error",
      error: {
        code: "POLICY_ERROR",
        message: 'Policy chose model "sim/y", which 2 agents use (b, c): it is ambiguous. Return { agent: "<name>" } instead.',
        details: { model: "sim/y", agents: ["b", "c"] },
      },
    });
  });

  it("an error wins over the limit (a bad policy is reported, not hidden by the end of the run)", () => {
    expect(verdict({ agent: "zed" }, { stepsUsed: 5 }).kind).toBe("error");
  });
});

describe("moveTarget", () => {
  it("no agent or model in the decision: no move", () => {
    expect(moveTarget({ maxSteps: 3 }, agents)).toBeUndefined();
  });

  it("`agent` is looked up before `model`", () => {
    expect(moveTarget({ agent: "c", model: "sim/x" }, agents)).toEqual({ to: "c" });
  });
});

describe("buildGrant", () => {
  const m = parseModel({ model: "sim/x", settings: { temperature: 0.7, maxTokens: 100 } });
  const local = (name: string): ToolEntry => ({
    spec: { name, description: "", parameters: {} },
    service: "tools:T",
    remoteName: name,
    source: "local",
  });
  const remote = (name: string, server: string): ToolEntry => ({
    spec: { name, description: "", parameters: {} },
    service: `mcp:${server}`,
    remoteName: name,
    source: server,
  });
  const tools = [local("calc"), remote("fetch", "web"), remote("read", "fs")];
  const base = { model: m, instructions: ["Team rules.", "You research."], note: undefined, tools, output: undefined, step: 4, steps: 2 };

  it("no decision: the instructions as the system prompt, the model's settings, every tool, nothing around the transcript", () => {
    const grant = buildGrant({ ...base, decision: undefined });
    expect(grant).toEqual({
      step: 4,
      steps: 2,
      system: "Team rules.\n\nYou research.",
      prepend: [],
      append: [],
      settings: { temperature: 0.7, maxTokens: 100 },
      tools,
    });
    expect(grant.tools).toBe(tools);
  });

  it("no instructions and no note: no system prompt at all", () => {
    expect("system" in buildGrant({ ...base, instructions: [undefined, ""], decision: undefined })).toBe(false);
  });

  it("string prepend goes first in the system prompt, the note last; string append is a user message after the transcript", () => {
    const grant = buildGrant({
      ...base,
      note: "You were handed this.",
      decision: { messagePrepend: "Think.", messageAppend: "Be short." },
    });
    expect(grant.system).toBe("Think.\n\nTeam rules.\n\nYou research.\n\nYou were handed this.");
    expect(grant.prepend).toEqual([]);
    expect(grant.append).toEqual([{ role: "user", content: "Be short." }]);
  });

  it("message lists go before and after the transcript as they are", () => {
    const before = [{ role: "system" as const, content: "ctx" }];
    const after = [{ role: "user" as const, content: [{ type: "text" as const, text: "now" }] }];
    const grant = buildGrant({ ...base, decision: { messagePrepend: before, messageAppend: after } });
    expect(grant.prepend).toEqual(before);
    expect(grant.append).toEqual(after);
  });

  it("modelSettings merge over the model's own", () => {
    expect(buildGrant({ ...base, decision: { modelSettings: { temperature: 0 } } }).settings).toEqual({ temperature: 0, maxTokens: 100 });
  });

  it("tools narrows by name; mcpServers narrows MCP tools by server and keeps local ones", () => {
    expect(buildGrant({ ...base, decision: { tools: ["fetch", "nope"] } }).tools.map((t) => t.spec.name)).toEqual(["fetch"]);
    expect(buildGrant({ ...base, decision: { mcpServers: ["fs"] } }).tools.map((t) => t.spec.name)).toEqual(["calc", "read"]);
    expect(buildGrant({ ...base, decision: { tools: ["calc", "fetch"], mcpServers: [] } }).tools.map((t) => t.spec.name)).toEqual(["calc"]);
  });

  it("typed output goes into the grant", () => {
    const output = { name: "o", schema: { type: "object" }, strict: false };
    expect(buildGrant({ ...base, output, decision: undefined }).output).toBe(output);
  });
});

describe("notes", () => {
  it("a handoff note names the receiver and the sender, and the reason and task when given", () => {
    expect(handoffNote("b", "a", "", "")).toBe(
      "You are b. a handed this task to you; earlier assistant turns in the conversation were written by other agents of your team.",
    );
    expect(handoffNote("b", "a", "why", "what").split("\n").slice(1)).toEqual(["Reason: why", "Your task: what"]);
  });

  it("a delegation note says where the answer goes", () => {
    expect(delegationNote("b", "a")).toBe("You are b. a asked you for this subtask; your final answer goes back to it.");
  });
});
