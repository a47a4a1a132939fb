import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { BatonError, defineTool, Runner } from "../src/index.js";

let runner: Runner;
afterEach(async () => {
  await runner?.close();
});

async function failure(run: () => unknown): Promise<BatonError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(BatonError);
    return error as BatonError;
  }
  throw new Error("expected a BatonError");
}

const noop = (name: string) => defineTool({ name, description: "", parameters: z.object({}), execute: () => "" });

describe("bad input gets a BatonError naming the problem and the fix", () => {
  it("an empty model list", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: [] }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(/No model given.*model: "openai\/gpt-4o-mini"/);
  });

  it("a duplicate model", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: ["sim/a", "sim/a"] }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(/"sim\/a" is listed twice/);
  });

  it("a model that is null or not a model, in a list or alone", async () => {
    runner = new Runner();
    for (const model of [null, [null], 5, [{}]]) {
      const error = await failure(() => runner.run({ input: "hi", model: model as never }));
      expect(error.code).toBe("INVALID_MODEL");
      expect(error.message).toMatch(/A model must be a "provider\/model" string or \{ model: "provider\/model" \}/);
    }
  });

  it("tools that are not an array", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a", tools: noop("lookup") as never }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toBe("tools must be an array of tools made with defineTool(); got object.");
  });

  it("a malformed model string", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "gpt-4o-mini" }));
    expect(error.code).toBe("INVALID_MODEL");
    expect(error.message).toMatch(/not of the form "provider\/model".*openai\/gpt-4o-mini/);
  });

  it("an unknown provider lists the known ones", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "acme/brain-1" }));
    expect(error.code).toBe("UNKNOWN_PROVIDER");
    expect(error.message).toMatch(/Unknown provider "acme".*openai, anthropic, sim, ollama/);
  });

  it("a tool name clash between local tools", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a", tools: [noop("dup"), noop("dup")] }));
    expect(error.code).toBe("TOOL_CONFLICT");
    expect(error.message).toMatch(/"dup" is used twice/);
  });

  it("a tool named like a handoff tool", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: ["sim/a", "sim/b"], tools: [noop("transfer_to_sim_b")] }));
    expect(error.code).toBe("TOOL_CONFLICT");
  });

  it("parameters that are not a zod object", async () => {
    const error = await failure(() =>
      defineTool({ name: "t", description: "", parameters: z.string() as unknown as z.ZodObject, execute: () => "" }),
    );
    expect(error.code).toBe("INVALID_TOOL");
    expect(error.message).toMatch(/parameters must be a zod object schema.*got a zod string schema/);
  });

  it("a tool that was not made with defineTool", async () => {
    runner = new Runner();
    const fake = { name: "x", description: "", parameters: z.object({}), execute: () => "" };
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a", tools: [fake as never] }));
    expect(error.code).toBe("INVALID_TOOL");
    expect(error.message).toMatch(/defineTool/);
  });

  it("an invalid tool name", async () => {
    const error = await failure(() => defineTool({ name: "has space", description: "", parameters: z.object({}), execute: () => "" }));
    expect(error.code).toBe("INVALID_TOOL");
  });

  it.each([0, -1, 2.5])("maxSteps %s", async (maxSteps) => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a", maxSteps }));
    expect(error.code).toBe("INVALID_OPTIONS");
    expect(error.message).toMatch(/maxSteps must be a whole number ≥ 1/);
  });

  it("input that is not a string", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: undefined as never, model: "sim/a" }));
    expect(error.code).toBe("INVALID_OPTIONS");
  });

  it("an unknown handoffs mode", async () => {
    runner = new Runner();
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a", handoffs: "relay" as never }));
    expect(error.code).toBe("INVALID_OPTIONS");
  });

  it("a closed runner", async () => {
    runner = new Runner();
    await runner.close();
    const error = await failure(() => runner.run({ input: "hi", model: "sim/a" }));
    expect(error.code).toBe("CLOSED");
  });
});
