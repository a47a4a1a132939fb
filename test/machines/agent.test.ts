/**
 * The agent machine driven directly: a recording parent stands in for the supervisor, recording
 * stubs for the provider service, the tool services and the event channel. Time is XState's
 * SimulatedClock, so backoffs take no real time.
 */
import { afterEach, describe, expect, it } from "vitest";
import { address } from "../../machines/addresses.js";
import type {
  FailedMessage,
  FinalMessage,
  HandoffMessage,
  ProgressMessage,
  StepDoneMessage,
  StepRequestMessage,
} from "../../machines/team/protocol.js";
import type { ToolCallEvent } from "../../machines/tools/protocol.js";
import type { Message } from "../../src/transcript/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { type AgentRig, type AgentRigOptions, agentRig, grant, localTool, mcpTool, ofType, retryable, TEAM } from "./harness.js";

const TOOLS = address.tools(TEAM);
const WEB = address.mcp("web");
const user: Message = { role: "user", content: "find the launch date" };

const rigs: AgentRig[] = [];
afterEach(() => {
  for (const rig of rigs.splice(0)) rig.stop();
});

function rig(options: AgentRigOptions = {}): AgentRig {
  const r = agentRig(options);
  rigs.push(r);
  return r;
}

/** The messages the parent received, by type. */
const toParent = <T>(r: AgentRig, type: string) => ofType(r.parent, type) as unknown as T[];

/** The progress events the event channel received. */
const progress = (r: AgentRig) => (r.channel as unknown as ProgressMessage[]).map((m) => m.event);

function toolResult(r: AgentRig, callId: string, content: string, over: Partial<{ isError: boolean; ms: number; at: number }> = {}) {
  r.send({ type: "TOOL.RESULT", callId, content, isError: over.isError ?? false, ms: over.ms ?? 7, at: over.at ?? 1300 });
}

describe("agent: taking a task", () => {
  it("a TASK with a grant calls the model at once: one CALL to its provider service, no STEP.REQUEST", () => {
    const r = rig({ toolTimeoutMs: 5000 });
    const g = grant({
      system: "Be brief.",
      prepend: [{ role: "user", content: "before" }],
      append: [{ role: "user", content: "after" }],
      settings: { temperature: 0.2 },
      tools: [localTool("lookup")],
    });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: g });
    expect(r.parent).toEqual([]);
    expect(r.state()).toBe("calling");
    const call = r.lastCall();
    expect(call.callId).toBe("run-1:a:1:0");
    expect(call.replyTo).toBe(address.agent(TEAM, "a"));
    expect(call.deltas).toBeUndefined();
    expect(call.request).toMatchObject({
      modelId: "sim/a",
      model: "a",
      system: "Be brief.",
      settings: { temperature: 0.2 },
      sessionId: TEAM,
    });
    expect(call.request.messages).toEqual([{ role: "user", content: "before" }, user, { role: "user", content: "after" }]);
    // The grant's tools, then the agent's own handoff tools.
    expect(call.request.tools.map((t) => t.name)).toEqual(["lookup", "transfer_to_b"]);
  });

  it("a TASK without a grant asks for one (STEP.REQUEST without a report) and calls only when granted", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user] });
    expect(r.state()).toBe("requesting");
    expect(r.calls()).toEqual([]);
    expect(r.parent).toEqual([{ type: "STEP.REQUEST", agent: "a", at: 0 }]);
    r.send({ type: "STEP.GRANT", grant: grant({ step: 4 }) });
    expect(r.lastCall().callId).toBe("run-1:a:4:0");
  });

  it("STEP.DENY sends it back to idle without a call; the next TASK starts from its own transcript", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user] });
    r.send({ type: "STEP.DENY", reason: "run ended" });
    expect(r.state()).toBe("idle");
    expect(r.calls()).toEqual([]);
    const other: Message = { role: "user", content: "something else" };
    r.send({ type: "TASK", runId: "run-2", at: 0, transcript: [other], grant: grant() });
    expect(r.lastCall().request.messages).toEqual([other]);
  });

  it("a STEP.GRANT or answer that comes while idle is ignored", () => {
    const r = rig();
    r.send({ type: "STEP.GRANT", grant: grant() });
    r.send({
      type: "CALL.DONE",
      callId: "run-1:a:1:0",
      output: { text: "x", toolCalls: [], usage: { inputTokens: 1, outputTokens: 1 }, stopReason: "stop" },
      startedAt: 0,
      at: 1,
    });
    expect(r.state()).toBe("idle");
    expect(r.calls()).toEqual([]);
    expect(r.parent).toEqual([]);
  });

  it("when someone listens (stream), the CALL names the team's event channel for text deltas", () => {
    const r = rig({ stream: true });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 2 }) });
    expect(r.lastCall().deltas).toEqual({
      channel: address.events(TEAM),
      runId: "run-1",
      teamId: TEAM,
      agent: "a",
      model: "sim/a",
      step: 2,
    });
  });

  it("a grant with typed output asks the provider for it", () => {
    const r = rig();
    const output = { name: "answer", schema: { type: "object" }, strict: true };
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ output }) });
    expect(r.lastCall().request.output).toEqual(output);
  });
});

