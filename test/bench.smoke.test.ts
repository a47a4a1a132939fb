/**
 * The benchmark's measuring code with counts of 2–3: every implementation completes the
 * research → write scenario with the same final answer, streamed and not, sending the writer's
 * call over Anthropic Messages; the latency figures wait for the server's delay; the actor
 * messages are counted by their rule; the MCP, scale and report parts run. Not the benchmark
 * itself (`npm run bench`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InspectionEvent } from "xstate";
import { renderComparison } from "../bench/compare.js";
import { QUICK } from "../bench/counts.js";
import type { Figures } from "../bench/figures.js";
import { type MeasureCounts, measureImplementation } from "../bench/figures.js";
import { IN_PROCESS_QUICK, measureInProcess } from "../bench/inProcess.js";
import { type LatencyFigures, measureAtLatency } from "../bench/latency.js";
import { measureMcp } from "../bench/mcp.js";
import { countMessages, type MessageFigures, measureMessages } from "../bench/messages.js";
import { renderReport } from "../bench/report.js";
import type { BenchResults } from "../bench/results.js";
import { measureIdleTeams, measureTranscripts } from "../bench/scale.js";
import { EXPECTED_ANSWER, RESEARCH_MODEL, SERVER_SCRIPTS, WRITER_MODEL } from "../bench/scenario.js";
import { addBuilds, IMPLEMENTATIONS, loadFactory } from "../bench/scenarios/index.js";
import { type SimServerProcess, startSimServerProcess } from "../bench/simServer.js";
import { startSimServer } from "../src/sim/index.js";

const TINY: MeasureCounts = { warmup: 1, sequential: 2, streamed: 2, concurrency: 3, perLoop: 1, heapRuns: 2 };

let server: SimServerProcess;
const figures: Partial<BenchResults["scenario"]> = {};
const latency: Partial<BenchResults["latency"]> = {};
let messages: MessageFigures | undefined;

beforeAll(async () => {
  server = await startSimServerProcess();
}, 30_000);

afterAll(async () => {
  await server?.close();
});

describe("benchmark smoke", () => {
  for (const key of IMPLEMENTATIONS) {
    it(`${key}: completes the scenario with the expected answer, streamed and not`, async () => {
      const impl = await (await loadFactory(key))(server);
      try {
        const measured: Figures = await measureImplementation(impl, TINY);
        expect(measured.errors).toEqual([]);
        expect(measured.answer).toBe(EXPECTED_ANSWER);
        expect(measured.correct).toBe(true);
        expect(measured.seqMedianMs).toBeGreaterThan(0);
        expect(measured.throughputRps).toBeGreaterThan(0);
        expect(measured.firstDeltaMs).toBeGreaterThan(0);
        expect(measured.firstDeltaMs).toBeLessThanOrEqual(measured.seqP95Ms * 10);
        figures[key] = [measured];
      } finally {
        await impl.close();
      }
    }, 30_000);
  }

  it("--build: another checkout (here this one) is measured beside baton, in one process and in the comparison report", async () => {
    expect(() => addBuilds(["nowhere=/nonexistent"])).toThrow(/--build wants <label>=<dir/);
    expect(() => addBuilds(["/no-label"])).toThrow(/--build wants/);
    const [key] = addBuilds([`self=${process.cwd()}`]);
    expect(key).toBe("build:self");
    const lines: string[] = [];
    const section = await measureInProcess(["baton", key!], server, IN_PROCESS_QUICK, (line) => lines.push(line));
    expect(section).toMatch(/\| figure \| \(b\) baton \| \(b\) baton, self \|/);
    expect(section).toMatch(/sequential, CPU per run \(ms\) \| [0-9.]+ \| [0-9.]+ \(first ×[0-9.]+\)/);
    expect(lines.at(-1)).toBe(`  block ${IN_PROCESS_QUICK.blocks}/${IN_PROCESS_QUICK.blocks}`);
    const build = await (await loadFactory(key!))(server);
    try {
      const measured = await measureImplementation(build, TINY);
      expect(measured.correct).toBe(true);
      const results = {
        date: "2026-01-01",
        machine: "test",
        quick: true,
        counts: QUICK,
        scenario: { baton: figures.baton ?? [measured], [key!]: [measured] },
        latency: {},
        failures: [],
        transcript: [],
        teams: [],
        durationS: 1,
      } as BenchResults;
      const report = renderComparison(results);
      expect(report).toContain("### This checkout over (b) baton, self");
      expect(report).toMatch(/\| \(b\) baton, self \| [0-9.]+/);
    } finally {
      await build.close();
    }
  }, 60_000);

  it("every implementation makes the researcher's two calls over Chat Completions and the writer's over Messages", async () => {
    const server = await startSimServer({ scripts: SERVER_SCRIPTS });
    try {
      for (const key of IMPLEMENTATIONS) {
        const impl = await (await loadFactory(key))(server);
        try {
          server.reset();
          expect(await impl.runOnce()).toBe(EXPECTED_ANSWER);
          const calls = server.requests.map((r) => `${r.provider} ${(r.body as { model?: string }).model}`);
          expect({ key, calls }).toEqual({
            key,
            calls: [`openai ${RESEARCH_MODEL}`, `openai ${RESEARCH_MODEL}`, `anthropic ${WRITER_MODEL}`],
          });
        } finally {
          await impl.close();
        }
      }
    } finally {
      await server.close();
    }
  }, 30_000);

  it("at a model latency, every run waits for its three delayed calls", async () => {
    const slow = await startSimServerProcess({ latencyMs: 20 });
    try {
      for (const key of ["raw", "baton"] as const) {
        const impl = await (await loadFactory(key))(slow);
        try {
          const measured: LatencyFigures = await measureAtLatency(impl, {
            ms: 20,
            reps: 1,
            warmup: 1,
            sequential: 2,
            concurrency: 3,
            perLoop: 1,
          });
          expect(measured.errors).toEqual([]);
          expect(measured.seqMedianMs).toBeGreaterThanOrEqual(3 * 20);
          expect(measured.throughputRps).toBeGreaterThan(0);
          // 3 in flight, each run ≥ 60 ms: at most 50 runs/s.
          expect(measured.throughputRps).toBeLessThanOrEqual(3 * (1000 / 60));
          latency[key] = [measured];
        } finally {
          await impl.close();
        }
      }
    } finally {
      await slow.close();
    }
  }, 30_000);

  it("counts messages by the rule: xstate.* left out, messages without a source apart", () => {
    const actor = (systemId: string) => ({ id: systemId, systemId, sessionId: systemId });
    const event = (type: string, target: string, source?: string) =>
      ({
        type: "@xstate.event",
        event: { type },
        actorRef: actor(target),
        sourceRef: source === undefined ? undefined : actor(source),
        rootId: "x:0",
      }) as unknown as InspectionEvent;
    const counted = countMessages([
      event("xstate.init", "team:t1"),
      event("RUN", "team:t1"),
      event("TASK", "agent:t1:openai/gpt-4o-mini", "team:t1"),
      event("CALL.DONE", "agent:t1:openai/gpt-4o-mini"),
      event("xstate.done.actor.x", "team:t1", "agent:t1:openai/gpt-4o-mini"),
      { type: "@xstate.snapshot" } as unknown as InspectionEvent,
    ]);
    expect(counted).toEqual({
      actorToActor: 1,
      withoutSource: 2,
      total: 3,
      sequence: ["- → team RUN", "team → agent:openai/gpt-4o-mini TASK", "- → agent:openai/gpt-4o-mini CALL.DONE"],
    });
  });

  it("counts baton's actor messages in a repeated run of the scenario", async () => {
    messages = await measureMessages(server);
    expect(messages.errors).toEqual([]);
    const run = messages.repeatRun;
    expect(run.total).toBe(run.actorToActor + run.withoutSource);
    expect(run.sequence).toHaveLength(run.total);
    // Three model calls and a handoff cannot happen without messages between the actors.
    expect(run.actorToActor).toBeGreaterThan(0);
    expect(run.sequence.some((line) => / xstate\./.test(line))).toBe(false);
  }, 30_000);

  it("times an MCP echo call directly and through baton", async () => {
    const mcp = await measureMcp({ mcpCalls: 2, warmup: 1, reps: 1 });
    expect(mcp.errors).toEqual([]);
    expect(mcp.direct.callMedianMs).toBeGreaterThan(0);
    expect(mcp.baton.callMedianMs).toBeGreaterThan(0);
    expect(mcp.baton.secondRunMs).toBeGreaterThan(0);
  }, 30_000);

  it("keeps idle teams alive and sends earlier messages", async () => {
    const teams = await measureIdleTeams(20);
    expect(teams.stillWorks).toBe(true);
    const transcript = await measureTranscripts(await loadFactory("baton"), server, {
      transcriptLengths: [10],
      transcriptRuns: 2,
      warmup: 1,
    });
    expect(transcript.points[0]).toMatchObject({ messages: 10, correct: true });

    const report = renderReport({
      date: "2000-01-01",
      machine: "test machine",
      quick: true,
      counts: QUICK,
      scenario: figures,
      latency,
      ...(messages ? { messages } : {}),
      failures: [],
      transcript: [transcript],
      teams: [teams],
      durationS: 1,
    });
    expect(report).toContain("| (a) raw SDKs |");
    expect(report).toMatch(/(PASS|FAIL) {2}sequential latency/);
    expect(report).toMatch(/(PASS|FAIL) {2}throughput ≥ 2\.5× \(c\) @openai\/agents 0\.20/);
    expect(report).toMatch(/(PASS|FAIL) {2}actor messages per 3-call run ≤ 15/);
    expect(report).toContain("## At 50 ms per model call");
    expect(report).toMatch(/\| \(b\) baton \| \d+\.\d/);
  }, 30_000);
});
