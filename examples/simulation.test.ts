/**
 * How to test your own team without a network: point the real providers at baton's sim server
 * (it speaks the OpenAI and Anthropic wire protocols, SSE included), script what each model
 * says, and assert on the result and on the requests the SDKs actually sent.
 *
 *   npx vitest run examples/simulation.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, Runner } from "../src/index.js";
import { type SimServer, startSimServer } from "../src/sim/index.js";

describe("my research team, simulated", () => {
  let server: SimServer;
  let runner: Runner;

  beforeAll(async () => {
    server = await startSimServer({
      scripts: {
        // Scripts are keyed by the provider's model name, as it appears on the wire.
        "gpt-4o-mini": [
          { toolCalls: [{ name: "lookup", args: { topic: "launch" } }] },
          { handoff: { to: "anthropic/claude-sonnet-4-20250514", reason: "writing", task: "Write it up" } },
        ],
        "claude-sonnet-4-20250514": (request) => ({
          text: `Post based on: ${request.messages.find((m) => m.role === "tool")?.content}`,
        }),
      },
    });
    runner = new Runner({
      providers: {
        openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
        anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
      },
      retry: { maxRetries: 0 },
    });
  });

  afterAll(async () => {
    await runner.close();
    await server.close();
  });

  it("researches with a tool, hands off, and writes", async () => {
    const lookup = defineTool({
      name: "lookup",
      description: "Look up facts",
      parameters: z.object({ topic: z.string() }),
      execute: ({ topic }) => `facts about ${topic}`,
    });
    const stream = runner.stream({
      input: "Research the launch and write a post",
      model: ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"],
      tools: [lookup],
    });
    let streamed = "";
    stream.on("text.delta", (e) => {
      streamed += e.text;
    });
    const result = await stream.result;

    expect(result.finalOutput).toBe("Post based on: facts about launch");
    expect(streamed).toBe(result.finalOutput);
    expect(result.handoffs.map((h) => `${h.from} → ${h.to}`)).toEqual(["openai/gpt-4o-mini → anthropic/claude-sonnet-4-20250514"]);

    // The requests the real SDKs sent: two Chat Completions calls, then one Messages call
    // carrying the OpenAI model's tool calls as tool_use / tool_result blocks.
    expect(server.requests.map((r) => r.provider)).toEqual(["openai", "openai", "anthropic"]);
    const last = server.requests[2]!.body as { messages: Array<{ role: string; content: unknown }> };
    expect(JSON.stringify(last.messages)).toContain('"type":"tool_result"');
  });
});