describe("agent: answers without tool calls", () => {
  it("a text answer is the FINAL answer, with the step's record and assistant message", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 3 }) });
    r.answer({ text: "March 3", usage: { inputTokens: 12, outputTokens: 4 } }, { startedAt: 1000, at: 1400 });
    expect(r.state()).toBe("idle");
    const [final] = toParent<FinalMessage>(r, "FINAL");
    expect(final).toEqual({
      type: "FINAL",
      agent: "a",
      output: "March 3",
      at: 1400,
      done: {
        record: {
          step: 3,
          agent: "a",
          model: "sim/a",
          text: "March 3",
          toolCalls: [],
          usage: { inputTokens: 12, outputTokens: 4 },
          stopReason: "stop",
          ms: 400,
        },
        messages: [{ role: "assistant", content: "March 3", meta: { model: "sim/a", agent: "a" } }],
        // The model call's own time: from its start to its answer.
        call: { modelMs: 400 },
      },
    });
    expect(r.parent).toHaveLength(1);
  });

  it("an answer cut at the token limit with no text fails the step at once (not retried), its usage kept", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.answer({ text: "", stopReason: "length", usage: { inputTokens: 50, outputTokens: 100 } });
    const [failed] = toParent<FailedMessage>(r, "FAILED");
    expect(failed!.error.code).toBe("PROVIDER_ERROR");
    expect(failed!.error.message).toContain("output token limit");
    expect(failed!.error.details).toMatchObject({ stopReason: "length", retryable: false });
    expect(failed!.done.messages).toEqual([]);
    expect(failed!.done.record).toMatchObject({
      step: 1,
      stopReason: "error",
      usage: { inputTokens: 50, outputTokens: 100 },
      error: failed!.error,
    });
    expect(r.calls()).toHaveLength(1);
    expect(r.state()).toBe("idle");
  });

  it("an answer stopped by the content filter fails the step at once, even with text", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.answer({ text: "partial", stopReason: "content_filter" });
    const [failed] = toParent<FailedMessage>(r, "FAILED");
    expect(failed!.error.message).toContain("content filter");
    expect(failed!.error.details).toMatchObject({ stopReason: "content_filter" });
    expect(r.calls()).toHaveLength(1);
  });

  it("an answer at the token limit that has text is usable: FINAL", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.answer({ text: "the launch was on", stopReason: "length" });
    expect(toParent<FinalMessage>(r, "FINAL")[0]!.output).toBe("the launch was on");
  });
});

