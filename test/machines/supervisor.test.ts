/**
 * The supervisor machine driven directly: its agents are recording stubs (`provide`), the
 * callbacks actor (policy function, handoff filters, output schemas) is a recording stub, and
 * the test plays both: it sends what agents and callbacks would send and reads what the
 * supervisor sends and emits.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { AnyEventObject } from "xstate";
import type { AgentInfo, SupervisorInput } from "../../machines/team/context.js";
import type { Grant, StepReport, TaskMessage } from "../../machines/team/protocol.js";
import type { ErrorData } from "../../src/errors.js";
import type { StepRecord } from "../../src/result.js";
import type { Message } from "../../src/transcript/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { agentInfo, localTool, model, ofType, type SupervisorRig, supervisorRig, TEAM } from "./harness.js";

const rigs: SupervisorRig[] = [];
afterEach(() => {
  for (const rig of rigs.splice(0)) rig.stop();
});

function rig(input: Partial<SupervisorInput> & { agents: AgentInfo[] }): SupervisorRig {
  const r = supervisorRig(input);
  rigs.push(r);
  return r;
}

const A = agentInfo("a", { handoffs: ["b"], instructions: "You research." });
const B = agentInfo("b", { handoffs: ["a"] });
const go: Message = { role: "user", content: "go" };
const RUN = { type: "RUN", runId: "run-1", input: "go", at: 1000 } as const;

function record(agent: string, step: number, over: Partial<StepRecord> = {}): StepRecord {
  return {
    step,
    agent,
    model: `sim/${agent}`,
    text: `${agent} says ${step}`,
    toolCalls: [],
    usage: { inputTokens: 10, outputTokens: 5 },
    stopReason: "stop",
    ms: 10,
    ...over,
  };
}

/** A step report: a plain text answer. */
function report(agent: string, step: number, text = `${agent} says ${step}`): StepReport {
  return { record: record(agent, step, { text }), messages: [{ role: "assistant", content: text, meta: { model: `sim/${agent}` } }] };
}

/** A step that ended in a transfer call. */
function handoffReport(agent: string, step: number, to: string): StepReport {
  const call = { id: `h${step}`, name: `transfer_to_${to}`, args: {} };
  return {
    record: record(agent, step, { text: "", stopReason: "tool_calls" }),
    messages: [
      { role: "assistant", content: "", toolCalls: [call], meta: { model: `sim/${agent}` } },
      { role: "tool", toolCallId: call.id, name: call.name, content: `Transferred to ${to}.` },
    ],
  };
}

function failedReport(agent: string, step: number, error: ErrorData): StepReport {
  return { record: record(agent, step, { text: "", stopReason: "error", error }), messages: [] };
}

const overloaded: ErrorData = { code: "PROVIDER_ERROR", message: "503 overloaded", details: { retryable: true } };

/** The TASK messages an agent received. */
const tasks = (r: SupervisorRig, agent: string) => ofType(r.agents[agent]!, "TASK") as unknown as TaskMessage[];
const grantOf = (event: AnyEventObject) => (event as unknown as { grant: Grant }).grant;

describe("supervisor: starting a run", () => {
  it("without a policy function: run.started, step.started and a TASK that carries a grant for the whole budget", () => {
    const r = rig({ agents: [A, B], instructions: "Be kind.", maxSteps: 6 });
    r.send(RUN);
    expect(r.events).toEqual([
      {
        type: "run.started",
        runId: "run-1",
        teamId: TEAM,
        input: "go",
        agents: ["a", "b"],
        models: ["sim/a", "sim/b"],
        agent: "a",
        model: "sim/a",
      },
      { type: "step.started", runId: "run-1", teamId: TEAM, agent: "a", model: "sim/a", step: 1 },
    ]);
    expect(r.agents.a).toEqual([
      {
        type: "TASK",
        runId: "run-1",
        at: 1000,
        transcript: [go],
        grant: { step: 1, steps: 6, system: "Be kind.\n\nYou research.", prepend: [], append: [], settings: {}, tools: [] },
      },
    ]);
    expect(r.agents.b).toEqual([]);
    expect(r.callbacks).toEqual([]);
    expect(r.state()).toEqual({ running: "working" });
  });

  it("with a policy function: a TASK without a grant; the agent's STEP.REQUEST becomes a POLICY.ASK with the policy's context", () => {
    const a = agentInfo("a", { handoffs: ["b"], tools: [localTool("lookup")] });
    const r = rig({ agents: [a, B], policyFunction: true });
    r.send(RUN);
    expect(r.agents.a).toEqual([{ type: "TASK", runId: "run-1", at: 1000, transcript: [go] }]);
    expect(r.emitted("step.started")).toEqual([]);
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    expect(r.state()).toEqual({ running: "deciding" });
    expect(r.callbacks).toEqual([
      {
        type: "POLICY.ASK",
        askId: 1,
        context: {
          step: 1,
          agent: "a",
          agents: [
            { name: "a", model: "sim/a", description: "a is good at things" },
            { name: "b", model: "sim/b", description: "b is good at things" },
          ],
          model: "sim/a",
          models: ["sim/a", "sim/b"],
          messages: [go],
          toolsCalled: [],
          handoffs: [],
          usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} },
          tools: ["lookup"],
          mcpServers: [],
          maxSteps: 10,
          failures: {},
        },
      },
    ]);
  });

  it("earlier messages and the RUN's own maxSteps: the transcript is the earlier messages then the input", () => {
    const r = rig({ agents: [A, B] });
    const earlier: Message[] = [
      { role: "user", content: "hi" },
      { role: "assistant", content: "hello" },
    ];
    r.send({ ...RUN, messages: earlier, maxSteps: 2 });
    const [task] = tasks(r, "a");
    expect(task!.transcript).toEqual([...earlier, go]);
    expect(task!.grant!.steps).toBe(2);
  });

  it("a second RUN continues the conversation; a fresh RUN starts a new one with the start agent", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ type: "HANDOFF", agent: "a", done: handoffReport("a", 1, "b"), to: "b", reason: "", task: "", at: 1100 });
    r.send({ type: "FINAL", agent: "b", done: report("b", 2), output: "b says 2", at: 1200 });
    r.send({ ...RUN, runId: "run-2", input: "again" });
    // The task stays with the agent that answered last, and it sees everything so far.
    const [again] = tasks(r, "b").slice(-1);
    expect(again!.runId).toBe("run-2");
    expect(again!.transcript.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant", "user"]);
    r.send({ type: "FINAL", agent: "b", done: report("b", 1), output: "b says 1", at: 1300 });
    r.send({ ...RUN, runId: "run-3", input: "new", fresh: true });
    expect(tasks(r, "a").slice(-1)[0]!.transcript).toEqual([{ role: "user", content: "new" }]);
  });

  it("a RUN while one is in flight is not taken", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ ...RUN, runId: "run-2" });
    expect(tasks(r, "a").map((t) => t.runId)).toEqual(["run-1"]);
    expect(r.emitted("run.started")).toHaveLength(1);
  });
});

