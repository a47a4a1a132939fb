import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool } from "../src/index.js";
import { findTranscriptProblems } from "../src/transcript/index.js";
import { simRunners } from "./support/simRunner.js";

const simRunner = simRunners();

const ping = defineTool({ name: "ping", description: "ping", parameters: z.object({}), execute: () => "pong" });

describe("limits", () => {
  it("maxSteps ends the run with status max_steps and the transcript so far, never a throw", async () => {
    const runner = simRunner({ loop: () => ({ toolCalls: [{ name: "ping" }] }) });
    const result = await runner.run({ input: "loop forever", model: "sim/loop", tools: [ping], maxSteps: 3 });
    expect(result.status).toBe("max_steps");
    expect(result.stepsUsed).toBe(3);
    expect(result.reason).toMatch(/maxSteps \(3\)/);
    expect(result.messages).toHaveLength(1 + 3 * 2);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("maxSteps defaults to 10", async () => {
    const runner = simRunner({ loop: () => ({ toolCalls: [{ name: "ping" }] }) });
    const result = await runner.run({ input: "loop", model: "sim/loop", tools: [ping] });
    expect(result.status).toBe("max_steps");
    expect(result.stepsUsed).toBe(10);
  });

  it("maxHandoffs ends a ping-pong with status max_steps", async () => {
    const runner = simRunner({ a: () => ({ handoff: "sim/b" }), b: () => ({ handoff: "sim/a" }) });
    const result = await runner.run({ input: "go", model: ["sim/a", "sim/b"], maxHandoffs: 2, maxSteps: 50 });
    expect(result.status).toBe("max_steps");
    expect(result.handoffs).toHaveLength(2);
    expect(result.reason).toMatch(/maxHandoffs \(2\)/);
    expect(findTranscriptProblems(result.messages)).toEqual([]);
  });

  it("maxHandoffs defaults to 10", async () => {
    const runner = simRunner({ a: () => ({ handoff: "sim/b" }), b: () => ({ handoff: "sim/a" }) });
    const result = await runner.run({ input: "go", model: ["sim/a", "sim/b"], maxSteps: 100 });
    expect(result.status).toBe("max_steps");
    expect(result.handoffs).toHaveLength(10);
  });
});