describe("agent: tool calls", () => {
  it("each call goes to the service that owns its tool; results are kept in call order whatever order they come in", () => {
    const r = rig({ services: [TOOLS, WEB], toolTimeoutMs: 2000 });
    const tools = [localTool("lookup"), mcpTool("web_fetch", "web", "fetch")];
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools }) });
    r.answer({
      toolCalls: [
        { id: "c1", name: "lookup", args: { q: "launch" } },
        { id: "c2", name: "web_fetch", args: { url: "https://example.com" } },
        { id: "c3", name: "lookup", args: { q: "date" } },
      ],
      stopReason: "tool_calls",
    });
    expect(r.state()).toBe("runningTools");
    const local = r.services[TOOLS] as ToolCallEvent[];
    const web = r.services[WEB] as ToolCallEvent[];
    expect(local.map((e) => [e.callId, e.name, e.args])).toEqual([
      [`${TEAM}:a#1`, "lookup", { q: "launch" }],
      [`${TEAM}:a#3`, "lookup", { q: "date" }],
    ]);
    // The MCP service knows its tool by its own name.
    expect(web).toEqual([
      {
        type: "TOOL.CALL",
        callId: `${TEAM}:a#2`,
        name: "fetch",
        args: { url: "https://example.com" },
        replyTo: address.agent(TEAM, "a"),
        runId: "run-1",
        agent: "a",
        model: "sim/a",
        idempotencyKey: "run-1:c2",
        samplingModel: "sim/a",
        timeoutMs: 2000,
      },
    ]);
    toolResult(r, `${TEAM}:a#3`, "the 3rd", { ms: 3, at: 1500 });
    toolResult(r, `${TEAM}:a#1`, "found", { ms: 5 });
    expect(r.parent).toEqual([]); // still waiting for c2
    toolResult(r, `${TEAM}:a#2`, "404", { isError: true, ms: 9 });
    const [request] = toParent<StepRequestMessage>(r, "STEP.REQUEST");
    expect(request!.at).toBe(1500);
    const done = request!.done!;
    expect(done.messages.map((m) => (m.role === "tool" ? [m.toolCallId, m.content, m.isError ?? false] : m.role))).toEqual([
      "assistant",
      ["c1", "found", false],
      ["c2", "404", true],
      ["c3", "the 3rd", false],
    ]);
    expect(done.record.toolCalls).toEqual([
      { id: "c1", name: "lookup", args: { q: "launch" }, result: "found", isError: false, ms: 5 },
      { id: "c2", name: "web_fetch", args: { url: "https://example.com" }, result: "404", isError: true, ms: 9 },
      { id: "c3", name: "lookup", args: { q: "date" }, result: "the 3rd", isError: false, ms: 3 },
    ]);
    expect(r.state()).toBe("requesting");
  });

  it("bad JSON arguments and unknown tools get an error result at once, with no message to any service", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({
      toolCalls: [
        { id: "c1", name: "lookup", args: {}, argsError: "Unexpected token" },
        { id: "c2", name: "nope", args: {} },
      ],
    });
    expect(r.services[TOOLS]).toEqual([]);
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    const [bad, unknown] = done.record.toolCalls;
    expect(bad).toMatchObject({ id: "c1", isError: true });
    expect(bad!.result).toContain("not valid JSON (Unexpected token)");
    expect(unknown).toMatchObject({ id: "c2", isError: true });
    expect(unknown!.result).toBe('Error: unknown tool "nope". Available tools: lookup, transfer_to_b.');
  });

  it("a tool whose service is not running gets an error result naming the service", () => {
    const r = rig({ services: [] });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    expect(done.record.toolCalls[0]).toMatchObject({ isError: true, result: `Error: the service for lookup (${TOOLS}) is not running.` });
  });

  it("a TOOL.RESULT for a call it does not wait for is ignored", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    toolResult(r, "someone-else#9", "stray");
    expect(r.state()).toBe("runningTools");
    toolResult(r, `${TEAM}:a#1`, "mine");
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    expect(done.record.toolCalls.map((c) => c.result)).toEqual(["mine"]);
  });

  it("a result with content parts keeps them in the transcript and in the record", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("shot")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "shot", args: {} }] });
    const parts = [
      { type: "text" as const, text: "a chart" },
      { type: "image" as const, data: "iVBORw0KGgo=", mediaType: "image/png" },
    ];
    r.send({ type: "TOOL.RESULT", callId: `${TEAM}:a#1`, content: parts, isError: false, ms: 1, at: 1300 });
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    expect(done.messages[1]).toMatchObject({ role: "tool", content: parts });
    expect(done.record.toolCalls[0]).toMatchObject({ result: "a chart\n[image]", parts });
  });
});