describe("supervisor: verdicts without a policy function", () => {
  it("a grant for several steps: each STEP.DONE records its step and starts the next; the request after the last ends the run at max_steps", () => {
    const r = rig({ agents: [A, B], maxSteps: 2 });
    r.send(RUN);
    r.send({ type: "STEP.DONE", agent: "a", done: report("a", 1), at: 1100 });
    expect(r.events.map((e) => [e.type, "step" in e ? e.step : undefined])).toEqual([
      ["run.started", undefined],
      ["step.started", 1],
      ["step.finished", 1],
      ["step.started", 2],
    ]);
    expect(r.context().transcript).toEqual([go, ...report("a", 1).messages]);
    r.send({ type: "STEP.REQUEST", agent: "a", done: report("a", 2), at: 1200 });
    expect(r.lastTo("a")).toEqual({ type: "STEP.DENY", reason: "run ended" });
    const [finished] = r.emitted("run.finished");
    expect(finished!.result).toMatchObject({ status: "max_steps", reason: "maxSteps (2) reached", stepsUsed: 2, durationMs: 200 });
    expect(finished!.result.steps.map((s) => s.step)).toEqual([1, 2]);
    expect(r.state()).toBe("idle");
  });

  it("a request within the budget is granted at once: STEP.GRANT for the rest of it", () => {
    const r = rig({ agents: [A, B], maxSteps: 5 });
    r.send(RUN);
    // An agent may ask again before its grant is used up (it got the task without one, say).
    r.send({ type: "STEP.REQUEST", agent: "a", done: report("a", 1), at: 1100 });
    const grant = grantOf(r.lastTo("a"));
    expect(grant).toMatchObject({ step: 2, steps: 4 });
    expect(r.emitted("step.started").map((e) => e.step)).toEqual([1, 2]);
  });

  it("a plain policy that stops: the TASK has no grant, the agent's request ends the run as stopped", () => {
    const r = rig({ agents: [A, B], policy: { stop: "not today" } });
    r.send(RUN);
    expect(tasks(r, "a")[0]!.grant).toBeUndefined();
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    expect(r.lastTo("a")).toEqual({ type: "STEP.DENY", reason: "run ended" });
    expect(r.emitted("run.finished")[0]!.result).toMatchObject({ status: "stopped", reason: "not today", stepsUsed: 0 });
  });

  it("a plain policy that moves the task: STEP.DENY, a handoff by policy, and a TASK with a grant to the target", () => {
    const r = rig({ agents: [A, B], policy: { agent: "b" } });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    expect(r.lastTo("a")).toEqual({ type: "STEP.DENY", reason: "moved to b by policy" });
    expect(r.emitted("handoff")).toEqual([
      { type: "handoff", runId: "run-1", teamId: TEAM, from: "a", to: "b", reason: "policy", step: 0, by: "policy" },
    ]);
    const [task] = tasks(r, "b");
    expect(task!.handoff).toEqual({ from: "a", reason: "policy", task: "" });
    expect(task!.grant).toMatchObject({ step: 1, steps: 10 });
    expect(task!.grant!.system).toContain("You are b. a handed this task to you");
    expect(r.context().active).toBe("b");
  });

  it("a plain policy naming a model not in the team fails the run with POLICY_ERROR", () => {
    const r = rig({ agents: [A, B], policy: { model: "sim/zzz" } });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error.code).toBe("POLICY_ERROR");
    expect(failed!.error.message).toContain('"sim/zzz", which is not in this team');
    expect(r.agents.a!.slice(-2)).toEqual([{ type: "STEP.DENY", reason: "run ended" }, { type: "CANCEL" }]);
  });

  it("a plain policy's maxSteps sticks: the grant covers that many steps", () => {
    const r = rig({ agents: [A, B], policy: { maxSteps: 3, modelSettings: { temperature: 0 } } });
    r.send(RUN);
    expect(tasks(r, "a")[0]!.grant).toMatchObject({ steps: 3, settings: { temperature: 0 } });
    expect(r.context().run!.maxSteps).toBe(3);
  });
});

