/** simulate({ wire: true }): the real openai and anthropic SDKs against the sim server, under the same faults. */
import { describe, expect, it } from "vitest";
import { type SimRun, simulate } from "../../src/sim/index.js";
import { handoffChain } from "./scenarios.js";

const mixed = {
  ...handoffChain,
  team: { ...handoffChain.team, model: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514", "sim/c"] },
};
const scripts = { "gpt-4o-mini": handoffChain.scripts.a!, "claude-sonnet-4-20250514": handoffChain.scripts.b!, c: handoffChain.scripts.c! };

describe("simulate over the wire", () => {
  it("holds every invariant through the real SDKs, meets the faults as HTTP errors and cut streams, and replays byte for byte", async () => {
    const runs: SimRun[] = [];
    const report = await simulate({ ...mixed, scripts, wire: true, seeds: 80, onSeed: ({ run }) => runs.push(run) });
    expect(report.failures.map((f) => `${f.seed} ${f.invariant}: ${f.message}`)).toEqual([]);
    for (const kind of ["providerError", "rateLimit", "streamCut", "malformedToolArgs"])
      expect(report.faults[kind], kind).toBeGreaterThan(0);
    const retries = runs.flatMap((r) => r.events.filter((e) => e.type === "step.retry"));
    // The adapters' own errors: the status from the HTTP answer, the Retry-After header read.
    const statuses = new Set(retries.map((e) => (e.type === "step.retry" ? e.error.details?.status : undefined)));
    expect(statuses).toContain(429);
    expect(statuses).toContain(500);
    expect(
      runs.some(
        (r) => r.providers.includes("anthropic") && r.events.some((e) => e.type === "step.finished" && e.model.startsWith("anthropic/")),
      ),
    ).toBe(true);

    const seeds = runs.slice(0, 8).map((r) => r.seed);
    const again: SimRun[] = [];
    await simulate({ ...mixed, scripts, wire: true, seeds, onSeed: ({ run }) => again.push(run) });
    expect(again.map((r) => JSON.stringify(r.events))).toEqual(runs.slice(0, 8).map((r) => JSON.stringify(r.events)));
  }, 60_000);
});