describe("agent: a grant that covers several steps", () => {
  it("STEP.DONE between steps and the next call at once; STEP.REQUEST with the last report when the grant is used up", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 1, steps: 2, tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] }, { startedAt: 1000, at: 1100 });
    toolResult(r, `${TEAM}:a#1`, "one", { at: 1150 });
    const [done1] = toParent<StepDoneMessage>(r, "STEP.DONE");
    expect(done1).toMatchObject({ agent: "a", at: 1150, done: { record: { step: 1, ms: 150 } } });
    // Step 2 goes out at once, under the same grant, and sees step 1.
    expect(r.state()).toBe("calling");
    const second = r.lastCall();
    expect(second.callId).toBe("run-1:a:2:0");
    expect(second.request.messages).toEqual([user, ...done1!.done.messages]);
    r.answer({ toolCalls: [{ id: "c2", name: "lookup", args: {} }] }, { startedAt: 1200, at: 1250 });
    toolResult(r, `${TEAM}:a#2`, "two", { at: 1260 });
    expect(toParent(r, "STEP.DONE")).toHaveLength(1);
    const [request] = toParent<StepRequestMessage>(r, "STEP.REQUEST");
    expect(request).toMatchObject({ agent: "a", at: 1260, done: { record: { step: 2, ms: 60 } } });
    expect(r.state()).toBe("requesting");
    // The next grant: its step comes from the supervisor; the transcript holds both steps.
    r.send({ type: "STEP.GRANT", grant: grant({ step: 3, steps: 1 }) });
    const third = r.lastCall();
    expect(third.callId).toBe("run-1:a:3:0");
    expect(third.request.messages).toEqual([user, ...done1!.done.messages, ...request!.done!.messages]);
    expect(findTranscriptProblems(third.request.messages)).toEqual([]);
    r.answer({ text: "done" });
    expect(toParent<FinalMessage>(r, "FINAL")[0]!.done.record.step).toBe(3);
  });

  it("a final answer ends the grant early: FINAL, no STEP.DONE", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ steps: 5 }) });
    r.answer({ text: "done" });
    expect(r.parent.map((m) => m.type)).toEqual(["FINAL"]);
  });
});