describe("supervisor: verdicts of a policy function (POLICY.ANSWER)", () => {
  /** A run with a policy function whose first request is being decided. */
  function deciding(agents: AgentInfo[] = [A, B], over: Partial<SupervisorInput> = {}) {
    const r = rig({ agents, policyFunction: true, ...over });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: agents[0]!.name, at: 1001 });
    return r;
  }

  it("grant: STEP.GRANT for one step with the decision's prompt, messages, settings and tools", () => {
    const a = agentInfo("a", { handoffs: ["b"], instructions: "You research.", tools: [localTool("lookup"), localTool("other")] });
    const r = deciding([a, B]);
    r.send({
      type: "POLICY.ANSWER",
      askId: 1,
      decision: { messagePrepend: "Think first.", messageAppend: "Be short.", modelSettings: { temperature: 0 }, tools: ["lookup"] },
      at: 1002,
    });
    expect(r.state()).toEqual({ running: "working" });
    const grant = grantOf(r.lastTo("a"));
    expect(grant).toEqual({
      step: 1,
      steps: 1,
      system: "Think first.\n\nYou research.",
      prepend: [],
      append: [{ role: "user", content: "Be short." }],
      settings: { temperature: 0 },
      tools: [localTool("lookup")],
    });
    expect(r.emitted("step.started")).toHaveLength(1);
  });

  it("move: STEP.DENY to the asker, a handoff by policy, a TASK to the target, whose request is asked about in turn", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { agent: "b" }, at: 1002 });
    expect(r.lastTo("a")).toEqual({ type: "STEP.DENY", reason: "moved to b by policy" });
    expect(r.emitted("handoff")[0]).toMatchObject({ from: "a", to: "b", by: "policy" });
    expect(tasks(r, "b")[0]!.grant).toBeUndefined();
    r.send({ type: "STEP.REQUEST", agent: "b", at: 1003 });
    expect(r.callbacks.slice(-1)[0]).toMatchObject({
      type: "POLICY.ASK",
      askId: 2,
      context: { agent: "b", handoffs: [{ to: "b", by: "policy" }] },
    });
  });

  it("a move by model id reaches the one agent on that model", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { model: "sim/b" }, at: 1002 });
    expect(tasks(r, "b")).toHaveLength(1);
  });

  it("a move to the agent that asks is a grant", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { agent: "a" }, at: 1002 });
    expect(r.lastTo("a")).toMatchObject({ type: "STEP.GRANT" });
    expect(r.emitted("handoff")).toEqual([]);
  });

  it("stop: run.finished as stopped with the reason, and STEP.DENY", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { stop: true }, at: 1050 });
    expect(r.lastTo("a")).toEqual({ type: "STEP.DENY", reason: "run ended" });
    expect(r.emitted("run.finished")[0]!.result).toMatchObject({ status: "stopped", reason: "stopped by policy", durationMs: 50 });
    expect(r.state()).toBe("idle");
  });

  it("limit: a decision's maxSteps already used up ends the run with max_steps", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1002 });
    r.send({ type: "STEP.REQUEST", agent: "a", done: report("a", 1), at: 1100 });
    r.send({ type: "POLICY.ANSWER", askId: 2, decision: { maxSteps: 1 }, at: 1101 });
    expect(r.emitted("run.finished")[0]!.result).toMatchObject({ status: "max_steps", reason: "maxSteps (1) reached", stepsUsed: 1 });
  });

  it("an error answer (the policy threw, or returned something unusable) fails the run with it", () => {
    const r = deciding();
    const error: ErrorData = { code: "POLICY_ERROR", message: "The policy threw: boom" };
    r.send({ type: "POLICY.ANSWER", askId: 1, error, at: 1002 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error).toEqual(error);
    expect(failed!.partial).toMatchObject({ status: "stopped", reason: "The policy threw: boom", messages: [go] });
    expect(r.agents.a!.slice(-1)).toEqual([{ type: "CANCEL" }]);
    expect(r.agents.b).toEqual([{ type: "CANCEL" }]);
  });

  it("a model two agents share is ambiguous: POLICY_ERROR naming both", () => {
    const shared = model("sim/shared");
    const r = deciding([agentInfo("a", { model: shared, handoffs: ["b"] }), agentInfo("b", { model: shared })]);
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { model: "sim/shared" }, at: 1002 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error.code).toBe("POLICY_ERROR");
    expect(failed!.error.message).toContain("ambiguous");
    expect(failed!.error.details).toEqual({ model: "sim/shared", agents: ["a", "b"] });
  });

  it("an answer to an older question is ignored; the current one decides", () => {
    const r = deciding();
    r.send({ type: "POLICY.ANSWER", askId: 0, decision: { stop: true }, at: 1002 });
    expect(r.state()).toEqual({ running: "deciding" });
    expect(r.emitted("run.finished")).toEqual([]);
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1003 });
    expect(r.lastTo("a")).toMatchObject({ type: "STEP.GRANT" });
    // The same answer again changes nothing.
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: { stop: true }, at: 1004 });
    expect(ofType(r.agents.a!, "STEP.GRANT")).toHaveLength(1);
    expect(r.emitted("run.finished")).toEqual([]);
  });

  it("a STEP.REQUEST from an agent that does not hold the task, while the policy decides, is denied", () => {
    const r = deciding();
    r.send({ type: "STEP.REQUEST", agent: "b", at: 1002 });
    expect(r.agents.b).toEqual([{ type: "STEP.DENY", reason: "not this agent's turn" }]);
    expect(r.callbacks).toHaveLength(1);
  });
});

