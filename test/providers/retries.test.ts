import { afterEach, describe, expect, it } from "vitest";
import { BatonError, type RunEvent, Runner } from "../../src/index.js";
import type { SimServer, SimServerOptions } from "../../src/sim/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";

let server: SimServer | undefined;
let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  await server?.close();
  runner = server = undefined;
});

async function setup(scripts: SimServerOptions["scripts"], retry = { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 50 }) {
  server = await startCheckedSimServer({ scripts });
  runner = new Runner({
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "sk-live-secret-123" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "sk-ant-secret-456" },
    },
    retry,
  });
  return runner;
}

describe("provider failures in a run", () => {
  it("a 429 is retried after its Retry-After, then the run completes; the retry is an event", async () => {
    // maxDelayMs above the 300 ms asked for: a longer Retry-After fails the step instead (test/robustness).
    const r = await setup(
      { "gpt-4o-mini": [{ fault: { status: 429, retryAfter: 0.3 } }, { text: "after the wait" }] },
      {
        maxRetries: 2,
        baseDelayMs: 10,
        maxDelayMs: 1000,
      },
    );
    const stream = r.stream({ input: "x", model: "openai/gpt-4o-mini" });
    const retries: RunEvent[] = [];
    stream.on("step.retry", (e) => retries.push(e));
    const started = performance.now();
    const result = await stream.result;
    expect(result.finalOutput).toBe("after the wait");
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({
      model: "openai/gpt-4o-mini",
      attempt: 1,
      delayMs: 300,
      error: { code: "PROVIDER_ERROR", details: { status: 429 } },
    });
    expect(server!.requests.map((q) => q.status)).toEqual([429, 200]);
  });

  it("5xx after every retry rejects with PROVIDER_ERROR: provider, model, status and the partial result; no key anywhere", async () => {
    const r = await setup({
      "gpt-4o-mini": [{ handoff: "anthropic/claude-sonnet-4-20250514" }],
      "claude-sonnet-4-20250514": () => ({ fault: { status: 529, message: "overloaded" } }),
    });
    const events: unknown[] = [];
    const stream = r.stream({ input: "x", model: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"] });
    stream.on("run.failed", (e) => events.push(e)).on("step.retry", (e) => events.push(e));
    const error = (await stream.result.catch((e: unknown) => e)) as BatonError;
    expect(error).toBeInstanceOf(BatonError);
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toMatchObject({ provider: "anthropic", model: "claude-sonnet-4-20250514", status: 529, retryable: true });
    expect(error.partial!.handoffs).toHaveLength(1);
    expect(error.partial!.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool"]);
    expect(server!.requests.filter((q) => q.provider === "anthropic")).toHaveLength(3);
    const everything = JSON.stringify([error, error.message, error.details, error.partial, events]);
    expect(everything).not.toContain("secret");
  });

  it("a 400 is not retried", async () => {
    const r = await setup({ "gpt-4o-mini": [{ fault: { status: 400, message: "bad" } }, { text: "never" }] });
    const error = await r.run({ input: "x", model: "openai/gpt-4o-mini" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { status: 400, retryable: false } });
    expect(server!.requests).toHaveLength(1);
  });

  it("a stream cut mid-way is retried and the run completes", async () => {
    const r = await setup({
      "gpt-4o-mini": [{ text: "partial answer that gets cut", fault: { cutStreamAfter: 2 } }, { text: "whole answer" }],
    });
    const deltas: string[] = [];
    const stream = r.stream({ input: "x", model: "openai/gpt-4o-mini" });
    stream.on("text.delta", (e) => deltas.push(e.text));
    const result = await stream.result;
    expect(result.finalOutput).toBe("whole answer");
    expect(result.steps).toHaveLength(1);
  });

  it("malformed tool-call JSON becomes an error result the model can correct", async () => {
    const r = await setup({
      "gpt-4o-mini": [
        { toolCalls: [{ name: "transfer_to_sim_x", args: { reason: "r" } }], fault: { malformedToolArgs: true } },
        { text: "corrected" },
      ],
    });
    const result = await r.run({ input: "x", model: ["openai/gpt-4o-mini", "sim/x"] });
    expect(result.toolResults[0]).toMatchObject({ isError: true, result: expect.stringMatching(/not valid JSON/) });
    expect(result.finalOutput).toBe("corrected");
    expect(result.handoffs).toEqual([]);
  });
});