describe("agent: handoffs", () => {
  it("a transfer call is the HANDOFF, with its step report; the other calls of the answer run first", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ steps: 3, tools: [localTool("lookup")] }) });
    r.answer({
      toolCalls: [
        { id: "h1", name: "transfer_to_b", args: { reason: "b writes", task: "write it up" } },
        { id: "c1", name: "lookup", args: {} },
      ],
    });
    expect(r.parent).toEqual([]);
    expect(r.services[TOOLS]).toHaveLength(1);
    toolResult(r, `${TEAM}:a#1`, "facts");
    const [handoff] = toParent<HandoffMessage>(r, "HANDOFF");
    expect(handoff).toMatchObject({ agent: "a", to: "b", reason: "b writes", task: "write it up" });
    expect(handoff!.done.messages.slice(1)).toEqual([
      { role: "tool", toolCallId: "h1", name: "transfer_to_b", content: "Transferred to b. It takes over the task from here." },
      { role: "tool", toolCallId: "c1", name: "lookup", content: "facts" },
    ]);
    expect(r.parent).toHaveLength(1);
    expect(r.state()).toBe("idle");
  });

  it("a second handoff in one answer gets an error result; the first wins", () => {
    const r = rig({
      peers: [
        { name: "b", description: "" },
        { name: "c", description: "" },
      ],
    });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.answer({
      toolCalls: [
        { id: "h1", name: "transfer_to_c", args: {} },
        { id: "h2", name: "transfer_to_b", args: { reason: "no, b" } },
      ],
    });
    const [handoff] = toParent<HandoffMessage>(r, "HANDOFF");
    expect(handoff).toMatchObject({ to: "c", reason: "", task: "" });
    const second = handoff!.done.record.toolCalls[1]!;
    expect(second).toMatchObject({ id: "h2", isError: true });
    expect(second.result).toContain("only one handoff per message");
    expect(second.result).toContain("already goes to c");
  });

  it("a transfer to an agent it may not hand off to is an unknown tool", () => {
    const r = rig({ peers: [] });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    expect(r.lastCall().request.tools).toEqual([]);
    r.answer({ toolCalls: [{ id: "h1", name: "transfer_to_b", args: {} }] });
    expect(toParent(r, "HANDOFF")).toEqual([]);
    expect(toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!.record.toolCalls[0]).toMatchObject({ isError: true });
  });
});

describe("agent: delegation", () => {
  it("an ask_ call goes to the parent as DELEGATE; the parent's TOOL.RESULT joins the step as that call's result", () => {
    const r = rig({ handoffMode: "delegate" });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    expect(r.lastCall().request.tools.map((t) => t.name)).toEqual(["ask_b"]);
    r.answer({ toolCalls: [{ id: "d1", name: "ask_b", args: { task: "summarise" } }] }, { at: 1200 });
    expect(r.parent).toEqual([
      { type: "DELEGATE", callId: `${TEAM}:a#1`, from: "a", to: "b", task: "summarise", toolCallId: "d1", at: 1200 },
    ]);
    r.send({ type: "TOOL.RESULT", callId: `${TEAM}:a#1`, content: "the summary", isError: false, ms: 40, at: 1300 });
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    expect(done.messages[1]).toEqual({ role: "tool", toolCallId: "d1", name: "ask_b", content: "the summary" });
    expect(done.record.toolCalls[0]).toMatchObject({ result: "the summary", ms: 40 });
  });

  it("an ask_ call without a task gets an error result, no DELEGATE", () => {
    const r = rig({ handoffMode: "delegate" });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.answer({ toolCalls: [{ id: "d1", name: "ask_b", args: {} }] });
    expect(toParent(r, "DELEGATE")).toEqual([]);
    expect(toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!.record.toolCalls[0]!.result).toContain('needs a "task"');
  });

  it("working on a delegated task it offers no handoff or ask tools, and an ask_ call is an unknown tool", () => {
    const r = rig({ handoffMode: "both" });
    r.send({
      type: "TASK",
      runId: "run-1",
      transcript: [{ role: "user", content: "summarise" }],
      grant: grant({ tools: [localTool("lookup")] }),
      delegation: { callId: "T:b#1", from: "b" },
    });
    expect(r.lastCall().request.tools.map((t) => t.name)).toEqual(["lookup"]);
    r.answer({ toolCalls: [{ id: "d1", name: "ask_b", args: { task: "more" } }] });
    expect(toParent(r, "DELEGATE")).toEqual([]);
    expect(toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!.record.toolCalls[0]!.result).toBe(
      'Error: unknown tool "ask_b". Available tools: lookup.',
    );
  });
});