describe("supervisor: handoffs", () => {
  it("HANDOFF records the step, emits handoff, and sends the target a TASK with the transcript, the note and a grant for the rest", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    const done = handoffReport("a", 1, "b");
    r.send({ type: "HANDOFF", agent: "a", done, to: "b", reason: "b writes", task: "write it up", at: 1100 });
    expect(r.emitted("step.finished").map((e) => e.step)).toEqual([1]);
    expect(r.emitted("handoff")).toEqual([
      { type: "handoff", runId: "run-1", teamId: TEAM, from: "a", to: "b", reason: "b writes", task: "write it up", step: 1, by: "model" },
    ]);
    const [task] = tasks(r, "b");
    expect(task!.transcript).toEqual([go, ...done.messages]);
    expect(findTranscriptProblems(task!.transcript)).toEqual([]);
    expect(task!.handoff).toEqual({ from: "a", reason: "b writes", task: "write it up" });
    expect(task!.grant).toMatchObject({ step: 2, steps: 9 });
    expect(task!.grant!.system).toBe(
      "You are b. a handed this task to you; earlier assistant turns in the conversation were written by other agents of your team.\nReason: b writes\nYour task: write it up",
    );
    expect(r.emitted("step.started").slice(-1)[0]).toMatchObject({ agent: "b", model: "sim/b", step: 2 });
    expect(r.context().active).toBe("b");
  });

  it("every handoff counts toward maxHandoffs: the one past the limit ends the run with max_steps and no TASK", () => {
    const r = rig({ agents: [A, B], maxHandoffs: 1 });
    r.send(RUN);
    r.send({ type: "HANDOFF", agent: "a", done: handoffReport("a", 1, "b"), to: "b", reason: "", task: "", at: 1100 });
    r.send({ type: "HANDOFF", agent: "b", done: handoffReport("b", 2, "a"), to: "a", reason: "", task: "", at: 1200 });
    expect(tasks(r, "a")).toHaveLength(1);
    const [finished] = r.emitted("run.finished");
    expect(finished!.result).toMatchObject({ status: "max_steps", reason: "maxHandoffs (1) reached", stepsUsed: 2, lastAgent: "b" });
    expect(finished!.result.handoffs).toHaveLength(1);
    expect(r.state()).toBe("idle");
  });

  it("a handoff to an agent with no steps left: the TASK has no grant, and its request ends the run", () => {
    const r = rig({ agents: [A, B], maxSteps: 1 });
    r.send(RUN);
    r.send({ type: "HANDOFF", agent: "a", done: handoffReport("a", 1, "b"), to: "b", reason: "", task: "", at: 1100 });
    expect(tasks(r, "b")[0]!.grant).toBeUndefined();
    r.send({ type: "STEP.REQUEST", agent: "b", at: 1101 });
    expect(r.emitted("run.finished")[0]!.result).toMatchObject({ status: "max_steps", stepsUsed: 1, durationMs: 101 });
  });

  describe("handoff filters", () => {
    const filteredB = agentInfo("b", { handoffs: ["a"], filtered: true });

    function handedToFilteredB() {
      const r = rig({ agents: [A, filteredB] });
      r.send(RUN);
      r.send({ type: "HANDOFF", agent: "a", done: handoffReport("a", 1, "b"), to: "b", reason: "r", task: "", at: 1100 });
      return r;
    }

    it("the receiver's filter is asked (FILTER.ASK); its transcript is what the TASK carries", () => {
      const r = handedToFilteredB();
      expect(r.state()).toEqual({ running: "filtering" });
      expect(tasks(r, "b")).toEqual([]);
      const [ask] = r.callbacks;
      expect(ask).toEqual({ type: "FILTER.ASK", askId: 1, to: "b", from: "a", transcript: [go, ...handoffReport("a", 1, "b").messages] });
      r.send({ type: "FILTER.ANSWER", askId: 1, transcript: [go], at: 1101 });
      expect(tasks(r, "b")[0]).toMatchObject({ transcript: [go], handoff: { from: "a", reason: "r", task: "" }, grant: { step: 2 } });
      expect(r.state()).toEqual({ running: "working" });
    });

    it("an empty answer fails the run with POLICY_ERROR", () => {
      const r = handedToFilteredB();
      r.send({ type: "FILTER.ANSWER", askId: 1, transcript: [], at: 1101 });
      const [failed] = r.emitted("run.failed");
      expect(failed!.error).toEqual({
        code: "POLICY_ERROR",
        message: "The handoffFilter for b left nothing to send: it returned an empty transcript. Return at least the user's message.",
      });
      expect(tasks(r, "b")).toEqual([]);
    });

    it("an error answer (the filter threw) fails the run with it", () => {
      const r = handedToFilteredB();
      const error: ErrorData = { code: "POLICY_ERROR", message: "The handoffFilter for b threw: nope" };
      r.send({ type: "FILTER.ANSWER", askId: 1, error, at: 1101 });
      expect(r.emitted("run.failed")[0]!.error).toEqual(error);
    });

    it("an answer to an older question is ignored", () => {
      const r = handedToFilteredB();
      r.send({ type: "FILTER.ANSWER", askId: 0, transcript: [go], at: 1101 });
      expect(tasks(r, "b")).toEqual([]);
      expect(r.state()).toEqual({ running: "filtering" });
    });
  });
});

