/** The agent's pure decisions on one answer's tool calls: what each call is, and the messages that dispatch them. */
import { describe, expect, it } from "vitest";
import { type Dispatcher, dispatchToolCalls, planToolCalls } from "../../src/agent/toolPlan.js";
import type { HandoffTarget } from "../../src/tools/handoffTools.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import type { ToolCall } from "../../src/transcript/index.js";

const entry = (name: string, service = "tools:T", remoteName = name, source = "local"): ToolEntry => ({
  spec: { name, description: "", parameters: { type: "object" } },
  service,
  remoteName,
  source,
});
const call = (id: string, name: string, args: Record<string, unknown> = {}, argsError?: string): ToolCall =>
  argsError === undefined ? { id, name, args } : { id, name, args, argsError };

const tools = [entry("lookup"), entry("web_fetch", "mcp:web", "fetch", "web")];
const targets: Record<string, HandoffTarget> = {
  transfer_to_b: { kind: "transfer", to: "b" },
  transfer_to_c: { kind: "transfer", to: "c" },
  ask_b: { kind: "delegate", to: "b" },
};

describe("planToolCalls", () => {
  it("a known tool goes to its service entry", () => {
    const plans = planToolCalls([call("1", "lookup", { q: 1 })], tools, targets);
    expect(plans).toEqual([{ kind: "service", call: call("1", "lookup", { q: 1 }), entry: tools[0] }]);
  });

  it("a transfer call is a transfer with its reason and task (missing ones empty, other values as JSON)", () => {
    const plans = planToolCalls(
      [call("1", "transfer_to_b", { reason: "writes well", task: { step: 2 } }), call("2", "transfer_to_c", { reason: null })],
      tools,
      targets,
    );
    expect(plans[0]).toEqual({ kind: "transfer", call: plans[0]!.call, to: "b", reason: "writes well", task: '{"step":2}' });
    // A second transfer in the same answer is refused: the first wins.
    expect(plans[1]).toMatchObject({ kind: "error", call: { id: "2" } });
    expect(plans[1]!.kind === "error" && plans[1]!.content).toBe(
      "Error: only one handoff per message. The task already goes to b; this handoff to c was not made.",
    );
  });

  it("an ask_ call is a delegation; without a task it is an error saying what is missing", () => {
    const [asked, empty] = planToolCalls([call("1", "ask_b", { task: "sum it up" }), call("2", "ask_b", { task: "" })], tools, targets);
    expect(asked).toEqual({ kind: "delegate", call: call("1", "ask_b", { task: "sum it up" }), to: "b", task: "sum it up" });
    expect(empty).toMatchObject({ kind: "error", content: 'Error: ask_b needs a "task" argument saying what b should do.' });
  });

  it("arguments that were not valid JSON are an error, even for a handoff", () => {
    const plans = planToolCalls([call("1", "lookup", {}, "Unexpected end"), call("2", "transfer_to_b", {}, "bad")], tools, targets);
    expect(plans.map((p) => p.kind)).toEqual(["error", "error"]);
    expect(plans[0]!.kind === "error" && plans[0]!.content).toBe(
      "Error: the arguments of lookup were not valid JSON (Unexpected end). Call it again with valid JSON.",
    );
  });

  it("an unknown tool is an error listing what is available (or none)", () => {
    expect(planToolCalls([call("1", "nope")], tools, targets)[0]).toMatchObject({
      kind: "error",
      content: 'Error: unknown tool "nope". Available tools: lookup, web_fetch, transfer_to_b, transfer_to_c, ask_b.',
    });
    expect(planToolCalls([call("1", "nope")], [], {})[0]).toMatchObject({ content: 'Error: unknown tool "nope". Available tools: none.' });
  });

  it("a tool named like an Object.prototype member is not mistaken for a handoff target", () => {
    expect(planToolCalls([call("1", "constructor"), call("2", "toString")], [], {}).map((p) => p.kind)).toEqual(["error", "error"]);
  });

  it("keeps the calls' order, one plan per call", () => {
    const calls = [call("1", "ask_b", { task: "x" }), call("2", "lookup"), call("3", "nope"), call("4", "transfer_to_c")];
    expect(planToolCalls(calls, tools, targets).map((p) => [p.call.id, p.kind])).toEqual([
      ["1", "delegate"],
      ["2", "service"],
      ["3", "error"],
      ["4", "transfer"],
    ]);
  });
});

describe("dispatchToolCalls", () => {
  const by: Dispatcher = {
    teamId: "T",
    agent: "a",
    model: "sim/a",
    runId: "run-1",
    step: 3,
    self: "agent:T:a",
    samplingModel: "sim/s",
    toolTimeoutMs: undefined,
    seq: 4,
  };

  it("a TOOL.CALL to the owning service per tool call, a delegation per ask_, an immediate error for the rest, nothing for a transfer", () => {
    const plans = planToolCalls(
      [
        call("c1", "lookup", { q: 1 }),
        call("c2", "web_fetch", { url: "u" }),
        call("c3", "ask_b", { task: "t" }),
        call("c4", "nope"),
        call("c5", "transfer_to_b"),
      ],
      tools,
      targets,
    );
    const out = dispatchToolCalls(plans, by);
    expect(out.calls).toEqual([
      {
        to: "tools:T",
        event: {
          type: "TOOL.CALL",
          callId: "T:a#5",
          name: "lookup",
          args: { q: 1 },
          replyTo: "agent:T:a",
          runId: "run-1",
          agent: "a",
          model: "sim/a",
          idempotencyKey: "run-1:c1",
          samplingModel: "sim/s",
        },
      },
      {
        to: "mcp:web",
        event: expect.objectContaining({ callId: "T:a#6", name: "fetch", args: { url: "u" }, idempotencyKey: "run-1:c2" }),
      },
    ]);
    expect(out.delegations).toEqual([{ callId: "T:a#7", to: "b", task: "t", toolCallId: "c3" }]);
    expect(out.pending).toEqual({
      "T:a#5": { callId: "c1", service: "tools:T" },
      "T:a#6": { callId: "c2", service: "mcp:web" },
      "T:a#7": { callId: "c3", service: undefined },
    });
    expect(Object.keys(out.outcomes)).toEqual(["c4"]);
    expect(out.outcomes.c4).toMatchObject({ isError: true, ms: 0 });
    expect(out.seq).toBe(7);
  });

  it("a timeout goes on every TOOL.CALL when set; approved calls are marked", () => {
    const plans = planToolCalls([call("c1", "lookup"), call("c2", "lookup")], tools, targets);
    const out = dispatchToolCalls(plans, { ...by, toolTimeoutMs: 250, approved: new Set(["c2"]) });
    expect(out.calls.map((c) => [c.event.timeoutMs, c.event.approved])).toEqual([
      [250, undefined],
      [250, true],
    ]);
    expect("approved" in out.calls[0]!.event).toBe(false);
  });

  it("nothing to dispatch: no messages, the sequence unchanged", () => {
    expect(dispatchToolCalls([], by)).toEqual({ calls: [], delegations: [], pending: {}, outcomes: {}, seq: 4 });
  });

  it("messages are plain data", () => {
    const plans = planToolCalls([call("c1", "lookup", { nested: { list: [1, "two"] } })], tools, targets);
    const out = dispatchToolCalls(plans, { ...by, toolTimeoutMs: 10 });
    expect(JSON.parse(JSON.stringify(out.calls))).toEqual(out.calls);
  });
});
