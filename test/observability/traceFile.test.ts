/**
 * The trace file: a real multi-agent run recorded through the public API (Runner `inspect` and
 * the stream's events), read back line by line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { createTraceRecorder, isBatonError, type RunEvent, type TraceMessageRecord, type TraceRecord } from "../../src/index.js";
import { parseTrace } from "../../src/observability/records.js";
import { observedRun } from "./support.js";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "baton-trace-"));
  dirs.push(dir);
  return dir;
}

function messages(records: TraceRecord[], type: string): TraceMessageRecord[] {
  return records.filter((r): r is TraceMessageRecord => r.kind === "message" && r.type === type);
}

describe("the trace file", () => {
  it("holds every public event once, in order, and every protocol message with sender, receiver and run/agent/step tags", async () => {
    const file = path.join(tempDir(), "run.jsonl");
    const recorder = createTraceRecorder(file);
    const seen: RunEvent[] = [];
    const result = await observedRun([recorder, { onEvent: (e) => seen.push(e) }]);
    await recorder.close();

    const records = parseTrace(readFileSync(file, "utf8"));
    expect(records[0]).toMatchObject({ kind: "meta", format: "baton-trace", version: 1, detail: "summary" });
    const events = records.filter((r) => r.kind === "event");
    expect(events.map((r) => r.type)).toEqual(seen.map((e) => e.type));
    expect(events.every((r) => r.runId === result.runId)).toBe(true);
    const seqs = records.slice(1).map((r) => (r as { seq: number }).seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const timed = records.filter((r) => r.kind !== "actor" && r.kind !== "meta") as Array<{ t: number }>;
    for (let i = 1; i < timed.length; i++) expect(timed[i]!.t).toBeGreaterThanOrEqual(timed[i - 1]!.t);

    const team = `team:${result.runId === events[0]?.runId ? (events[0] as { teamId: string }).teamId : ""}`;
    const lead = `agent:${team.slice(5)}:sim/lead`;
    const researcher = `agent:${team.slice(5)}:sim/researcher`;
    // The retried model call: request and failure matched, the failure sent without a sender in inspection.
    const [failedCall] = messages(records, "CALL.FAILED");
    expect(failedCall).toMatchObject({ from: "provider:sim", to: lead, agent: "sim/lead", step: 1, runId: result.runId });
    const calls = messages(records, "CALL");
    expect(calls.map((c) => [c.from, c.to, c.agent, c.step])).toEqual([
      [lead, "provider:sim", "sim/lead", 1],
      [lead, "provider:sim", "sim/lead", 1],
      [researcher, "provider:sim", "sim/researcher", 2],
      [lead, "provider:sim", "sim/lead", 3],
      [`agent:${team.slice(5)}:sim/writer`, "provider:sim", "sim/writer", 4],
    ]);
    // The tool call: agent → the team's tools actor (it validates and runs the tool) → agent.
    const toolCall = messages(records, "TOOL.CALL")[0]!;
    expect(toolCall).toMatchObject({ from: lead, to: `tools:${team.slice(5)}`, step: 1 });
    const results = messages(records, "TOOL.RESULT");
    expect(results.map((r) => [r.from, r.to, r.callId])).toEqual([
      [`tools:${team.slice(5)}`, lead, toolCall.callId],
      [team, lead, messages(records, "DELEGATE")[0]!.callId],
    ]);
    expect(messages(records, "HANDOFF")[0]).toMatchObject({
      from: lead,
      to: team,
      data: { to: "sim/writer", reason: "the research is done" },
    });
    expect(messages(records, "TASK").map((t) => t.to)).toEqual([lead, researcher, `agent:${team.slice(5)}:sim/writer`]);
    // Summary detail: a transcript is its length and last messages, not a copy.
    const writerTask = messages(records, "TASK")[2]!.data as { transcript: { count: number; last: Array<{ role: string }> } };
    expect(writerTask.transcript.count).toBe(6);
    expect(writerTask.transcript.last.map((m) => m.role)).toEqual(["assistant", "tool"]);
    // Actors appear once each, before their first message.
    const actors = records.filter((r) => r.kind === "actor").map((r) => (r as { id: string }).id);
    expect(new Set(actors).size).toBe(actors.length);
    expect(actors).toEqual(expect.arrayContaining([team, lead, researcher, "provider:sim", `tools:${team.slice(5)}`]));
    // The final event keeps the whole transcript (the viewer shows it).
    const finished = events.at(-1) as unknown as { event: { result: { messages: unknown[] } } };
    expect(finished.event.result.messages).toHaveLength(result.messages.length);
  });

  it('"full" detail keeps every message as sent; long strings are cut only in summary', async () => {
    const chunks: string[] = [];
    const full = createTraceRecorder(new WritableStream<string>({ write: (c) => void chunks.push(c) }), { detail: "full" });
    const summaryOut = new PassThrough();
    const summaryText: string[] = [];
    summaryOut.on("data", (c: Buffer) => summaryText.push(c.toString()));
    const summary = createTraceRecorder(summaryOut, { maxString: 20 });
    await observedRun([full, summary]);
    await Promise.all([full.close(), summary.close()]);

    const fullRecords = parseTrace(chunks.join(""));
    const task = messages(fullRecords, "TASK")[2]!.data as { transcript: unknown[] };
    expect(task.transcript).toHaveLength(6);
    const call = messages(fullRecords, "CALL")[0]!.data as { request: { messages: unknown[]; tools: Array<{ name: string }> } };
    expect(call.request.tools.map((t) => t.name)).toContain("lookup");

    const cut = parseTrace(summaryText.join(""));
    const started = cut.find((r) => r.kind === "event" && r.type === "run.started") as unknown as { event: { input: string } };
    expect(started.event.input).toBe("Research the probe l… [33 more chars]");
    expect(summaryOut.writableEnded).toBe(true);
  });

  it("bad options and unwritable paths are BatonErrors naming the fix", () => {
    const attempt = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      throw new Error("expected a throw");
    };
    const missing = attempt(() => createTraceRecorder(path.join(tempDir(), "no", "such", "dir", "run.jsonl")));
    expect(isBatonError(missing) && missing.code).toBe("INVALID_OPTIONS");
    expect((missing as Error).message).toMatch(/Cannot write the trace file ".*run\.jsonl".*Check that its folder exists/);
    const detail = attempt(() => createTraceRecorder(new PassThrough(), { detail: "verbose" as never }));
    expect((detail as Error).message).toBe('Trace detail must be "summary" or "full"; got "verbose".');
    const target = attempt(() => createTraceRecorder(42 as never));
    expect((target as Error).message).toMatch(/file path, a Node writable stream or a WritableStream/);
  });

  it("reading a file that is not a trace says which line is wrong", () => {
    const dir = tempDir();
    const bad = path.join(dir, "bad.jsonl");
    writeFileSync(bad, '{"kind":"meta","format":"baton-trace","version":1,"t":1,"startedAt":"x","detail":"summary"}\nnot json\n');
    expect(() => parseTrace(readFileSync(bad, "utf8"))).toThrow(/Not a baton trace: Line 2 is not JSON/);
    expect(() => parseTrace('{"kind":"event"}\n')).toThrow(/The first line is not a baton-trace header/);
    expect(() => parseTrace('{"kind":"meta","format":"baton-trace","version":9}\n')).toThrow(/version 9; this baton reads version 1/);
  });
});