describe("supervisor: the end of a run", () => {
  it("FINAL: run.finished with the result (output, steps, usage, transcript, time)", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ type: "FINAL", agent: "a", done: report("a", 1, "the answer"), output: "the answer", at: 1500 });
    const [finished] = r.emitted("run.finished");
    expect(finished!.result).toMatchObject({
      runId: "run-1",
      status: "completed",
      finalOutput: "the answer",
      outputText: "the answer",
      lastAgent: "a",
      lastModel: "sim/a",
      agentsUsed: ["a"],
      modelsUsed: ["sim/a"],
      stepsUsed: 1,
      handoffs: [],
      usage: { inputTokens: 10, outputTokens: 5 },
      messages: [go, { role: "assistant", content: "the answer", meta: { model: "sim/a" } }],
      durationMs: 500,
    });
    expect(r.events.map((e) => e.type)).toEqual(["run.started", "step.started", "step.finished", "run.finished"]);
    expect(r.state()).toBe("idle");
    expect(r.context().run).toBeUndefined();
  });

  it("FAILED without a policy function: run.failed with the error and the partial result (the failed step in it); CANCEL to every agent", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ type: "STEP.DONE", agent: "a", done: report("a", 1), at: 1100 });
    r.send({ type: "FAILED", agent: "a", done: failedReport("a", 2, overloaded), error: overloaded, at: 1300 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error).toEqual(overloaded);
    expect(failed!.partial).toMatchObject({ status: "stopped", reason: "503 overloaded", stepsUsed: 2, durationMs: 300 });
    expect(failed!.partial.steps.map((s) => [s.step, s.stopReason])).toEqual([
      [1, "stop"],
      [2, "error"],
    ]);
    expect(failed!.partial.messages).toEqual([go, ...report("a", 1).messages]);
    expect(r.emitted("step.finished").map((e) => e.step)).toEqual([1, 2]);
    expect(r.agents.a!.slice(-1)).toEqual([{ type: "CANCEL" }]);
    expect(r.agents.b).toEqual([{ type: "CANCEL" }]);
    expect(r.state()).toBe("idle");
  });

  describe("FAILED with a policy function: the policy may fall back", () => {
    function failing() {
      const r = rig({ agents: [A, B], policyFunction: true });
      r.send(RUN);
      r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
      r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1002 });
      r.send({ type: "FAILED", agent: "a", done: failedReport("a", 1, overloaded), error: overloaded, at: 1100 });
      return r;
    }

    it("the policy is asked with the error and the failure count", () => {
      const r = failing();
      expect(r.state()).toEqual({ running: "recovering" });
      expect(r.callbacks[1]).toMatchObject({
        type: "POLICY.ASK",
        askId: 2,
        context: { agent: "a", failures: { a: 1 }, lastError: { ...overloaded, agent: "a", model: "sim/a" } },
      });
      expect(r.emitted("step.finished")[0]!.record.error).toEqual(overloaded);
    });

    it("a move falls back: handoff by fallback, TASK to the other agent", () => {
      const r = failing();
      r.send({ type: "POLICY.ANSWER", askId: 2, decision: { agent: "b" }, at: 1101 });
      expect(r.emitted("handoff")).toEqual([
        {
          type: "handoff",
          runId: "run-1",
          teamId: TEAM,
          from: "a",
          to: "b",
          reason: "fallback after: 503 overloaded",
          step: 1,
          by: "fallback",
        },
      ]);
      expect(tasks(r, "b")[0]!.handoff).toEqual({ from: "a", reason: "fallback after: 503 overloaded", task: "" });
      expect(r.emitted("run.failed")).toEqual([]);
      expect(r.context().failure).toBeUndefined();
    });

    it("no move (or a move to the failed agent itself): run.failed with the original error", () => {
      const r = failing();
      r.send({ type: "POLICY.ANSWER", askId: 2, decision: { agent: "a" }, at: 1101 });
      const [failed] = r.emitted("run.failed");
      expect(failed!.error).toMatchObject(overloaded);
      expect(tasks(r, "b")).toEqual([]);
    });

    it("a fallback that would pass maxHandoffs ends the run with max_steps", () => {
      const r = rig({ agents: [A, B], policyFunction: true, maxHandoffs: 0 });
      r.send(RUN);
      r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
      r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1002 });
      r.send({ type: "FAILED", agent: "a", done: failedReport("a", 1, overloaded), error: overloaded, at: 1100 });
      r.send({ type: "POLICY.ANSWER", askId: 2, decision: { agent: "b" }, at: 1101 });
      expect(r.emitted("run.finished")[0]!.result).toMatchObject({ status: "max_steps", reason: "maxHandoffs (0) reached" });
      expect(tasks(r, "b")).toEqual([]);
    });

    it("an error answer fails the run with the policy's error", () => {
      const r = failing();
      const error: ErrorData = { code: "POLICY_ERROR", message: "The policy threw: x" };
      r.send({ type: "POLICY.ANSWER", askId: 2, error, at: 1101 });
      expect(r.emitted("run.failed")[0]!.error).toEqual(error);
    });
  });

  it("CANCEL: run.failed with CANCELLED and the partial, CANCEL to every agent; the next run works", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ type: "STEP.DONE", agent: "a", done: report("a", 1), at: 1100 });
    r.send({ type: "CANCEL", at: 1150 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error).toEqual({ code: "CANCELLED", message: "The run was cancelled." });
    expect(failed!.partial).toMatchObject({ status: "stopped", stepsUsed: 1, durationMs: 150, messages: [go, ...report("a", 1).messages] });
    expect(r.agents.a!.slice(-1)).toEqual([{ type: "CANCEL" }]);
    expect(r.agents.b).toEqual([{ type: "CANCEL" }]);
    expect(r.state()).toBe("idle");
    // Messages of the cancelled run that still come are ignored.
    r.send({ type: "FINAL", agent: "a", done: report("a", 2), output: "late", at: 1160 });
    expect(r.emitted("run.finished")).toEqual([]);
    r.send({ ...RUN, runId: "run-2" });
    expect(tasks(r, "a").slice(-1)[0]!.runId).toBe("run-2");
  });

  it("CANCEL while the policy decides: run.failed; the answer that still comes is ignored", () => {
    const r = rig({ agents: [A, B], policyFunction: true });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    r.send({ type: "CANCEL", at: 1002 });
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1003 });
    expect(ofType(r.agents.a!, "STEP.GRANT")).toEqual([]);
    expect(r.emitted("run.failed")).toHaveLength(1);
  });

  it("RUN.ABORT (a listener threw): run.failed with its error; CANCEL to every agent", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    const error: ErrorData = { code: "LISTENER_ERROR", message: 'A "step.started" listener threw: oops' };
    r.send({ type: "RUN.ABORT", error, at: 1010 });
    expect(r.emitted("run.failed")[0]!.error).toEqual(error);
    expect(r.agents.b).toEqual([{ type: "CANCEL" }]);
  });

  it("CANCEL with no run in flight does nothing", () => {
    const r = rig({ agents: [A, B] });
    r.send({ type: "CANCEL", at: 1 });
    expect(r.events).toEqual([]);
    expect(r.agents.a).toEqual([]);
  });
});

