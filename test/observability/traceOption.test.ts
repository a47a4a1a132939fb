/**
 * The `trace` option of runner.run, runner.stream and runner.team: a trace file per run or team
 * (that `baton trace` renders), message content in OpenTelemetry spans only when asked, spans of
 * every run once an SDK is registered, and clear errors for bad values.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { main } from "../../src/cli/main.js";
import { defineTool, isBatonError, Runner, type RunOptions } from "../../src/index.js";
import { parseTrace, type TraceRecord } from "../../src/observability/records.js";
import type { SimScript } from "../../src/sim/index.js";
import { memoryTracing, spanTree, TEAM_RUN, TEAM_SCRIPTS } from "./support.js";

const dirs: string[] = [];
const runners: Runner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  trace.disable();
  context.disable();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-trace-option-"));
  dirs.push(dir);
  return dir;
}

function simRunner(scripts: Record<string, SimScript> = TEAM_SCRIPTS): Runner {
  const runner = new Runner({ retry: { baseDelayMs: 5, maxDelayMs: 20 }, providers: { sim: { scripts } } });
  runners.push(runner);
  return runner;
}

const records = (file: string): TraceRecord[] => parseTrace(readFileSync(file, "utf8"));
const eventTypes = (rs: TraceRecord[]) => rs.flatMap((r) => (r.kind === "event" ? [r.type] : []));
const messages = (rs: TraceRecord[]) => rs.flatMap((r) => (r.kind === "message" ? [r] : []));

function silentIo() {
  const err: string[] = [];
  return { io: { stdout: { write: () => undefined }, stderr: { write: (t: string) => void err.push(t) }, env: {} }, err };
}

const CONTENT_KEYS = /messages|system_instructions|call\.arguments|call\.result|handoff\.task/;
const contentKeys = (spans: ReadableSpan[]) => spans.flatMap((s) => Object.keys(s.attributes).filter((k) => CONTENT_KEYS.test(k)));

describe("the trace option", () => {
  it("runner.run with trace: a path writes every event and actor message of that run, and baton trace renders it", async () => {
    const dir = tempDir();
    const file = path.join(dir, "run.jsonl");
    const runner = simRunner();
    const result = await runner.run({ ...TEAM_RUN, trace: file });
    expect(result.status).toBe("completed");

    const rs = records(file);
    const events = eventTypes(rs);
    expect(events[0]).toBe("run.started");
    expect(events.at(-1)).toBe("run.finished");
    expect(events).toContain("handoff");
    const types = new Set(messages(rs).map((m) => m.type));
    for (const type of ["RUN", "TASK", "CALL", "CALL.FAILED", "TOOL.CALL", "TOOL.RESULT", "HANDOFF"]) expect(types, type).toContain(type);
    expect(rs.every((r) => r.kind === "meta" || typeof r.t === "number")).toBe(true);

    const page = path.join(dir, "run.html");
    const { io, err } = silentIo();
    expect(await main(["trace", file, "-o", page], io), err.join("")).toBe(0);
    const html = readFileSync(page, "utf8");
    const bars = (kind: string) => html.match(new RegExp(`class="bar kind-${kind} [^>]*data-lane="agent:`, "g")) ?? [];
    expect(bars("model")).toHaveLength(5); // the retried call, then four answered
    expect(bars("tool")).toHaveLength(1);
    expect(bars("delegation")).toHaveLength(1);
    expect(html).toContain('data-arrow="handoff"');
    expect(html).toContain('data-arrow="delegation"');
  });

  it("a trace file holds its own run only, while another team runs at the same time on the Runner", async () => {
    const dir = tempDir();
    const file = path.join(dir, "one.jsonl");
    const runner = simRunner();
    const other: RunOptions = { input: "hello", model: "sim/writer" };
    const [traced, untraced] = await Promise.all([runner.run({ ...TEAM_RUN, trace: file }), runner.run(other)]);
    const rs = records(file);
    const runIds = new Set(rs.flatMap((r) => (r.kind === "event" ? [r.runId] : [])));
    expect(runIds).toEqual(new Set([traced.runId]));
    expect(JSON.stringify(rs)).not.toContain(untraced.runId);
  });

  it("runner.stream and runner.team take it too: a team's file holds every run until the team stops", async () => {
    const dir = tempDir();
    const runner = simRunner({ ...TEAM_SCRIPTS, solo: [{ text: "first answer" }, { text: "second answer" }] });
    const streamed = path.join(dir, "stream.jsonl");
    const stream = runner.stream({ input: "one", model: "sim/writer", trace: { file: streamed } });
    const result = await stream.result;
    const streamedTypes = eventTypes(records(streamed)).filter((t, i, all) => t !== all[i - 1]);
    expect(streamedTypes).toEqual(["run.started", "step.started", "text.delta", "step.finished", "run.finished"]);
    expect(result.status).toBe("completed");

    const teamFile = path.join(dir, "team.jsonl");
    const team = runner.team({ model: "sim/solo", trace: teamFile });
    const first = await team.run("first");
    const second = await team.run("second");
    await team.stop();
    const rs = records(teamFile);
    expect(eventTypes(rs).filter((t) => t === "run.started" || t === "run.finished")).toEqual([
      "run.started",
      "run.finished",
      "run.started",
      "run.finished",
    ]);
    expect(new Set(rs.flatMap((r) => (r.kind === "event" ? [r.runId] : [])))).toEqual(new Set([first.runId, second.runId]));
  });

  it("spans are made for every run once an SDK is registered; captureContent adds message content to that run's spans only", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    const { provider, spans, exporter } = memoryTracing();
    trace.setGlobalTracerProvider(provider);
    const runner = simRunner();

    const plain = await runner.run(TEAM_RUN);
    const plainSpans = spans();
    const tree = spanTree(plainSpans);
    expect(tree.one("invoke_workflow baton").attributes["baton.run.id"]).toBe(plain.runId);
    expect(tree.named("chat lead")).toHaveLength(2);
    // runner.run sends no tool events: the tool spans come from the actor messages.
    expect(tree.parentOf(tree.one("execute_tool lookup"))).toBe(tree.one("invoke_agent sim/lead"));
    expect(contentKeys(plainSpans)).toEqual([]);
    exporter.reset();

    const captured = await runner.run({ ...TEAM_RUN, trace: { captureContent: true } });
    const capturedTree = spanTree(spans());
    expect(capturedTree.one("invoke_workflow baton").attributes["baton.run.id"]).toBe(captured.runId);
    const [first] = capturedTree.named("chat lead") as [ReadableSpan];
    expect(JSON.parse(first.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "user", parts: [{ type: "text", content: TEAM_RUN.input }] },
    ]);
    expect(JSON.parse(first.attributes["gen_ai.system_instructions"] as string)).toEqual([
      { type: "text", content: TEAM_RUN.instructions },
    ]);
    expect(capturedTree.one("execute_tool lookup").attributes["gen_ai.tool.call.result"]).toBe("FACT: the probe launched on 2026-05-01.");
    exporter.reset();

    // The next run on the same (reused) team is back to no content.
    await runner.run(TEAM_RUN);
    expect(spans().length).toBeGreaterThan(0);
    expect(contentKeys(spans())).toEqual([]);
  });

  it("a run that stops for a person's approval ends its spans as interrupted, and its trace file with run.interrupted", async () => {
    const { provider, spans } = memoryTracing();
    trace.setGlobalTracerProvider(provider);
    const pay = defineTool({
      name: "pay",
      description: "Pay a vendor",
      parameters: z.object({ amount: z.number() }),
      needsApproval: true,
      execute: ({ amount }) => `paid ${amount}`,
    });
    const runner = simRunner({ buyer: [{ toolCalls: [{ name: "pay", args: { amount: 10 } }] }] });
    const file = path.join(tempDir(), "interrupted.jsonl");
    const result = await runner.run({ input: "buy", model: "sim/buyer", tools: [pay], trace: file });
    expect(result.status).toBe("interrupted");
    const run = spanTree(spans()).one("invoke_workflow baton");
    expect(run.attributes).toMatchObject({ "baton.run.id": result.runId, "baton.run.status": "interrupted" });
    expect(spans().map((s) => s.name)).toEqual(expect.arrayContaining(["invoke_agent sim/buyer", "chat buyer"]));
    expect(eventTypes(records(file)).at(-1)).toBe("run.interrupted");
  });

  it("bad trace values are INVALID_OPTIONS errors that say what to give, before anything runs", async () => {
    const runner = simRunner();
    const bad: Array<[unknown, RegExp]> = [
      [5, /trace must be a file path or \{ file\?, captureContent\? \}/],
      ["", /trace must be the path of the trace file/],
      [{ file: 7 }, /trace\.file must be the path/],
      [{ captureContent: "yes" }, /trace\.captureContent must be true or false/],
      [{ path: "x.jsonl" }, /trace takes file and captureContent; got path/],
    ];
    for (const [value, message] of bad) {
      const run = runner.run({ input: "x", model: "sim/writer", trace: value as never });
      await expect(run).rejects.toSatisfy((e: unknown) => isBatonError(e) && e.code === "INVALID_OPTIONS" && message.test(e.message));
      expect(() => runner.team({ model: "sim/writer", trace: value as never })).toThrow(message);
    }
    const unwritable = path.join(tempDir(), "missing", "run.jsonl");
    await expect(runner.run({ input: "x", model: "sim/writer", trace: unwritable })).rejects.toThrow(/Cannot write the trace file/);
    expect(() => runner.team({ model: "sim/writer", trace: unwritable })).toThrow(/Cannot write the trace file/);
    const team = runner.team({ model: "sim/writer" });
    await expect(team.run("x", { trace: "t.jsonl" } as never)).rejects.toThrow(/set when it starts: runner\.team/);
  });
});
