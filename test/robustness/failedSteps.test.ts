/**
 * Issue 21, item 7: every started step ends with an event and a record, also when its model
 * call fails: a delegated model whose call fails, and a model whose failure a fallback policy
 * recovers from. `stepsUsed` counts what `steps` holds, and both count what `maxSteps` limits.
 */
import { describe, expect, it } from "vitest";
import { policies, type RunEvent, type RunResult, type RunStream } from "../../src/index.js";
import { simRunners } from "../support/simRunner.js";

const simRunner = simRunners({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 } });

/** A model whose every call fails with a non-retryable 400. */
const failing = () => ({ fault: { status: 400, message: "bad request" } });

async function collect(stream: RunStream): Promise<{ events: RunEvent[]; result: RunResult }> {
  const events: RunEvent[] = [];
  for await (const event of stream) events.push(event);
  return { events, result: await stream.result };
}

/** Each step.started has exactly one step.finished for the same model and step, and each is in `steps`. */
function expectPaired(events: readonly RunEvent[], result: RunResult): void {
  const started = events.filter((e) => e.type === "step.started").map((e) => `${e.model}#${e.step}`);
  const finished = events.filter((e) => e.type === "step.finished").map((e) => `${e.model}#${e.step}`);
  expect(finished.sort()).toEqual([...started].sort());
  expect(result.steps.map((s) => `${s.model}#${s.step}`).sort()).toEqual([...started].sort());
  expect(result.stepsUsed).toBe(result.steps.length);
  for (const e of events) {
    if (e.type !== "step.finished") continue;
    expect(result.steps).toContainEqual(e.record);
  }
}

describe("failed steps end with step.finished and a record", () => {
  it("a delegated model whose call fails: its step is finished and recorded; the caller continues", async () => {
    const runner = simRunner({ a: [{ delegate: [{ to: "sim/b", task: "sub" }] }, { text: "done without b" }], b: failing });
    const { events, result } = await collect(runner.stream({ input: "go", model: ["sim/a", "sim/b"], handoffs: "delegate" }));
    expect(result).toMatchObject({ status: "completed", finalOutput: "done without b" });
    expectPaired(events, result);
    expect(result.steps.map((s) => s.model)).toEqual(["sim/a", "sim/b", "sim/a"]);
    expect(result.toolResults[0]).toMatchObject({ name: "ask_sim_b", isError: true, result: expect.stringMatching(/bad request/) });
  });

  it("with maxSteps 2 the failed delegated step counts: stepsUsed 2, two records, and the limit says 2", async () => {
    const runner = simRunner({ a: [{ delegate: [{ to: "sim/b", task: "sub" }] }, { text: "never" }], b: failing });
    const { events, result } = await collect(runner.stream({ input: "go", model: ["sim/a", "sim/b"], handoffs: "delegate", maxSteps: 2 }));
    expect(result.status).toBe("max_steps");
    expect(result.reason).toMatch(/maxSteps \(2\)/);
    expect(result.stepsUsed).toBe(2);
    expect(result.steps).toHaveLength(2);
    expectPaired(events, result);
  });

  it("a model that fails and is replaced by policies.fallback(): its step is finished and recorded", async () => {
    const runner = simRunner({ a: failing, b: [{ text: "b took over" }] });
    const { events, result } = await collect(runner.stream({ input: "go", model: ["sim/a", "sim/b"], policy: policies.fallback() }));
    expect(result).toMatchObject({ status: "completed", finalOutput: "b took over" });
    expect(result.handoffs).toMatchObject([{ from: "sim/a", to: "sim/b", by: "fallback" }]);
    expectPaired(events, result);
    expect(result.steps.map((s) => s.model)).toEqual(["sim/a", "sim/b"]);
  });

  it("usage still adds up with failed steps in the record", async () => {
    const runner = simRunner({ a: [{ delegate: [{ to: "sim/b", task: "sub" }] }, { text: "done" }], b: failing });
    const result = await runner.run({ input: "go", model: ["sim/a", "sim/b"], handoffs: "delegate" });
    const sum = (pick: (u: { inputTokens: number; outputTokens: number }) => number) => result.steps.reduce((n, s) => n + pick(s.usage), 0);
    expect(result.usage.inputTokens).toBe(sum((u) => u.inputTokens));
    expect(result.usage.outputTokens).toBe(sum((u) => u.outputTokens));
  });
});
