import { describe, expect, it } from "vitest";
import { z } from "zod";
import { BatonError, defineTool } from "../src/index.js";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

function waitForAbort(signal: AbortSignal): Promise<string> {
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("aborted")), { once: true }));
}

describe("cancellation", () => {
  it("aborting a run during a tool call rejects with CANCELLED within 100 ms, aborts the tool and keeps the partial result", async () => {
    let toolSignal: AbortSignal | undefined;
    const hang = defineTool({
      name: "hang",
      description: "never finishes on its own",
      parameters: z.object({}),
      execute: (_args, context) => {
        toolSignal = context.signal;
        return waitForAbort(context.signal);
      },
    });
    const runner = simRunner({ a: [{ text: "working on it", toolCalls: [{ name: "hang" }] }] });
    const controller = new AbortController();
    const stream = runner.stream({ input: "go", model: "sim/a", tools: [hang], signal: controller.signal });
    let abortedAt = 0;
    stream.on("tool.called", () => {
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, 20);
    });
    const error = await stream.result.catch((e: unknown) => e);
    const latency = performance.now() - abortedAt;
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toMatchObject({ code: "CANCELLED" });
    expect(latency).toBeLessThan(100);
    expect(toolSignal?.aborted).toBe(true);
    const partial = (error as BatonError).partial!;
    expect(partial.messages.map((m) => m.role)).toEqual(["user"]);
    expect(partial.status).toBe("stopped");
  });

  it("aborting during a slow model call aborts the call", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;
    const before = timers();
    const runner = simRunner({ a: [{ text: "too late", latencyMs: 5_000 }] });
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 30);
    const error = await runner.run({ input: "go", model: "sim/a", signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CANCELLED" });
    expect(performance.now() - started).toBeLessThan(4_000); // not the 5 s the model would take (a margin for loaded CI machines)
    // The call's signal was aborted: the sim model's 5 s wait is gone, not left running.
    await new Promise((resolve) => setImmediate(resolve));
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("an already aborted signal cancels before any call", async () => {
    let called = false;
    const runner = simRunner({ a: () => ((called = true), { text: "x" }) });
    const error = await runner.run({ input: "go", model: "sim/a", signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CANCELLED" });
    expect(called).toBe(false);
  });

  it("a team survives a cancelled run and runs the next one", async () => {
    const runner = simRunner({ a: [{ text: "slow", latencyMs: 5_000 }, { text: "second answer" }] });
    const team = runner.team({ model: "sim/a" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(team.run("first", { signal: controller.signal })).rejects.toMatchObject({ code: "CANCELLED" });
    const result = await team.run("second");
    expect(result.finalOutput).toBe("second answer");
  });

  it("team.stop() cancels the run in flight", async () => {
    const runner = simRunner({ a: [{ text: "slow", latencyMs: 5_000 }] });
    const team = runner.team({ model: "sim/a" });
    const pending = team.run("go");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await team.stop();
    await expect(pending).rejects.toMatchObject({ code: "CANCELLED" });
    await expect(team.run("again")).rejects.toMatchObject({ code: "CLOSED" });
  });
});
