/**
 * The benchmark's measuring code with counts of 2–3: every implementation completes the
 * research → write scenario with the same final answer, streamed and not, and the MCP, scale
 * and report parts run. Not the benchmark itself (`npm run bench`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK } from "../bench/counts.js";
import type { Figures } from "../bench/figures.js";
import { type MeasureCounts, measureImplementation } from "../bench/figures.js";
import { measureMcp } from "../bench/mcp.js";
import { renderReport } from "../bench/report.js";
import type { BenchResults } from "../bench/results.js";
import { measureIdleTeams, measureTranscripts } from "../bench/scale.js";
import { EXPECTED_ANSWER } from "../bench/scenario.js";
import { IMPLEMENTATIONS, loadFactory } from "../bench/scenarios/index.js";
import { type SimServerProcess, startSimServerProcess } from "../bench/simServer.js";

const TINY: MeasureCounts = { warmup: 1, sequential: 2, streamed: 2, concurrency: 3, perLoop: 1, heapRuns: 2 };

let server: SimServerProcess;
const figures: Partial<BenchResults["scenario"]> = {};

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
      failures: [],
      transcript: [transcript],
      teams: [teams],
      durationS: 1,
    });
    expect(report).toContain("| (a) raw SDKs |");
    expect(report).toMatch(/(PASS|FAIL) {2}sequential latency/);
  }, 30_000);
});