describe("agent: failed calls and retries", () => {
  const retry = { maxRetries: 2, baseDelayMs: 100, maxDelayMs: 1000 };

  it("a retryable failure is retried after a doubling backoff, each attempt with its own call id", () => {
    const r = rig({ retry });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail(retryable(), { startedAt: 1000, at: 1010 });
    expect(r.state()).toBe("backoff");
    r.clock.increment(99);
    expect(r.calls()).toHaveLength(1);
    r.clock.increment(1);
    expect(r.calls().map((c) => c.callId)).toEqual(["run-1:a:1:0", "run-1:a:1:1"]);
    r.fail(retryable(), { startedAt: 1110, at: 1120 });
    r.clock.increment(199);
    expect(r.calls()).toHaveLength(2);
    r.clock.increment(1);
    expect(r.lastCall().callId).toBe("run-1:a:1:2");
    // Every attempt asks for the same thing.
    expect(new Set(r.calls().map((c) => JSON.stringify(c.request))).size).toBe(1);
    r.answer({ text: "at last" }, { startedAt: 1320, at: 1400 });
    const [final] = toParent<FinalMessage>(r, "FINAL");
    // The step's time runs from its first attempt.
    expect(final!.done.record.ms).toBe(400);
    expect(r.parent).toHaveLength(1);
  });

  it("retries spent: FAILED with the last error and a failed step record", () => {
    const r = rig({ retry: { ...retry, maxRetries: 1 } });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 2 }) });
    r.fail(retryable("503 first"), { startedAt: 1000, at: 1010 });
    r.clock.increment(100);
    r.fail(retryable("503 second"), { startedAt: 1110, at: 1150 });
    expect(r.calls()).toHaveLength(2);
    const [failed] = toParent<FailedMessage>(r, "FAILED");
    expect(failed).toMatchObject({ agent: "a", at: 1150, error: { code: "PROVIDER_ERROR", message: "503 second" } });
    expect(failed!.done).toEqual({
      record: {
        step: 2,
        agent: "a",
        model: "sim/a",
        text: "",
        toolCalls: [],
        usage: { inputTokens: 0, outputTokens: 0 },
        stopReason: "error",
        ms: 150,
        error: failed!.error,
      },
      messages: [],
    });
    expect(r.state()).toBe("idle");
  });

  it("a Retry-After within maxDelayMs is the wait", () => {
    const r = rig({ retry });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail(retryable("429", 700));
    r.clock.increment(699);
    expect(r.calls()).toHaveLength(1);
    r.clock.increment(1);
    expect(r.calls()).toHaveLength(2);
  });

  it("a Retry-After over maxDelayMs fails at once with a PROVIDER_ERROR naming the wait", () => {
    const r = rig({ retry });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail(retryable("429 slow down", 3_600_000));
    const [failed] = toParent<FailedMessage>(r, "FAILED");
    expect(failed!.error.code).toBe("PROVIDER_ERROR");
    expect(failed!.error.message).toContain("429 slow down");
    expect(failed!.error.message).toContain("retry after 3600 s");
    expect(failed!.error.message).toContain("retry.maxDelayMs (1000 ms)");
    expect(failed!.error.details).toMatchObject({ retryable: false, retryAfterMs: 3_600_000 });
    expect(failed!.done.record.error).toEqual(failed!.error);
    r.clock.increment(10_000_000);
    expect(r.calls()).toHaveLength(1);
  });

  it("a failure that is not retryable fails at once", () => {
    const r = rig({ retry });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail({ code: "PROVIDER_ERROR", message: "401 bad key", details: { retryable: false } });
    expect(toParent<FailedMessage>(r, "FAILED")[0]!.error.message).toBe("401 bad key");
    expect(r.calls()).toHaveLength(1);
  });

  it("with no provider service running, the step fails with INTERNAL naming it", () => {
    const r = rig({ provider: false });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    const [failed] = toParent<FailedMessage>(r, "FAILED");
    expect(failed!.error).toMatchObject({ code: "INTERNAL", message: "The provider service provider:sim is not running." });
  });

  it("an answer to an earlier attempt (after its failure) is ignored", () => {
    const r = rig({ retry });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail(retryable());
    r.clock.increment(100);
    r.answer({ text: "late, from attempt 0" }, { callId: "run-1:a:1:0" });
    expect(r.parent).toEqual([]);
    expect(r.state()).toBe("calling");
    r.answer({ text: "attempt 1" });
    expect(toParent<FinalMessage>(r, "FINAL")[0]!.output).toBe("attempt 1");
  });

  it("when streaming, each retry is reported to the event channel (step.retry)", () => {
    const r = rig({ retry, stream: true });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 5 }) });
    const error = retryable();
    r.fail(error);
    expect(r.channel).toEqual([
      {
        type: "PROGRESS",
        event: { type: "step.retry", runId: "run-1", agent: "a", model: "sim/a", step: 5, attempt: 1, delayMs: 100, error },
      },
    ]);
  });
});

