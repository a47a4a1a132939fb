/**
 * OpenTelemetry spans of real runs (sim models, the real actor system), exported by the SDK's
 * in-memory exporter: the GenAI span tree, its attributes and parenting, content capture, MCP
 * tool calls through the real server-everything, policies, failures, and the no-SDK case.
 */
import { context, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { createOtelObserver, isBatonError } from "../../src/index.js";
import type { SimRequest } from "../../src/sim/index.js";
import { EVERYTHING, NODE } from "../mcp/harness.js";
import { memoryTracing, observedRun, spanTree, TEAM_RUN, TEAM_SCRIPTS } from "./support.js";

const attr = (span: ReadableSpan, key: string) => span.attributes[key];
const ms = (t: [number, number]) => t[0] * 1e3 + t[1] / 1e6;

afterEach(() => {
  trace.disable();
  context.disable();
});

describe("OpenTelemetry GenAI spans", () => {
  it("a run with a retry, a tool call, a delegation and a handoff makes the GenAI span tree", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const result = await observedRun([observer]);
    expect(result.status).toBe("completed");
    const all = spans();
    const tree = spanTree(all);

    const run = tree.one("invoke_workflow baton");
    expect(tree.parentOf(run)).toBeUndefined();
    expect(run.attributes).toMatchObject({
      "gen_ai.operation.name": "invoke_workflow",
      "gen_ai.workflow.name": "baton",
      "baton.run.id": result.runId,
      "baton.run.status": "completed",
      "baton.run.steps": 4,
      "baton.usage.input_tokens": result.usage.inputTokens,
      "baton.usage.output_tokens": result.usage.outputTokens,
    });

    const lead = tree.one("invoke_agent sim/lead");
    const researcher = tree.one("invoke_agent sim/researcher");
    const writer = tree.one("invoke_agent sim/writer");
    expect(tree.parentOf(lead)).toBe(run);
    expect(tree.parentOf(writer)).toBe(run);
    for (const agent of [lead, researcher, writer]) {
      expect(agent.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.provider.name": "sim" });
    }
    expect(attr(lead, "gen_ai.agent.name")).toBe("sim/lead");

    // The model calls: one span per call, retries inside it, on the agent whose turn it is.
    const chats = tree.named("chat lead");
    expect(chats.map((s) => attr(s, "baton.step"))).toEqual([1, 3]);
    for (const chat of chats) expect(tree.parentOf(chat)).toBe(lead);
    const [first, second] = chats as [ReadableSpan, ReadableSpan];
    const step1 = result.steps.find((s) => s.step === 1)!;
    expect(first.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "sim",
      "gen_ai.request.model": "lead",
      "gen_ai.agent.name": "sim/lead",
      "gen_ai.request.stream": true,
      "baton.retries": 1,
      "gen_ai.response.finish_reasons": ["tool_call"],
      "gen_ai.usage.input_tokens": step1.usage.inputTokens,
      "gen_ai.usage.output_tokens": step1.usage.outputTokens,
    });
    expect(first.events.map((e) => e.name)).toEqual(["baton.retry"]);
    expect(first.events[0]!.attributes).toMatchObject({
      "baton.retry.attempt": 1,
      "error.type": "503",
      "baton.error.message": "sim/lead: overloaded",
    });
    expect(attr(second, "baton.retries")).toBe(0);
    expect(first.kind).toBe(2); // CLIENT

    // Tool calls are siblings of the model calls; the delegate's turn runs inside its ask_ call.
    const lookup = tree.one("execute_tool lookup");
    expect(tree.parentOf(lookup)).toBe(lead);
    expect(lookup.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup",
      "gen_ai.tool.call.id": step1.toolCalls[0]!.id,
      "gen_ai.tool.type": "function",
    });
    // The model call ends when the answer arrives, not when the tools it asked for are done.
    expect(ms(first.endTime)).toBeLessThanOrEqual(ms(lookup.startTime) + 1);
    const ask = tree.one("execute_tool ask_sim_researcher");
    expect(tree.parentOf(ask)).toBe(lead);
    expect(attr(ask, "baton.delegation.to")).toBe("sim/researcher");
    expect(tree.parentOf(researcher)).toBe(ask);
    const researcherChat = tree.one("chat researcher");
    expect(tree.parentOf(researcherChat)).toBe(researcher);
    expect(ms(researcher.endTime)).toBeLessThanOrEqual(ms(ask.endTime));
    expect(tree.parentOf(tree.one("chat writer"))).toBe(writer);

    // The handoff: an event on the run and on the turn it ended; the next turn starts after it.
    const handoff = run.events.find((e) => e.name === "baton.handoff");
    expect(handoff?.attributes).toMatchObject({
      "baton.handoff.from": "sim/lead",
      "baton.handoff.to": "sim/writer",
      "baton.handoff.reason": "the research is done",
      "baton.handoff.by": "model",
    });
    expect(lead.events.map((e) => e.name)).toContain("baton.handoff");
    expect(ms(writer.startTime)).toBeGreaterThanOrEqual(ms(lead.endTime) - 1);

    // Every span is in the run's trace, and usage adds up per turn.
    expect(new Set(all.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(all).toHaveLength(10);
    expect(attr(lead, "gen_ai.usage.input_tokens")).toBe(result.usage.byModel["sim/lead"]!.inputTokens);
    // No content without captureContent.
    for (const span of all) {
      for (const key of Object.keys(span.attributes)) {
        expect(key).not.toMatch(/messages|system_instructions|call\.arguments|call\.result|handoff\.task/);
      }
    }
  });

  it("captureContent records prompts, answers, tool arguments and results in the conventions' JSON shapes", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test"), captureContent: true });
    const result = await observedRun([observer]);
    const tree = spanTree(spans());
    const [first] = tree.named("chat lead") as [ReadableSpan];
    expect(JSON.parse(attr(first, "gen_ai.system_instructions") as string)).toEqual([{ type: "text", content: TEAM_RUN.instructions }]);
    expect(JSON.parse(attr(first, "gen_ai.input.messages") as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: TEAM_RUN.input }] },
    ]);
    const step = result.steps.find((s) => s.step === 1)!;
    expect(JSON.parse(attr(first, "gen_ai.output.messages") as string)).toEqual([
      {
        role: "assistant",
        parts: [
          { type: "text", content: step.text },
          ...step.toolCalls.map((c) => ({ type: "tool_call", id: c.id, name: c.name, arguments: c.args })),
        ],
        finish_reason: "tool_call",
      },
    ]);
    const lookup = tree.one("execute_tool lookup");
    expect(JSON.parse(attr(lookup, "gen_ai.tool.call.arguments") as string)).toEqual({ topic: "probe" });
    expect(attr(lookup, "gen_ai.tool.call.result")).toBe("FACT: the probe launched on 2026-05-01.");
    const writerInput = JSON.parse(attr(tree.one("chat writer"), "gen_ai.input.messages") as string) as Array<{
      role: string;
      parts: unknown[];
    }>;
    expect(writerInput.map((m) => m.role)).toEqual(["user", "assistant", "tool", "tool", "assistant", "tool"]);
    expect(writerInput[2]!.parts).toEqual([
      { type: "tool_call_response", id: step.toolCalls[0]!.id, result: "FACT: the probe launched on 2026-05-01." },
    ]);
    const run = tree.one("invoke_workflow baton");
    expect(JSON.parse(attr(run, "gen_ai.output.messages") as string)[0].parts[0].content).toBe(result.finalOutput);
    expect(run.events.find((e) => e.name === "baton.handoff")?.attributes?.["baton.handoff.task"]).toBe("Write the report");
  });

  it("an MCP tool call through server-everything gets MCP attributes, and its trace context is there for the MCP client when it calls", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const handed: Array<{ server: string; traceparent?: string }> = [];
    const mcpSide = {
      onEvent: () => undefined,
      // What the MCP service does with a TOOL.CALL it receives: ask the observer for the call's context.
      onInspect: (e: Parameters<NonNullable<Parameters<typeof observedRun>[0][number]["onInspect"]>>[0]) => {
        if (e.type !== "@xstate.event" || e.event.type !== "TOOL.CALL") return;
        const target = (e.actorRef as { systemId?: string }).systemId ?? "";
        if (!target.startsWith("mcp:")) return;
        const call = e.event as unknown as { runId: string; agent: string; name: string; idempotencyKey: string };
        const found = observer.traceContextFor(call);
        handed.push({ server: target.slice(4), ...(found ? { traceparent: found.traceparent } : {}) });
      },
    };
    const scripts = {
      a: (request: SimRequest) =>
        request.messages.some((m) => m.role === "tool") ? { text: "echoed" } : { toolCalls: [{ name: "echo", args: { message: "hi" } }] },
    };
    const result = await observedRun(
      [observer, mcpSide],
      { input: "echo hi", model: "sim/a", mcpServers: [{ command: NODE, args: [EVERYTHING, "stdio"], name: "everything" }] },
      scripts,
    );
    expect(result.finalOutput).toBe("echoed");
    const tree = spanTree(spans());
    const echo = tree.one("execute_tool echo");
    expect(tree.parentOf(echo)).toBe(tree.one("invoke_agent sim/a"));
    expect(echo.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "echo",
      "gen_ai.tool.type": "extension",
      "mcp.method.name": "tools/call",
      "baton.mcp.server": "everything",
    });
    expect(echo.status.code).toBe(SpanStatusCode.UNSET);
    const { traceId, spanId } = echo.spanContext();
    expect(handed).toEqual([{ server: "everything", traceparent: `00-${traceId}-${spanId}-01` }]);
  });

  it("a policy that moves the task and then stops the run shows as policy decision events", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const result = await observedRun(
      [observer],
      {
        input: "go",
        model: ["sim/a", "sim/b"],
        policy: (ctx) => (ctx.step === 2 && ctx.model === "sim/a" ? { model: "sim/b" } : ctx.step === 3 ? { stop: "enough" } : {}),
      },
      { a: [{ text: "", toolCalls: [{ name: "nothing" }] }], b: [{ text: "b was here", toolCalls: [{ name: "nothing" }] }] },
    );
    expect(result.status).toBe("stopped");
    const tree = spanTree(spans());
    const run = tree.one("invoke_workflow baton");
    const decisions = run.events.filter((e) => e.name === "baton.policy.decision").map((e) => e.attributes);
    expect(decisions).toEqual([
      { "baton.policy.action": "decide", "baton.policy.model": "sim/b" },
      { "baton.policy.action": "move", "baton.policy.agent": "sim/b" },
      { "baton.policy.action": "decide", "baton.policy.stop": "enough" },
      { "baton.policy.action": "stop", "baton.policy.reason": "enough" },
    ]);
    expect(run.events.find((e) => e.name === "baton.handoff")?.attributes).toMatchObject({ "baton.handoff.by": "policy" });
    expect(tree.parentOf(tree.one("invoke_agent sim/b"))).toBe(run);
    expect(attr(run, "baton.run.status")).toBe("stopped");
  });

  it("a failed run ends every open span with an error status", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const failure = await observedRun(
      [observer],
      { input: "go", model: "sim/a" },
      { a: [{ fault: { status: 400, message: "bad request" } }] },
    ).catch((error: unknown) => error);
    expect(isBatonError(failure) && failure.code).toBe("PROVIDER_ERROR");
    const tree = spanTree(spans());
    for (const name of ["invoke_workflow baton", "invoke_agent sim/a", "chat a"]) {
      const span = tree.one(name);
      expect(span.status).toMatchObject({ code: SpanStatusCode.ERROR, message: "sim/a: bad request" });
      expect(attr(span, "error.type")).toBe("400");
    }
  });

  it("without progress events (runner.run sends none) tool spans come from the actor messages, timed by them", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const noProgress = {
      onEvent: (e: Parameters<typeof observer.onEvent>[0]) => {
        if (e.type !== "tool.called" && e.type !== "tool.result" && e.type !== "text.delta") observer.onEvent(e);
      },
      onInspect: observer.onInspect,
    };
    await observedRun([noProgress]);
    const tree = spanTree(spans());
    const lookup = tree.one("execute_tool lookup");
    expect(tree.parentOf(lookup)).toBe(tree.one("invoke_agent sim/lead"));
    expect(attr(lookup, "gen_ai.tool.call.id")).toBe("call_1_0");
    // Ended when its result reached the agent: the tool sleeps 15 ms, the run goes on for much longer.
    const duration = ms(lookup.endTime) - ms(lookup.startTime);
    expect(duration).toBeGreaterThanOrEqual(14);
    expect(ms(lookup.endTime)).toBeLessThan(ms(tree.one("chat lead", 1).startTime));
  });

  it("close() ends the spans of a run it never saw finish, marked as cut short", async () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    // Everything up to the handoff reaches the observer; then the process "goes away".
    let cut = false;
    const upToHandoff = {
      onEvent: (e: Parameters<typeof observer.onEvent>[0]) => {
        if (e.type === "handoff") cut = true;
        if (!cut) observer.onEvent(e);
      },
      onInspect: observer.onInspect,
    };
    await observedRun([upToHandoff]);
    expect(spans().map((s) => s.name)).not.toContain("invoke_workflow baton");
    observer.close();
    const tree = spanTree(spans());
    for (const name of ["invoke_workflow baton", "invoke_agent sim/lead"]) {
      expect(tree.one(name).status).toMatchObject({ code: SpanStatusCode.ERROR, message: "The observer was closed before the run ended." });
      expect(attr(tree.one(name), "error.type")).toBe("CLOSED");
    }
    expect(tree.named("chat lead")).toHaveLength(2);
  });

  it("uses the fields the core is adding (named agents, response model, model time, MCP server, delegate, policy) when events carry them", () => {
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const tag = { runId: "r1", teamId: "t1" };
    const usage = { inputTokens: 10, outputTokens: 5 };
    const record = (step: number, model: string) => ({ step, model, text: "", toolCalls: [], usage, stopReason: "stop" as const, ms: 500 });
    const events = [
      {
        type: "run.started",
        ...tag,
        input: "go",
        models: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"],
        model: "openai/gpt-4o-mini",
        agent: "triage",
        conversationId: "conv-7",
        agents: [
          { name: "triage", model: "openai/gpt-4o-mini", description: "Routes requests" },
          { name: "writer", model: "anthropic/claude-sonnet-4-20250514" },
        ],
      },
      {
        type: "step.started",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        policy: { messageAppend: "be brief", maxSteps: 5 },
      },
      {
        type: "tool.called",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        callId: "c1",
        name: "search",
        args: {},
        mcpServer: "web",
      },
      {
        type: "tool.called",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        callId: "c2",
        name: "ask_writer_2",
        args: {},
        delegateTo: "writer",
      },
      { type: "step.started", ...tag, model: "anthropic/claude-sonnet-4-20250514", agent: "writer", step: 2 },
      {
        type: "step.finished",
        ...tag,
        model: "anthropic/claude-sonnet-4-20250514",
        agent: "writer",
        step: 2,
        record: record(2, "anthropic/claude-sonnet-4-20250514"),
      },
      {
        type: "tool.result",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        callId: "c2",
        name: "ask_writer_2",
        content: "ok",
        isError: false,
        ms: 3,
      },
      {
        type: "tool.result",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        callId: "c1",
        name: "search",
        content: "x",
        isError: false,
        ms: 3,
      },
      {
        type: "step.finished",
        ...tag,
        model: "openai/gpt-4o-mini",
        agent: "triage",
        step: 1,
        record: { ...record(1, "openai/gpt-4o-mini"), responseModel: "gpt-4o-mini-2024-07-18", responseId: "chatcmpl-1", modelMs: 40 },
      },
    ];
    for (const event of events) observer.onEvent(event as never);
    observer.close();
    const tree = spanTree(spans());
    const run = tree.one("invoke_workflow baton");
    expect(attr(run, "gen_ai.conversation.id")).toBe("conv-7");
    const triage = tree.one("invoke_agent triage");
    expect(triage.attributes).toMatchObject({
      "gen_ai.agent.name": "triage",
      "gen_ai.agent.description": "Routes requests",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
    });
    expect(triage.events.find((e) => e.name === "baton.policy.decision")?.attributes).toEqual({
      "baton.policy.action": "decide",
      "baton.policy.messageAppend": true,
      "baton.policy.maxSteps": 5,
    });
    const chat = tree.one("chat gpt-4o-mini");
    expect(chat.attributes).toMatchObject({ "gen_ai.response.model": "gpt-4o-mini-2024-07-18", "gen_ai.response.id": "chatcmpl-1" });
    expect(ms(chat.endTime) - ms(chat.startTime)).toBeCloseTo(40, 0);
    expect(tree.one("execute_tool search").attributes).toMatchObject({ "baton.mcp.server": "web", "mcp.method.name": "tools/call" });
    const ask = tree.one("execute_tool ask_writer_2");
    expect(attr(ask, "baton.delegation.to")).toBe("writer");
    expect(tree.parentOf(tree.one("invoke_agent writer"))).toBe(ask);
    expect(tree.one("invoke_agent writer").attributes).toMatchObject({ "gen_ai.provider.name": "anthropic" });
  });

  it("the run span is a child of the caller's active span (a request handler's trace continues into the run)", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { provider, spans } = memoryTracing();
    const tracer = provider.getTracer("test");
    const observer = createOtelObserver({ tracer });
    await tracer.startActiveSpan("POST /ask", async (request: Span) => {
      await observedRun([observer], { input: "hi", model: "sim/a" }, { a: [{ text: "hello" }] });
      request.end();
    });
    const tree = spanTree(spans());
    expect(tree.parentOf(tree.one("invoke_workflow baton"))).toBe(tree.one("POST /ask"));
  });

  it("uses the globally registered provider by default; with none registered it makes nothing and hands out no context", async () => {
    const silent = createOtelObserver();
    const result = await observedRun([silent], { input: "hi", model: "sim/a" }, { a: [{ text: "hello" }] });
    expect(silent.traceContextFor({ runId: result.runId, agent: "sim/a", name: "x", toolCallId: "c1" })).toBeUndefined();

    const { provider, spans } = memoryTracing();
    trace.setGlobalTracerProvider(provider);
    const observer = createOtelObserver();
    await observedRun([observer], TEAM_RUN, TEAM_SCRIPTS);
    expect(spans().map((s) => s.name)).toContain("invoke_workflow baton");
  });
});