describe("supervisor: typed output", () => {
  const output = { name: "answer", schema: { type: "object" }, strict: true };
  const typed = agentInfo("a", { handoffs: ["b"], output });

  function answered(over: Partial<SupervisorInput> = {}) {
    const r = rig({ agents: [typed, B], ...over });
    r.send(RUN);
    r.send({ type: "FINAL", agent: "a", done: report("a", 1, '{"n":"one"}'), output: '{"n":"one"}', at: 1100 });
    return r;
  }

  it("the grant asks for the output, and the final answer is checked (OUTPUT.CHECK); ok: run.finished with the value", () => {
    const r = answered();
    expect(tasks(r, "a")[0]!.grant!.output).toEqual(output);
    expect(r.state()).toEqual({ running: "checkingOutput" });
    expect(r.callbacks).toEqual([{ type: "OUTPUT.CHECK", askId: 1, agent: "a", text: '{"n":"one"}' }]);
    expect(r.emitted("run.finished")).toEqual([]);
    r.send({ type: "OUTPUT.ANSWER", askId: 1, ok: true, value: { n: "one" }, at: 1101 });
    expect(r.emitted("run.finished")[0]!.result).toMatchObject({
      status: "completed",
      finalOutput: { n: "one" },
      outputText: '{"n":"one"}',
    });
  });

  it("not ok: a repair TASK saying what was wrong; not ok again with the repairs spent: OUTPUT_INVALID", () => {
    const r = answered();
    r.send({ type: "OUTPUT.ANSWER", askId: 1, ok: false, issues: ["n: expected number"], at: 1101 });
    const repair = tasks(r, "a")[1]!;
    expect(repair.transcript.slice(-1)).toEqual([
      {
        role: "user",
        content:
          "Your answer does not match the required output schema: n: expected number. Answer again with only the JSON object the schema asks for.",
      },
    ]);
    expect(repair.grant).toMatchObject({ step: 2, steps: 9, output });
    r.send({ type: "FINAL", agent: "a", done: report("a", 2, "{}"), output: "{}", at: 1200 });
    expect(r.callbacks[1]).toEqual({ type: "OUTPUT.CHECK", askId: 2, agent: "a", text: "{}" });
    r.send({ type: "OUTPUT.ANSWER", askId: 2, ok: false, issues: ["n: required"], at: 1201 });
    const [failed] = r.emitted("run.failed");
    expect(failed!.error).toEqual({
      code: "OUTPUT_INVALID",
      message: "The final answer did not match the output schema after 2 tries: n: required",
      details: { issues: ["n: required"] },
    });
    expect(failed!.partial.stepsUsed).toBe(2);
  });

  it("no repairs (outputRetries 0): OUTPUT_INVALID after one try", () => {
    const r = answered({ outputRetries: 0 });
    r.send({ type: "OUTPUT.ANSWER", askId: 1, ok: false, issues: ["bad"], at: 1101 });
    expect(r.emitted("run.failed")[0]!.error.message).toBe("The final answer did not match the output schema after 1 try: bad");
  });

  it("no steps left for a repair: OUTPUT_INVALID", () => {
    const r = answered({ maxSteps: 1 });
    r.send({ type: "OUTPUT.ANSWER", askId: 1, ok: false, issues: ["bad"], at: 1101 });
    expect(r.emitted("run.failed")[0]!.error.code).toBe("OUTPUT_INVALID");
    expect(tasks(r, "a")).toHaveLength(1);
  });

  it("an answer to an older check is ignored", () => {
    const r = answered();
    r.send({ type: "OUTPUT.ANSWER", askId: 0, ok: true, value: {}, at: 1101 });
    expect(r.emitted("run.finished")).toEqual([]);
  });
});

