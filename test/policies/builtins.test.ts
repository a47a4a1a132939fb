import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, policies } from "../../src/index.js";
import type { SimRequest } from "../../src/sim/index.js";
import { simRunners } from "../support/simRunner.js";

const simRunner = simRunners({ retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 5 } });

const ping = defineTool({ name: "ping", description: "ping", parameters: z.object({}), execute: () => "pong" });
const looping = () => ({ toolCalls: [{ name: "ping" }] });

describe("built-in policies", () => {
  it("byStep picks a model per step range", async () => {
    const r = simRunner({ a: looping, b: (req: SimRequest) => (req.callIndex < 1 ? looping() : { text: "b done" }) });
    const result = await r.run({
      input: "go",
      model: ["sim/a", "sim/b"],
      tools: [ping],
      policy: policies.byStep({ 1: "sim/a", 3: "sim/b" }),
    });
    expect(result.steps.map((s) => s.model)).toEqual(["sim/a", "sim/a", "sim/b", "sim/b"]);
    expect(result.handoffs).toMatchObject([{ from: "sim/a", to: "sim/b", by: "policy" }]);
    expect(result.finalOutput).toBe("b done");
  });

  it("maxHandoffs(n) stops the run after n handoffs", async () => {
    const r = simRunner({ a: () => ({ handoff: "sim/b" }), b: () => ({ handoff: "sim/a" }) });
    const result = await r.run({ input: "go", model: ["sim/a", "sim/b"], maxSteps: 50, policy: policies.maxHandoffs(3) });
    expect(result.status).toBe("stopped");
    expect(result.handoffs).toHaveLength(3);
    expect(result.reason).toBe("maxHandoffs(3) reached");
  });

  it("budget({ maxTokens }) stops once the tokens are spent", async () => {
    const r = simRunner({ a: () => ({ toolCalls: [{ name: "ping" }], usage: { inputTokens: 40, outputTokens: 10 } }) });
    const result = await r.run({ input: "go", model: "sim/a", tools: [ping], policy: policies.budget({ maxTokens: 120 }) });
    expect(result.status).toBe("stopped");
    expect(result.stepsUsed).toBe(3);
    expect(result.reason).toBe("budget: 150 tokens used of 120");
  });

  it("budget({ maxCostUSD }) prices catalog models and reports cost in result.usage", async () => {
    let call = 0;
    // A provider named "openai" backed by the sim provider: catalog prices apply to openai/gpt-4o.
    const scripts = {
      "gpt-4o": () =>
        call++ < 5 ? { toolCalls: [{ name: "ping" }], usage: { inputTokens: 100_000, outputTokens: 10_000 } } : { text: "ok" },
    };
    const r = simRunner({}, { providers: { openai: { kind: "sim", scripts } } });
    const result = await r.run({ input: "go", model: "openai/gpt-4o", tools: [ping], policy: policies.budget({ maxCostUSD: 1 }) });
    // gpt-4o: $2.50 / M input, $10 / M output → $0.35 per call; stops before the 4th call.
    expect(result.status).toBe("stopped");
    expect(result.stepsUsed).toBe(3);
    expect(result.usage.byModel["openai/gpt-4o"]!.costUSD).toBeCloseTo(1.05, 5);
    expect(result.usage.costUSD).toBeCloseTo(1.05, 5);
  });

  it("fallback() moves the task to the next model after repeated 5xx instead of failing", async () => {
    const attempts: string[] = [];
    const r = simRunner({
      a: () => (attempts.push("a"), { fault: { status: 503, message: "overloaded" } }),
      b: () => (attempts.push("b"), { text: "b saved the day" }),
    });
    const result = await r.run({ input: "go", model: ["sim/a", "sim/b"], policy: policies.fallback() });
    expect(attempts).toEqual(["a", "a", "a", "b"]); // 1 try + 2 retries, then the fallback
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("b saved the day");
    expect(result.handoffs).toMatchObject([{ from: "sim/a", to: "sim/b", by: "fallback", reason: expect.stringContaining("overloaded") }]);
  });

  it("without fallback, repeated 5xx fail the run with PROVIDER_ERROR and the partial result", async () => {
    const r = simRunner({ a: () => ({ fault: { status: 500 } }) });
    const error = await r.run({ input: "go", model: ["sim/a", "sim/b"] }).catch((e) => e);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { status: 500, provider: "sim" } });
    expect(error.partial.messages).toEqual([{ role: "user", content: "go" }]);
  });

  it("fallback() fails the run when every model has failed", async () => {
    const r = simRunner({ a: () => ({ fault: { status: 500 } }), b: () => ({ fault: { status: 502 } }) });
    const error = await r.run({ input: "go", model: ["sim/a", "sim/b"], policy: policies.fallback() }).catch((e) => e);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { status: 502 } });
    expect(error.partial.handoffs).toHaveLength(1);
  });

  it("finishBy(step) asks for the final answer from that step on", async () => {
    const systems: (string | undefined)[] = [];
    const r = simRunner({
      a: (req: SimRequest) => (systems.push(req.system), req.system?.includes("final answer") ? { text: "final" } : looping()),
    });
    const result = await r.run({ input: "go", model: "sim/a", tools: [ping], policy: policies.finishBy(3) });
    expect(result.stepsUsed).toBe(3);
    expect(systems[0]).toBeUndefined();
    expect(systems[2]).toBe(policies.FINISH_NOW);
    expect(result.finalOutput).toBe("final");
  });

  it("all() composes policies", async () => {
    const requests: SimRequest[] = [];
    const r = simRunner({ a: (req: SimRequest) => (requests.push(req), looping()) });
    const result = await r.run({
      input: "go",
      model: "sim/a",
      tools: [ping],
      policy: policies.all(policies.finishBy(2), { messageAppend: "be quick" }, { maxSteps: 5 }, { maxSteps: 3 }),
    });
    expect(result.stepsUsed).toBe(3);
    expect(requests[1]!.system).toBe(policies.FINISH_NOW);
    expect(requests[0]!.messages.at(-1)).toEqual({ role: "user", content: "be quick" });
  });
});
