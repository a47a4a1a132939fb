/**
 * What the viewer computes from a trace, without a browser: real SDKs against the sim server
 * (prices from the catalog, OpenAI → Anthropic handoff, GenAI provider names), a team's runs
 * in one file, a trace of events only, and a failed run.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createOtelObserver, createTraceRecorder, Runner, renderTraceHtml, type TraceRecord } from "../../src/index.js";
import { parseTrace } from "../../src/observability/records.js";
import { buildTraceView } from "../../src/observability/timeline.js";
import { type SimServer, startSimServer } from "../../src/sim/index.js";
import { lookup, memoryTracing, observedRun, spanTree } from "./support.js";

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function memoryRecorder(options: { inspect?: boolean } = {}) {
  const chunks: string[] = [];
  const recorder = createTraceRecorder(new WritableStream<string>({ write: (c) => void chunks.push(c) }));
  return {
    recorder: options.inspect === false ? { onEvent: recorder.onEvent, onInspect: () => undefined } : recorder,
    close: () => recorder.close(),
    records: (): TraceRecord[] => parseTrace(chunks.join("")),
  };
}

describe("the viewer's model of a trace", () => {
  it("real SDKs on the sim server: cost per agent from the catalog, and OpenAI → Anthropic in spans and lanes", async () => {
    server = await startSimServer({
      scripts: {
        "gpt-4o-mini": [
          { toolCalls: [{ name: "lookup", args: { topic: "probe" } }] },
          { text: "Found it.", handoff: { to: "anthropic/claude-sonnet-4-20250514", reason: "write it" } },
        ],
        "claude-sonnet-4-20250514": [{ text: "The report." }],
      },
    });
    const trace = memoryRecorder();
    const { provider, spans } = memoryTracing();
    const observer = createOtelObserver({ tracer: provider.getTracer("test") });
    const key = "sk-test-0123456789abcdef";
    const result = await observedRun(
      [trace.recorder, observer],
      { input: "Research, then write", model: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"], tools: [lookup] },
      {},
      {
        providers: { openai: { apiKey: key, baseURL: server.openaiBaseURL }, anthropic: { apiKey: key, baseURL: server.anthropicBaseURL } },
      },
    );
    await trace.close();
    expect(result.status).toBe("completed");

    const [run] = buildTraceView(trace.records()).runs;
    expect(run!.agents.map((a) => [a.agent, a.calls, a.inputTokens, a.outputTokens, a.costUSD])).toEqual(
      Object.entries(result.usage.byModel).map(([model, u]) => [model, u.calls, u.inputTokens, u.outputTokens, u.costUSD]),
    );
    expect(run!.totals.costUSD).toBeCloseTo(result.usage.costUSD!, 12);
    expect(run!.lanes.map((l) => l.id)).toEqual(expect.arrayContaining(["provider:openai", "provider:anthropic"]));
    expect(renderTraceHtml(trace.records())).toContain(`<b data-total-cost>$${result.usage.costUSD!.toFixed(5)}</b>`);
    // Nothing of the API key reaches the trace.
    expect(JSON.stringify(trace.records())).not.toContain(key);

    const tree = spanTree(spans());
    for (const chat of tree.named("chat gpt-4o-mini")) {
      expect(chat.attributes).toMatchObject({ "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o-mini" });
    }
    expect(tree.one("chat claude-sonnet-4-20250514").attributes).toMatchObject({
      "gen_ai.provider.name": "anthropic",
      "gen_ai.request.model": "claude-sonnet-4-20250514",
    });
    expect(tree.one("invoke_workflow baton").attributes["baton.usage.cost_usd"]).toBeCloseTo(result.usage.costUSD!, 12);
    // What the provider says answered, from the step.finished events.
    for (const chat of tree.named("chat gpt-4o-mini")) {
      expect(chat.attributes["gen_ai.response.model"]).toBe("gpt-4o-mini");
      expect(chat.attributes["gen_ai.response.id"]).toMatch(/^chatcmpl-sim-\d+$/);
    }
    const claude = tree.one("chat claude-sonnet-4-20250514");
    expect(claude.attributes["gen_ai.response.model"]).toBe("claude-sonnet-4-20250514");
    expect(typeof claude.attributes["gen_ai.response.id"]).toBe("string");
  });

  it("a team's runs in one trace are separate runs, each with its own bars", async () => {
    const trace = memoryRecorder();
    const runner = new Runner({
      inspect: trace.recorder.onInspect,
      providers: { sim: { scripts: { a: [{ text: "one" }, { text: "two" }] } } },
    });
    try {
      const team = runner.team({ model: "sim/a" });
      team.subscribe(trace.recorder.onEvent);
      await team.run("first");
      await team.run("second");
    } finally {
      await runner.close();
    }
    await trace.close();
    const view = buildTraceView(trace.records());
    expect(view.runs.map((r) => [r.input, r.finalOutput, r.bars.filter((b) => b.kind === "model").length])).toEqual([
      ["first", "one", 1],
      ["second", "two", 1],
    ]);
    expect(view.runs[1]!.transcript.map((m) => m.text)).toEqual(["first", "one", "second", "two"]);
    expect(renderTraceHtml(trace.records()).match(/<section class="run"/g)).toHaveLength(2);
  });

  it("a trace of events only (no actor messages) still has model and tool bars and the handoff", async () => {
    const trace = memoryRecorder({ inspect: false });
    await observedRun([trace.recorder]);
    await trace.close();
    expect(trace.records().some((r) => r.kind === "message")).toBe(false);
    const [run] = buildTraceView(trace.records()).runs;
    expect(run!.bars.filter((b) => b.kind === "model").map((b) => [b.agent, b.step])).toEqual([
      ["sim/researcher", 2],
      ["sim/lead", 1],
      ["sim/lead", 3],
      ["sim/writer", 4],
    ]);
    expect(run!.bars.filter((b) => b.kind === "tool").map((b) => b.label)).toEqual(["lookup", "ask_sim_researcher"]);
    expect(run!.arrows.map((a) => a.kind)).toEqual(["handoff"]);
    expect(run!.markers.filter((m) => m.kind === "retry")).toHaveLength(1);
  });

  it("a failed run shows as failed, its last call open-ended or failed, and the error at the end", async () => {
    const trace = memoryRecorder();
    await observedRun([trace.recorder], { input: "go", model: "sim/a" }, { a: [{ fault: { status: 400, message: "bad request" } }] }).catch(
      () => undefined,
    );
    await trace.close();
    const [run] = buildTraceView(trace.records()).runs;
    expect(run!.status).toBe("failed");
    expect(run!.error).toBe("PROVIDER_ERROR: sim/a: bad request");
    expect(run!.bars.find((b) => b.kind === "model")?.status).toBe("error");
    expect(run!.markers.at(-1)).toMatchObject({ kind: "failed", label: "failed: PROVIDER_ERROR: sim/a: bad request" });
    expect(renderTraceHtml(trace.records())).toContain('data-status="failed"');
  });

  it("an empty trace renders a page that says so", () => {
    const html = renderTraceHtml(
      '{"kind":"meta","format":"baton-trace","version":1,"t":0,"startedAt":"2026-01-01T00:00:00.000Z","detail":"summary"}\n',
    );
    expect(html).toContain("This trace holds no run");
  });
});
