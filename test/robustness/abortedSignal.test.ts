/**
 * Issue 21, item 8: a signal that is already aborted gets the same contract as an abort during
 * the run: the run rejects with CANCELLED and a partial result, streams and team listeners see
 * `run.started` then `run.failed`, and no model is called.
 */
import { describe, expect, it } from "vitest";
import type { BatonError, RunEvent } from "../../src/index.js";
import { simRunners } from "../support/simRunner.js";
import { batonError, settle } from "./support.js";

const simRunner = simRunners();

function counted() {
  const calls = { n: 0 };
  const runner = simRunner({ a: () => ((calls.n += 1), { text: "should not run" }) });
  return { runner, calls };
}

/** CANCELLED, with a partial result that holds the user's input and no step. */
function expectCancelledWithPartial(error: BatonError, input: string): void {
  expect(error.code).toBe("CANCELLED");
  expect(error.partial, "an already aborted run must still carry its partial result").toBeDefined();
  expect(error.partial).toMatchObject({ status: "stopped", stepsUsed: 0, steps: [] });
  expect(error.partial!.messages).toContainEqual({ role: "user", content: input });
}

describe("an already aborted signal", () => {
  it("runner.run rejects with CANCELLED and a partial result; no model call", async () => {
    const { runner, calls } = counted();
    const reason = new Error("user pressed stop");
    const error = batonError(await settle(() => runner.run({ input: "go", model: "sim/a", signal: AbortSignal.abort(reason) })), "run");
    expectCancelledWithPartial(error, "go");
    expect(calls.n).toBe(0);
    // The runner is fine afterwards.
    const next = simRunner({ a: [{ text: "fine" }] });
    expect(await next.run({ input: "go", model: "sim/a" })).toMatchObject({ finalOutput: "fine" });
  });

  it("runner.stream yields run.started then run.failed (CANCELLED, with partial) before its iterator throws", async () => {
    const { runner, calls } = counted();
    const stream = runner.stream({ input: "go", model: "sim/a", signal: AbortSignal.abort() });
    const listened: string[] = [];
    stream.on("run.started", (e) => listened.push(e.type)).on("run.failed", (e) => listened.push(e.type));
    const events: RunEvent[] = [];
    const iterated = await settle(async () => {
      for await (const event of stream) events.push(event);
    });
    expectCancelledWithPartial(batonError(iterated, "iterator"), "go");
    expect(events.map((e) => e.type)).toEqual(["run.started", "run.failed"]);
    const failed = events[1] as Extract<RunEvent, { type: "run.failed" }>;
    expect(failed.error.code).toBe("CANCELLED");
    expect(failed.partial.messages).toContainEqual({ role: "user", content: "go" });
    expect(failed.runId).toBe(events[0]!.runId);
    expect(listened).toEqual(["run.started", "run.failed"]);
    expectCancelledWithPartial(batonError(await settle(() => stream.result), "stream.result"), "go");
    expect(calls.n).toBe(0);
  });

  it("team.run: listeners get run.started and run.failed, the promise rejects with partial, and the team runs the next task", async () => {
    const runner = simRunner({ a: [{ text: "second task answered" }] });
    const team = runner.team({ model: "sim/a" });
    const seen: RunEvent[] = [];
    team.subscribe((event) => seen.push(event));
    const error = batonError(await settle(() => team.run("first", { signal: AbortSignal.abort() })), "team.run");
    expectCancelledWithPartial(error, "first");
    expect(seen.map((e) => e.type)).toEqual(["run.started", "run.failed"]);
    expect(seen[1]).toMatchObject({ type: "run.failed", error: { code: "CANCELLED" } });
    const result = await team.run("second");
    expect(result.finalOutput).toBe("second task answered");
  });
});
