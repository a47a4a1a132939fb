import { describe, expect, it } from "vitest";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

describe("a run with one model", () => {
  it("answers and reports steps, usage and the transcript", async () => {
    const r = simRunner({ solo: [{ text: "Hello there.", usage: { inputTokens: 12, outputTokens: 3 } }] });
    const result = await r.run({ input: "Say hello", model: "sim/solo" });
    expect(result.status).toBe("completed");
    expect(result.finalOutput).toBe("Hello there.");
    expect(result.lastModel).toBe("sim/solo");
    expect(result.modelsUsed).toEqual(["sim/solo"]);
    expect(result.stepsUsed).toBe(1);
    expect(result.steps[0]).toMatchObject({ step: 1, model: "sim/solo", text: "Hello there.", toolCalls: [], stopReason: "stop" });
    expect(result.steps[0]!.ms).toBeGreaterThanOrEqual(0);
    expect(result.usage).toMatchObject({
      inputTokens: 12,
      outputTokens: 3,
      byModel: { "sim/solo": { inputTokens: 12, outputTokens: 3, calls: 1 } },
    });
    expect(result.handoffs).toEqual([]);
    expect(result.messages).toEqual([
      { role: "user", content: "Say hello" },
      { role: "assistant", content: "Hello there.", meta: { model: "sim/solo" } },
    ]);
  });

  it("uses both earlier messages and input (input appended)", async () => {
    let seen: unknown;
    const r = simRunner({
      solo: (request) => {
        seen = request.messages;
        return { text: "ok" };
      },
    });
    const result = await r.run({
      input: "and now?",
      model: "sim/solo",
      messages: [
        { role: "user", content: "earlier question" },
        { role: "assistant", content: "earlier answer" },
      ],
    });
    expect(seen).toEqual([
      { role: "user", content: "earlier question" },
      { role: "assistant", content: "earlier answer" },
      { role: "user", content: "and now?" },
    ]);
    expect(result.messages).toHaveLength(4);
  });

  it("gives instructions to the model as its system prompt", async () => {
    let system: string | undefined;
    const r = simRunner({
      solo: (request) => {
        system = request.system;
        return { text: "ok" };
      },
    });
    await r.run({ input: "hi", model: "sim/solo", instructions: "Answer in French." });
    expect(system).toBe("Answer in French.");
  });

  it("passes per-model settings from a model object", async () => {
    const seen: unknown[] = [];
    const r = simRunner({
      solo: (request) => {
        seen.push(request.settings);
        return { text: "ok" };
      },
    });
    const settings = { temperature: 0.2, maxTokens: 300, stop: ["END"] };
    const result = await r.run({ input: "hi", model: { model: "sim/solo", settings, description: "the only one" } });
    expect(result.status).toBe("completed");
    expect(seen).toEqual([settings]);
  });

  it("reports a script that ran out of turns as a SIM_SCRIPT_ERROR with the partial result", async () => {
    const r = simRunner({ solo: [] });
    const error = await r.run({ input: "hi", model: "sim/solo" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "BatonError", code: "SIM_SCRIPT_ERROR" });
    expect((error as { partial: { messages: unknown[] } }).partial.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  it("an empty answer at the token limit, or a filtered one, fails the run with PROVIDER_ERROR and is not retried", async () => {
    let calls = 0;
    const cut = simRunner({ solo: () => ((calls += 1), { text: "", stopReason: "length" as const }) });
    const error = await cut.run({ input: "hi", model: "sim/solo" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { stopReason: "length", retryable: false } });
    expect((error as Error).message).toContain("Raise settings.maxTokens");
    expect(calls).toBe(1);

    const filtered = simRunner({ solo: [{ text: "", stopReason: "content_filter" }] });
    const blocked = await filtered.run({ input: "hi", model: "sim/solo" }).catch((e: unknown) => e);
    expect(blocked).toMatchObject({ code: "PROVIDER_ERROR", details: { stopReason: "content_filter" } });
    expect((blocked as Error).message).toContain("content filter");

    // A cut answer that has text is still an answer.
    const partial = simRunner({ solo: [{ text: "Half an ans", stopReason: "length" }] });
    expect((await partial.run({ input: "hi", model: "sim/solo" })).finalOutput).toBe("Half an ans");
  });
});
