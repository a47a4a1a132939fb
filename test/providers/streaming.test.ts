import { afterEach, describe, expect, it } from "vitest";
import { Runner } from "../../src/index.js";
import type { SimServer } from "../../src/sim/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";

let server: SimServer | undefined;
let runner: Runner | undefined;
afterEach(async () => {
  await runner?.close();
  await server?.close();
  runner = server = undefined;
});

describe("runner.stream over the providers' real SSE streams", () => {
  it.each([
    ["openai/gpt-4o-mini", "gpt-4o-mini"],
    ["anthropic/claude-sonnet-4-20250514", "claude-sonnet-4-20250514"],
  ])("%s: text.delta events arrive as the chunks arrive, not at the end", async (model, wire) => {
    server = await startCheckedSimServer({ scripts: { [wire]: [{ text: "one two three four five six", latencyMs: 700 }] } });
    runner = new Runner({
      providers: {
        openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
        anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
      },
    });
    const started = performance.now();
    const stream = runner.stream({ input: "count", model });
    const deltas: Array<{ text: string; at: number }> = [];
    for await (const event of stream) {
      if (event.type === "text.delta") deltas.push({ text: event.text, at: performance.now() - started });
      if (event.type === "text.delta") expect(event).toMatchObject({ model, step: 1 });
    }
    const finished = performance.now() - started;
    const result = await stream.result;
    expect(deltas.map((d) => d.text).join("")).toBe("one two three four five six");
    expect(deltas.length).toBeGreaterThan(1);
    // The first words are out well before the answer is complete.
    expect(deltas[0]!.at).toBeLessThan(finished - 300);
    expect(result.finalOutput).toBe("one two three four five six");
    // The request was a streamed one.
    expect((server.requests[0]!.body as { stream?: boolean }).stream).toBe(true);
  });

  it("runner.run does not stream (one JSON answer per call)", async () => {
    server = await startCheckedSimServer({ scripts: { "gpt-4o-mini": [{ text: "plain" }] } });
    runner = new Runner({ providers: { openai: { baseURL: server.openaiBaseURL, apiKey: "test" } } });
    const result = await runner.run({ input: "x", model: "openai/gpt-4o-mini" });
    expect(result.finalOutput).toBe("plain");
    expect((server.requests[0]!.body as { stream?: boolean }).stream).toBeFalsy();
  });
});
