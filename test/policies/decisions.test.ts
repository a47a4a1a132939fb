import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type PolicyContext } from "../../src/index.js";
import type { SimRequest } from "../../src/sim/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { simRunners } from "../support/simRunner.js";

const simRunner = simRunners({ retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 5 } });

const ping = defineTool({ name: "ping", description: "ping", parameters: z.object({}), execute: () => "pong" });
const pong = defineTool({ name: "pong", description: "pong", parameters: z.object({}), execute: () => "ping" });

describe("policy decisions", () => {
  it("is called before every model call with the documented context", async () => {
    const seen: PolicyContext[] = [];
    const r = simRunner({ a: [{ toolCalls: [{ name: "ping" }] }, { handoff: "sim/b" }], b: [{ text: "done" }] });
    await r.run({
      input: "go",
      model: ["sim/a", "sim/b"],
      tools: [ping],
      policy: (context) => {
        seen.push(structuredClone(context));
        return {};
      },
    });
    expect(seen.map((c) => [c.step, c.model])).toEqual([
      [1, "sim/a"],
      [2, "sim/a"],
      [3, "sim/b"],
    ]);
    const last = seen[2]!;
    expect(last.models).toEqual(["sim/a", "sim/b"]);
    expect(last.toolsCalled).toEqual(["ping", "transfer_to_sim_b"]);
    expect(last.handoffs).toMatchObject([{ from: "sim/a", to: "sim/b", by: "model" }]);
    expect(last.tools).toEqual(["ping"]);
    expect(last.mcpServers).toEqual([]);
    expect(last.usage.byModel["sim/a"]!.calls).toBe(2);
    expect(last.messages.at(-1)).toMatchObject({ role: "tool", name: "transfer_to_sim_b" });
  });

  it("model moves the task (a handoff with reason policy) and may be async", async () => {
    const r = simRunner({ a: [{ text: "A should not run" }], b: [{ text: "B answers" }] });
    const result = await r.run({
      input: "go",
      model: ["sim/a", "sim/b"],
      policy: async ({ step }) => (step === 1 ? { model: "sim/b" } : {}),
    });
    expect(result.finalOutput).toBe("B answers");
    expect(result.handoffs).toEqual([{ from: "sim/a", to: "sim/b", reason: "policy", step: 0, by: "policy" }]);
    expect(result.steps.map((s) => s.model)).toEqual(["sim/b"]);
  });

  it("a plain-object policy (no function) decides the same way: model moves the task, stop ends the run", async () => {
    const moving = simRunner({ a: [{ text: "A should not run" }], b: [{ text: "B answers" }] });
    const moved = await moving.run({ input: "go", model: ["sim/a", "sim/b"], policy: { model: "sim/b" } });
    expect(moved.finalOutput).toBe("B answers");
    expect(moved.handoffs).toEqual([{ from: "sim/a", to: "sim/b", reason: "policy", step: 0, by: "policy" }]);
    expect(moved.steps.map((s) => s.model)).toEqual(["sim/b"]);

    let calls = 0;
    const stopping = simRunner({ a: () => ((calls += 1), { text: "never" }) });
    const stopped = await stopping.run({ input: "go", model: "sim/a", policy: { stop: "closed for today" } });
    expect(stopped).toMatchObject({ status: "stopped", reason: "closed for today", stepsUsed: 0 });
    expect(calls).toBe(0);
  });

  it("prepend and append apply to that one call and are not stored in the transcript", async () => {
    const requests: SimRequest[] = [];
    const r = simRunner({ a: (request) => (requests.push(request), { text: "ok" }) });
    const result = await r.run({
      input: "hi",
      model: "sim/a",
      instructions: "Be brief.",
      policy: { messagePrepend: "Policy says: cite sources.", messageAppend: "Remember the deadline." },
    });
    expect(requests[0]!.system).toBe("Policy says: cite sources.\n\nBe brief.");
    expect(requests[0]!.messages.map((m) => m.content)).toEqual(["hi", "Remember the deadline."]);
    expect(result.messages.map((m) => m.content)).toEqual(["hi", "ok"]);
  });

  it("prepend and append accept messages", async () => {
    const requests: SimRequest[] = [];
    const r = simRunner({ a: (request) => (requests.push(request), { text: "ok" }) });
    await r.run({
      input: "hi",
      model: "sim/a",
      policy: {
        messagePrepend: [
          { role: "user", content: "context first" },
          { role: "assistant", content: "noted" },
        ],
        messageAppend: [{ role: "user", content: "last" }],
      },
    });
    expect(requests[0]!.messages.map((m) => m.content)).toEqual(["context first", "noted", "hi", "last"]);
  });

  it("maxSteps sticks for the run", async () => {
    const r = simRunner({ a: () => ({ toolCalls: [{ name: "ping" }] }) });
    const result = await r.run({
      input: "go",
      model: "sim/a",
      tools: [ping],
      maxSteps: 10,
      policy: ({ step }) => (step === 1 ? { maxSteps: 2 } : {}),
    });
    expect(result.status).toBe("max_steps");
    expect(result.stepsUsed).toBe(2);
  });

  it("stop ends the run with status stopped and the reason", async () => {
    const r = simRunner({ a: () => ({ toolCalls: [{ name: "ping" }] }) });
    const result = await r.run({
      input: "go",
      model: "sim/a",
      tools: [ping],
      policy: ({ step }) => (step === 3 ? { stop: "enough" } : {}),
    });
    expect(result.status).toBe("stopped");
    expect(result.reason).toBe("enough");
    expect(result.stepsUsed).toBe(2);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("modelSettings merge over the model's settings for that call", async () => {
    const requests: SimRequest[] = [];
    const r = simRunner({
      a: (request) => (requests.push(request), request.callIndex === 0 ? { toolCalls: [{ name: "ping" }] } : { text: "ok" }),
    });
    await r.run({
      input: "hi",
      model: { model: "sim/a", settings: { temperature: 0.9, maxTokens: 100 } },
      tools: [ping],
      policy: ({ step }) => (step === 1 ? { modelSettings: { temperature: 0.1 } } : {}),
    });
    expect(requests[0]!.settings).toEqual({ temperature: 0.1, maxTokens: 100 });
    expect(requests[1]!.settings).toEqual({ temperature: 0.9, maxTokens: 100 });
  });

  it("tools and mcpServers narrow what that call may use", async () => {
    const offered: string[][] = [];
    const r = simRunner({
      a: (request) => (
        offered.push(request.tools.map((t) => t.name)), request.callIndex === 0 ? { toolCalls: [{ name: "pong" }] } : { text: "ok" }
      ),
    });
    const result = await r.run({
      input: "go",
      model: ["sim/a", "sim/b"],
      tools: [ping, pong],
      policy: ({ step }) => (step === 1 ? { tools: ["ping"] } : {}),
    });
    expect(offered[0]).toEqual(["ping", "transfer_to_sim_b"]);
    expect(offered[1]).toEqual(["ping", "pong", "transfer_to_sim_b"]);
    // pong was not granted on step 1: calling it is an error result, not a call.
    expect(result.toolResults[0]).toMatchObject({ name: "pong", isError: true });
  });

  it("a model that is not in the list fails the run with POLICY_ERROR naming the available models", async () => {
    const r = simRunner({ a: [{ text: "ok" }] });
    const error = await r.run({ input: "go", model: ["sim/a", "sim/b"], policy: { model: "sim/zzz" } }).catch((e) => e);
    expect(error).toMatchObject({ code: "POLICY_ERROR" });
    expect(error.message).toMatch(/"sim\/zzz", which is not in this team. Available models: sim\/a, sim\/b/);
    expect(error.partial.messages).toEqual([{ role: "user", content: "go" }]);
  });

  it("a policy that throws fails the run with POLICY_ERROR", async () => {
    const r = simRunner({ a: [{ text: "ok" }] });
    const error = await r
      .run({
        input: "go",
        model: "sim/a",
        policy: () => {
          throw new Error("bad rule");
        },
      })
      .catch((e) => e);
    expect(error).toMatchObject({ code: "POLICY_ERROR", message: expect.stringContaining("bad rule") });
    expect(error.partial).toBeDefined();
  });

  it("an invalid maxSteps from a policy is a POLICY_ERROR", async () => {
    const r = simRunner({ a: [{ text: "ok" }] });
    const error = await r.run({ input: "go", model: "sim/a", policy: { maxSteps: 0 } }).catch((e) => e);
    expect(error).toMatchObject({ code: "POLICY_ERROR" });
  });
});