describe("supervisor: delegations", () => {
  const lead = agentInfo("a", { handoffs: ["b", "c"] });
  const helperB = agentInfo("b", { handoffs: [], instructions: "You summarise." });
  const helperC = agentInfo("c", { handoffs: [] });

  function delegating(over: Partial<SupervisorInput> = {}) {
    const r = rig({ agents: [lead, helperB, helperC], handoffMode: "delegate", ...over });
    r.send(RUN);
    return r;
  }

  const ask = (callId: string, to: string, task: string, at = 1100) => ({ type: "DELEGATE", callId, from: "a", to, task, at });

  it("with delegations possible each grant covers one step (a delegate spends the same budget)", () => {
    const r = delegating();
    expect(tasks(r, "a")[0]!.grant!.steps).toBe(1);
  });

  it("DELEGATE: a TASK to the target with the subtask, a one-step grant and the caller; its FINAL comes back to the caller as TOOL.RESULT", () => {
    const r = delegating();
    r.send(ask("T:a#1", "b", "summarise"));
    expect(tasks(r, "b")).toEqual([
      {
        type: "TASK",
        runId: "run-1",
        at: 1100,
        transcript: [{ role: "user", content: "summarise" }],
        grant: {
          step: 2,
          steps: 1,
          system: "You summarise.\n\nYou are b. a asked you for this subtask; your final answer goes back to it.",
          prepend: [],
          append: [],
          settings: {},
          tools: [],
        },
        delegation: { callId: "T:a#1", from: "a" },
      },
    ]);
    expect(r.emitted("step.started").slice(-1)[0]).toMatchObject({ agent: "b", step: 2 });
    r.send({ type: "FINAL", agent: "b", done: report("b", 2, "short"), output: "short", at: 1300 });
    expect(r.lastTo("a")).toEqual({ type: "TOOL.RESULT", callId: "T:a#1", content: "short", isError: false, ms: 200, at: 1300 });
    // The delegate's step counts, but its turns stay out of the team's transcript; the run goes on.
    expect(r.emitted("step.finished").map((e) => e.agent)).toEqual(["b"]);
    expect(r.context().transcript).toEqual([go]);
    expect(r.context().run!.steps).toHaveLength(1);
    expect(r.emitted("run.finished")).toEqual([]);
    expect(r.context().delegations).toEqual({});
  });

  it("a second delegation to a busy agent waits for the first to be answered, then runs", () => {
    const r = delegating();
    r.send(ask("T:a#1", "b", "one"));
    r.send(ask("T:a#2", "b", "two"));
    r.send(ask("T:a#3", "c", "three"));
    expect(tasks(r, "b")).toHaveLength(1);
    expect(tasks(r, "c")).toHaveLength(1);
    expect(r.context().queued.map((q) => q.callId)).toEqual(["T:a#2"]);
    r.send({ type: "FINAL", agent: "b", done: report("b", 2, "first"), output: "first", at: 1200 });
    expect(ofType(r.agents.a!, "TOOL.RESULT").map((m) => [m.callId, m.content])).toEqual([["T:a#1", "first"]]);
    const second = tasks(r, "b")[1]!;
    expect(second).toMatchObject({ transcript: [{ role: "user", content: "two" }], delegation: { callId: "T:a#2", from: "a" } });
    r.send({ type: "FINAL", agent: "b", done: report("b", 4, "second"), output: "second", at: 1300 });
    r.send({ type: "FINAL", agent: "c", done: report("c", 3, "third"), output: "third", at: 1350 });
    expect(ofType(r.agents.a!, "TOOL.RESULT").map((m) => [m.callId, m.content])).toEqual([
      ["T:a#1", "first"],
      ["T:a#2", "second"],
      ["T:a#3", "third"],
    ]);
    expect(r.context().queued).toEqual([]);
  });

  it("a delegation when maxSteps is used up is answered with an error, and the target gets nothing", () => {
    const r = delegating({ maxSteps: 1 });
    r.send(ask("T:a#1", "b", "summarise"));
    expect(tasks(r, "b")).toEqual([]);
    expect(r.lastTo("a")).toEqual({
      type: "TOOL.RESULT",
      callId: "T:a#1",
      content: "Error: b could not work on the subtask: maxSteps (1) reached.",
      isError: true,
      ms: 0,
      at: 1100,
    });
  });

  it("a delegate asking for its next step is granted one while the budget lasts; at the limit it is denied and the caller reads why", () => {
    const r = delegating({ maxSteps: 3 });
    r.send(ask("T:a#1", "b", "summarise"));
    r.send({ type: "STEP.REQUEST", agent: "b", done: report("b", 2), at: 1200 });
    expect(grantOf(r.lastTo("b"))).toMatchObject({ step: 3, steps: 1 });
    r.send({ type: "STEP.REQUEST", agent: "b", done: report("b", 3), at: 1300 });
    expect(r.lastTo("b")).toEqual({ type: "STEP.DENY", reason: "step limit" });
    expect(r.lastTo("a")).toMatchObject({
      type: "TOOL.RESULT",
      callId: "T:a#1",
      content: "Error: b could not finish the subtask: maxSteps (3) reached.",
      isError: true,
    });
    expect(r.context().delegations).toEqual({});
    // Both of the delegate's steps were recorded; the run itself goes on.
    expect(r.context().run!.steps.map((s) => s.agent)).toEqual(["b", "b"]);
    expect(r.emitted("run.finished")).toEqual([]);
  });

  it("a delegate that fails: the caller gets an error result naming it; the failed step is recorded", () => {
    const r = delegating();
    r.send(ask("T:a#1", "b", "summarise"));
    r.send({ type: "FAILED", agent: "b", done: failedReport("b", 2, overloaded), error: overloaded, at: 1250 });
    expect(r.lastTo("a")).toEqual({
      type: "TOOL.RESULT",
      callId: "T:a#1",
      content: "Error: b failed on the subtask: 503 overloaded",
      isError: true,
      ms: 150,
      at: 1250,
    });
    expect(r.emitted("run.failed")).toEqual([]);
    expect(r.context().run!.steps[0]!.error).toEqual(overloaded);
  });

  it("a delegation to an agent not in the team, or not among the caller's handoffs, is answered with an error", () => {
    const r = rig({ agents: [agentInfo("a", { handoffs: ["b"] }), helperB, helperC], handoffMode: "delegate" });
    r.send(RUN);
    r.send(ask("T:a#1", "x", "?"));
    r.send(ask("T:a#2", "c", "?"));
    expect(ofType(r.agents.a!, "TOOL.RESULT").map((m) => [m.content, m.isError])).toEqual([
      ["Error: x is not in this team.", true],
      ["Error: a may not ask c.", true],
    ]);
    expect(tasks(r, "c")).toEqual([]);
  });

  it("in transfer mode a DELEGATE is refused", () => {
    const r = rig({ agents: [lead, helperB, helperC] });
    r.send(RUN);
    r.send(ask("T:a#1", "b", "?"));
    expect(r.lastTo("a")).toMatchObject({ type: "TOOL.RESULT", isError: true, content: "Error: a may not ask b." });
    expect(tasks(r, "b")).toEqual([]);
  });

  it("with a policy function, a delegate's requests are granted without asking the policy", () => {
    const r = rig({ agents: [lead, helperB, helperC], handoffMode: "delegate", policyFunction: true });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: "a", at: 1001 });
    r.send({ type: "POLICY.ANSWER", askId: 1, decision: {}, at: 1002 });
    r.send(ask("T:a#1", "b", "summarise"));
    r.send({ type: "STEP.REQUEST", agent: "b", done: report("b", 2), at: 1200 });
    expect(grantOf(r.lastTo("b"))).toMatchObject({ step: 3 });
    expect(r.callbacks).toHaveLength(1);
  });
});

describe("supervisor: messages from agents that do not hold the task", () => {
  // Latent, not reachable in today's flows as far as the tests show: `working` rules every
  // STEP.REQUEST as the active agent's (machines/team/supervisor.ts, `working.on["STEP.REQUEST"]`
  // has no `fromActive` guard; the guard is defined in setup.ts but used nowhere). A request from
  // another agent gets the *active* agent a STEP.GRANT and counts a step that never runs.
  it("a STEP.REQUEST from an agent that does not hold the task is denied, not ruled as the active agent's", () => {
    const r = rig({ agents: [A, B] });
    r.send(RUN);
    r.send({ type: "STEP.REQUEST", agent: "b", at: 1001 });
    expect(r.agents.b).toEqual([{ type: "STEP.DENY", reason: "not this agent's turn" }]);
    expect(ofType(r.agents.a!, "STEP.GRANT")).toEqual([]);
    expect(r.context().run!.granted).toBe(1);
  });
});