describe("agent: cancel", () => {
  it("while calling: CALL.ABORT for the call in flight, back to idle; the late answer is ignored and nothing is reported", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 2 }) });
    r.send({ type: "CANCEL" });
    expect(r.state()).toBe("idle");
    expect(ofType(r.provider, "CALL.ABORT")).toEqual([{ type: "CALL.ABORT", callId: "run-1:a:2:0" }]);
    r.answer({ text: "too late" }, { callId: "run-1:a:2:0" });
    expect(r.parent).toEqual([]);
  });

  it("while tools run: TOOL.CANCEL to each service with a call in flight (none for answered calls or delegations)", () => {
    const r = rig({ services: [TOOLS, WEB], handoffMode: "both" });
    r.send({
      type: "TASK",
      runId: "run-1",
      at: 0,
      transcript: [user],
      grant: grant({ tools: [localTool("lookup"), mcpTool("fetch", "web")] }),
    });
    r.answer({
      toolCalls: [
        { id: "c1", name: "lookup", args: {} },
        { id: "c2", name: "fetch", args: {} },
        { id: "c3", name: "ask_b", args: { task: "help" } },
        { id: "c4", name: "lookup", args: {} },
      ],
    });
    toolResult(r, `${TEAM}:a#4`, "answered");
    r.send({ type: "CANCEL" });
    expect(r.state()).toBe("idle");
    expect(ofType(r.services[TOOLS]!, "TOOL.CANCEL")).toEqual([{ type: "TOOL.CANCEL", callId: `${TEAM}:a#1` }]);
    expect(ofType(r.services[WEB]!, "TOOL.CANCEL")).toEqual([{ type: "TOOL.CANCEL", callId: `${TEAM}:a#2` }]);
    // The results that still come change nothing.
    toolResult(r, `${TEAM}:a#1`, "late");
    r.send({ type: "TOOL.RESULT", callId: `${TEAM}:a#3`, content: "late answer", isError: false, ms: 1, at: 2000 });
    expect(r.parent.map((m) => m.type)).toEqual(["DELEGATE"]);
  });

  it("during a backoff: the retry never happens", () => {
    const r = rig({ retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 1000 } });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant() });
    r.fail(retryable());
    r.send({ type: "CANCEL" });
    r.clock.increment(10_000);
    expect(r.calls()).toHaveLength(1);
    expect(r.parent).toEqual([]);
    expect(r.state()).toBe("idle");
  });

  it("while waiting for a grant: back to idle; a grant that still comes is ignored", () => {
    const r = rig();
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user] });
    r.send({ type: "CANCEL" });
    r.send({ type: "STEP.GRANT", grant: grant() });
    expect(r.calls()).toEqual([]);
    expect(r.state()).toBe("idle");
  });

  it("after a cancel the next run works, and a late answer from the cancelled run is ignored", () => {
    const r = rig({ services: [TOOLS] });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    r.send({ type: "CANCEL" });
    r.send({ type: "TASK", runId: "run-2", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ text: "late" }, { callId: "run-1:a:1:0" });
    expect(r.state()).toBe("calling");
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    // Correlation ids go on counting across tasks: the cancelled call's late result cannot answer the new one.
    expect(ofType(r.services[TOOLS]!, "TOOL.CALL").map((e) => e.callId)).toEqual([`${TEAM}:a#1`, `${TEAM}:a#2`]);
    toolResult(r, `${TEAM}:a#1`, "late, from run-1");
    expect(r.state()).toBe("runningTools");
    toolResult(r, `${TEAM}:a#2`, "fresh");
    expect(toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!.record.toolCalls[0]!.result).toBe("fresh");
  });
});

