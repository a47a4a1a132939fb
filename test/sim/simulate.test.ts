/** simulate() through baton/sim: seeds replay byte for byte, time is simulated, failures shrink and replay. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../../src/index.js";
import { type SimRun, type SimulateOptions, simulate } from "../../src/sim/index.js";

const lookup = defineTool({
  name: "lookup",
  description: "Look up facts",
  parameters: z.object({ topic: z.string() }),
  execute: ({ topic }) => `facts about ${topic}`,
});

const chain: SimulateOptions = {
  team: { model: ["sim/researcher", "sim/writer"], tools: [lookup], toolTimeoutMs: 5_000 },
  scripts: {
    researcher: [{ toolCalls: [{ name: "lookup", args: { topic: "launch" } }] }, { text: "found it", handoff: "sim/writer" }],
    writer: (_request, rng) => ({ text: `post #${rng.int(1, 1000)}` }),
  },
  input: "Research the launch and write a post",
  faults: {
    providerError: 0.1,
    rateLimit: 0.05,
    streamCut: 0.05,
    malformedToolArgs: 0.05,
    toolThrow: 0.1,
    toolTimeout: 0.05,
    abortAt: 0.02,
    latencyMs: [0, 30_000],
  },
};

async function runsOf(options: SimulateOptions): Promise<SimRun[]> {
  const runs: SimRun[] = [];
  const report = await simulate({ ...options, onSeed: ({ run }) => runs.push(run) });
  expect(report.failures).toEqual([]);
  return runs;
}

describe("simulate", () => {
  it("passes the built-in invariants over 300 seeds of a handoff chain under every local fault", async () => {
    const report = await simulate({ ...chain, seeds: 300 });
    expect(report.failures.map((f) => `${f.seed} ${f.invariant}: ${f.message}`)).toEqual([]);
    expect(report.seeds).toBe(300);
    expect(report.passed).toBe(300);
    // The faults were really injected, and runs ended every way.
    for (const kind of ["providerError", "rateLimit", "streamCut", "malformedToolArgs", "toolThrow", "toolTimeout", "abortAt"]) {
      expect(report.faults[kind], kind).toBeGreaterThan(0);
    }
    expect(report.outcomes.completed).toBeGreaterThan(0);
    expect(report.outcomes.failed).toBeGreaterThan(0);
    expect(report.outcomes.cancelled).toBeGreaterThan(0);
  }, 60_000);

  it("replays a seed byte for byte: events, ids and times", async () => {
    const seeds = [3, 17, 42, 99];
    const first = await runsOf({ ...chain, seeds });
    const second = await runsOf({ ...chain, seeds });
    expect(second.map((r) => JSON.stringify(r.events))).toEqual(first.map((r) => JSON.stringify(r.events)));
    expect(second.map((r) => JSON.stringify(r.faults))).toEqual(first.map((r) => JSON.stringify(r.faults)));
    // Different seeds differ (ids, faults, the writer's rng).
    expect(new Set(first.map((r) => JSON.stringify(r.events))).size).toBe(seeds.length);
    const runIds = first.map((r) => r.events[0]?.runId);
    expect(runIds.every((id) => typeof id === "string" && id.length === 36)).toBe(true);
  });

  it("runs an hour of backoff on simulated time", async () => {
    const [run] = await runsOf({
      team: { model: ["sim/writer"] },
      scripts: { writer: [{ text: "done" }] },
      input: "write",
      seeds: [1],
      retry: { maxRetries: 8, baseDelayMs: 60_000, maxDelayMs: 3_600_000 },
      schedule: [0, 1, 2, 3, 4, 5].map((point) => ({ point, kind: "providerError" as const })),
    });
    expect(run!.outcome).toBe("completed");
    const retries = run!.events.filter((e) => e.type === "step.retry");
    expect(retries.map((e) => e.type === "step.retry" && e.delayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000]);
    expect(run!.virtualMs).toBeGreaterThanOrEqual(3_780_000);
    expect(run!.result?.durationMs).toBe(run!.virtualMs);
  });

  it("reports a failing invariant with its seed, shrunk to the smallest schedule, and the call that replays it", async () => {
    const noRateLimit = (run: SimRun) => !run.events.some((e) => e.type === "step.retry" && e.error.details?.status === 429);
    const report = await simulate({ ...chain, seeds: 40, invariants: [noRateLimit], maxFailures: 1 });
    expect(report.failures).toHaveLength(1);
    const [failure] = report.failures;
    expect(failure!.invariant).toBe("noRateLimit");
    expect(failure!.schedule.length).toBeLessThan(failure!.originalSchedule.length);
    expect(failure!.schedule.filter((f) => f.kind === "rateLimit")).toHaveLength(1);
    expect(failure!.schedule.every((f) => f.kind === "rateLimit")).toBe(true);
    expect(failure!.replay).toBe(`simulate({ ...options, seeds: [${failure!.seed}], schedule: ${JSON.stringify(failure!.schedule)} })`);
    // The replay fails the same way; the seed alone fails too.
    const again = await simulate({
      ...chain,
      seeds: [failure!.seed],
      schedule: failure!.schedule,
      invariants: [noRateLimit],
      shrink: false,
    });
    expect(again.failures.map((f) => f.invariant)).toEqual(["noRateLimit"]);
    expect(JSON.stringify(again.failures[0]!.events)).toBe(JSON.stringify(failure!.events));
    const seedOnly = await simulate({ ...chain, seeds: [failure!.seed], invariants: [noRateLimit], shrink: false });
    expect(seedOnly.failures[0]!.schedule).toEqual(failure!.originalSchedule);
  });

  it("catches a run that never settles: a tool that never answers, with no timeout", async () => {
    const stuck = defineTool({
      name: "stuck",
      description: "Never answers",
      parameters: z.object({}),
      execute: () => new Promise(() => {}),
    });
    const report = await simulate({
      team: { model: ["sim/a"], tools: [stuck] },
      scripts: { a: [{ toolCalls: [{ name: "stuck" }] }, { text: "done" }] },
      input: "go",
      seeds: [1],
    });
    expect(report.failures.map((f) => [f.invariant, f.outcome])).toEqual([["never hangs", "hung"]]);
    expect(report.failures[0]!.message).toMatch(/never settled/);
  });

  it("refuses options it cannot use", async () => {
    await expect(simulate({ scripts: {}, input: "x" } as SimulateOptions)).rejects.toThrow(/needs a team/);
    await expect(simulate({ ...chain, faults: { providerError: 2 } })).rejects.toThrow(/probability/);
    await expect(simulate({ ...chain, seeds: 0 })).rejects.toThrow(/seeds/);
  });
});