describe("agent: tool call ids", () => {
  it("ids repeated in one answer or already in the transcript are made unique; each call gets its own result", () => {
    const r = rig();
    const earlier: Message[] = [
      user,
      { role: "assistant", content: "", toolCalls: [{ id: "call_0", name: "lookup", args: {} }] },
      { role: "tool", toolCallId: "call_0", name: "lookup", content: "old" },
    ];
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: earlier, grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({
      toolCalls: [
        { id: "call_0", name: "lookup", args: { n: 1 } },
        { id: "call_0", name: "lookup", args: { n: 2 } },
        { id: "call_1", name: "lookup", args: { n: 3 } },
      ],
    });
    const sent = ofType(r.services[TOOLS]!, "TOOL.CALL") as unknown as ToolCallEvent[];
    expect(sent.map((e) => e.idempotencyKey)).toEqual(["run-1:call_0_2", "run-1:call_0_3", "run-1:call_1"]);
    for (const [i, e] of sent.entries()) toolResult(r, e.callId, `result ${i + 1}`);
    const done = toParent<StepRequestMessage>(r, "STEP.REQUEST")[0]!.done!;
    expect(done.record.toolCalls.map((c) => [c.id, c.result])).toEqual([
      ["call_0_2", "result 1"],
      ["call_0_3", "result 2"],
      ["call_1", "result 3"],
    ]);
    expect(findTranscriptProblems([...earlier, ...done.messages])).toEqual([]);
  });
});

describe("agent: progress on the event channel (streaming)", () => {
  it("tool.called for each call as it goes out and tool.result as each comes back, tagged with run, agent and step", () => {
    const r = rig({ stream: true });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ step: 2, tools: [localTool("lookup")] }) });
    r.answer({
      toolCalls: [
        { id: "c1", name: "lookup", args: { q: 1 } },
        { id: "c2", name: "nope", args: {} },
        { id: "h1", name: "transfer_to_b", args: {} },
      ],
    });
    toolResult(r, `${TEAM}:a#1`, "found", { ms: 4 });
    const events = progress(r);
    const tag = { runId: "run-1", agent: "a", model: "sim/a", step: 2 };
    expect(events).toEqual([
      { type: "tool.called", ...tag, callId: "c1", name: "lookup", args: { q: 1 }, source: "local" },
      { type: "tool.called", ...tag, callId: "c2", name: "nope", args: {}, source: "local" },
      expect.objectContaining({ type: "tool.result", ...tag, callId: "c2", isError: true, source: "local" }),
      { type: "tool.result", ...tag, callId: "c1", name: "lookup", content: "found", isError: false, ms: 4, source: "local" },
    ]);
  });

  it("without a listener (runner.run) nothing goes to the channel", () => {
    const r = rig({ stream: false });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    toolResult(r, `${TEAM}:a#1`, "found");
    expect(r.channel).toEqual([]);
  });

  // BUG (machines/agent/agent.ts, dispatchToolCalls): a call whose service is not running is
  // announced with tool.called, but its immediate error outcome is added after the progress
  // loop, so no tool.result is ever sent for it: a listener sees a call that never ends.
  it("a call whose service is not running is announced and answered (tool.called, then tool.result)", () => {
    const r = rig({ stream: true, services: [] });
    r.send({ type: "TASK", runId: "run-1", at: 0, transcript: [user], grant: grant({ tools: [localTool("lookup")] }) });
    r.answer({ toolCalls: [{ id: "c1", name: "lookup", args: {} }] });
    const types = progress(r).map((e) => e.type);
    expect(types).toEqual(["tool.called", "tool.result"]);
  });
});
