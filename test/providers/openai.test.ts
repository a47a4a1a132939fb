import { afterEach, describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../actors/providers/openai.js";
import type { ModelRequest } from "../../src/providers/types.js";
import type { SimServer, SimTurn } from "../../src/sim/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { lastBody, modelRequest, OPENAI_MODEL, openaiAt, rejectionOf, searchTool, TEST_KEY, toolTranscript } from "./support.js";

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(turns: SimTurn[], model = OPENAI_MODEL): Promise<SimServer> {
  server = await startCheckedSimServer({ scripts: { [model]: turns } });
  return server;
}

const request = (overrides: Partial<ModelRequest> = {}) => modelRequest("openai", OPENAI_MODEL, overrides);

describe("openai adapter: JSON", () => {
  it("sends system, messages and settings under their wire names and maps the answer", async () => {
    const sim = await serve([{ text: "Hi there.", usage: { inputTokens: 11, outputTokens: 3 } }]);
    const response = await openaiAt(sim).call(
      request({
        system: "Be brief.",
        tools: [searchTool],
        settings: { temperature: 0.2, topP: 0.9, maxTokens: 55, stop: ["END"], extra: { seed: 7, user: "u1" } },
      }),
    );
    expect(response).toEqual({
      text: "Hi there.",
      toolCalls: [],
      usage: { inputTokens: 11, outputTokens: 3 },
      stopReason: "stop",
      // What the API says answered: its model and completion id.
      responseModel: expect.any(String),
      responseId: expect.stringMatching(/^chatcmpl-/),
    });
    const body = lastBody(sim);
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hello" },
    ]);
    expect(body).toMatchObject({
      model: OPENAI_MODEL,
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 55,
      stop: ["END"],
      seed: 7,
      user: "u1",
    });
    expect(body.max_tokens).toBeUndefined();
    expect(body.stream).toBe(false);
    expect(body.stream_options).toBeUndefined();
    expect(body.tools).toEqual([
      { type: "function", function: { name: "search", description: "Search the web.", parameters: searchTool.parameters } },
    ]);
    expect(sim.requests[0]?.path).toBe("/v1/chat/completions");
  });

  it("returns several tool calls of one turn with parsed arguments", async () => {
    const sim = await serve([
      {
        text: "",
        toolCalls: [
          { name: "search", args: { q: "first query with enough text to split", n: 3 } },
          { name: "fetch", args: { url: "https://example.com/a" } },
        ],
      },
    ]);
    const response = await openaiAt(sim).call(request({ tools: [searchTool] }));
    expect(response.stopReason).toBe("tool_calls");
    expect(response.text).toBe("");
    expect(response.toolCalls).toEqual([
      { id: "call_0_0", name: "search", args: { q: "first query with enough text to split", n: 3 } },
      { id: "call_0_1", name: "fetch", args: { url: "https://example.com/a" } },
    ]);
  });

  it("sends tool calls and their results, an error result marked as such", async () => {
    const sim = await serve([{ text: "It launches June 3." }]);
    const response = await openaiAt(sim).call(request({ messages: toolTranscript() }));
    expect(response.text).toBe("It launches June 3.");
    expect(lastBody(sim).messages).toEqual([
      { role: "user", content: "Find the launch date." },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          { id: "call_a", type: "function", function: { name: "search", arguments: '{"q":"launch date"}' } },
          { id: "call_b", type: "function", function: { name: "fetch", arguments: '{"url":"https://example.com"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_a", content: "June 3" },
      { role: "tool", tool_call_id: "call_b", content: "Error: 404 not found" },
    ]);
  });

  it("shortens tool-call ids longer than OpenAI accepts, the same way for the call and its result", async () => {
    const longId = `toolu_${"x".repeat(50)}`;
    const sim = await serve([{ text: "ok" }]);
    await openaiAt(sim).call(request({ messages: toolTranscript([longId, "short"]) }));
    const [, assistant, result] = lastBody(sim).messages as Array<{ tool_calls?: Array<{ id: string }>; tool_call_id?: string }>;
    const sent = assistant?.tool_calls?.[0]?.id ?? "";
    expect(sent.length).toBeLessThanOrEqual(40);
    expect(sent).not.toBe(longId);
    expect(result?.tool_call_id).toBe(sent);
  });

  it("maps finish reasons: length and content_filter", async () => {
    const sim = await serve([
      { text: "cut sho", stopReason: "length" },
      { text: "", stopReason: "content_filter" },
    ]);
    const provider = openaiAt(sim);
    expect((await provider.call(request())).stopReason).toBe("length");
    expect((await provider.call(request())).stopReason).toBe("content_filter");
  });

  it("keeps malformed tool-call JSON as args {} with argsError", async () => {
    const sim = await serve([{ toolCalls: [{ name: "search", args: { q: "x" } }], fault: { malformedToolArgs: true } }]);
    const [call] = (await openaiAt(sim).call(request())).toolCalls;
    expect(call?.args).toEqual({});
    expect(call?.argsError).toMatch(/not valid JSON/);
    expect(call?.name).toBe("search");
  });
});

describe("openai adapter: streaming", () => {
  it("streams with include_usage and hands each delta over as it arrives", async () => {
    const sim = await serve([{ text: "one two three four five", latencyMs: 600, usage: { inputTokens: 9, outputTokens: 5 } }]);
    const started = Date.now();
    const deltas: Array<{ text: string; at: number }> = [];
    const response = await openaiAt(sim).call(request({ onTextDelta: (text) => deltas.push({ text, at: Date.now() - started }) }));
    const done = Date.now() - started;
    expect(deltas.map((d) => d.text)).toEqual(["one ", "two ", "three ", "four ", "five"]);
    expect(response.text).toBe("one two three four five");
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 5 });
    // The first delta came well before the answer was complete: nothing was buffered.
    expect(deltas[0]?.at).toBeLessThan(done - 250);
    expect(lastBody(sim)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("joins streamed tool-call fragments by index", async () => {
    const sim = await serve([
      {
        text: "Checking.",
        toolCalls: [
          { name: "search", args: { q: "a long query that arrives in several fragments", page: 2 } },
          { name: "fetch", args: { url: "https://example.com/some/long/path" } },
        ],
      },
    ]);
    const deltas: string[] = [];
    const response = await openaiAt(sim).call(request({ onTextDelta: (t) => deltas.push(t) }));
    expect(deltas.join("")).toBe("Checking.");
    expect(response.stopReason).toBe("tool_calls");
    expect(response.toolCalls).toEqual([
      { id: "call_0_0", name: "search", args: { q: "a long query that arrives in several fragments", page: 2 } },
      { id: "call_0_1", name: "fetch", args: { url: "https://example.com/some/long/path" } },
    ]);
  });

  it("maps streamed stop reasons and malformed arguments", async () => {
    const sim = await serve([
      { text: "trunc", stopReason: "length" },
      { toolCalls: [{ name: "search", args: { q: "y" } }], fault: { malformedToolArgs: true } },
    ]);
    const provider = openaiAt(sim);
    expect((await provider.call(request({ onTextDelta: () => {} }))).stopReason).toBe("length");
    const [call] = (await provider.call(request({ onTextDelta: () => {} }))).toolCalls;
    expect(call).toMatchObject({ name: "search", args: {} });
    expect(call?.argsError).toBeTruthy();
  });

  it("rejects with a retryable PROVIDER_ERROR when the stream is cut", async () => {
    const sim = await serve([{ text: "this answer will never finish", fault: { cutStreamAfter: 3 } }]);
    const deltas: string[] = [];
    const error = await rejectionOf(openaiAt(sim).call(request({ onTextDelta: (t) => deltas.push(t) })));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toMatchObject({ provider: "openai", model: OPENAI_MODEL, retryable: true });
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.length).toBeLessThan(5);
  });

  it("cancels the HTTP request when the signal aborts mid-stream", async () => {
    const sim = await serve([{ text: "a b c d e f g h", latencyMs: 2000 }]);
    const controller = new AbortController();
    const started = Date.now();
    const error = await rejectionOf(openaiAt(sim).call(request({ signal: controller.signal, onTextDelta: () => controller.abort() })));
    expect(error.code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it("rethrows an exception from the delta callback as it is", async () => {
    const sim = await serve([{ text: "hello world" }]);
    const boom = new Error("listener failed");
    const error = await rejectionOf(
      openaiAt(sim).call(
        request({
          onTextDelta: () => {
            throw boom;
          },
        }),
      ),
    );
    expect(error).toBe(boom);
  });
});

describe("openai adapter: faults", () => {
  it("429 with Retry-After: retryable with retryAfterMs", async () => {
    const sim = await serve([{ fault: { status: 429, retryAfter: 2 } }]);
    const error = await rejectionOf(openaiAt(sim).call(request()));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toEqual({ provider: "openai", model: OPENAI_MODEL, status: 429, retryable: true, retryAfterMs: 2000 });
    expect(sim.requests[0]?.status).toBe(429);
  });

  it("500 is retryable, 400 is not", async () => {
    const sim = await serve([{ fault: { status: 500 } }, { fault: { status: 400, message: "bad thing" } }]);
    const provider = openaiAt(sim);
    expect((await rejectionOf(provider.call(request()))).details).toMatchObject({ status: 500, retryable: true });
    const bad = await rejectionOf(provider.call(request({ onTextDelta: () => {} })));
    expect(bad.details).toMatchObject({ status: 400, retryable: false });
    expect(bad.message).toContain("bad thing");
  });

  it("a connection dropped before a JSON answer is a retryable PROVIDER_ERROR", async () => {
    const sim = await serve([{ text: "never sent", fault: { cutStreamAfter: 0 } }]);
    const error = await rejectionOf(openaiAt(sim).call(request()));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toMatchObject({ retryable: true });
    expect(error.details?.status).toBeUndefined();
  });

  it("an invalid transcript is answered 400 by the strict server: not retryable", async () => {
    const sim = await serve([{ text: "unused" }]);
    const transcript = toolTranscript().slice(0, 3); // call_b has no result
    const error = await rejectionOf(openaiAt(sim).call(request({ messages: transcript })));
    expect(error.details).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain("call_b");
  });

  it("never puts the API key in an error, even when the server echoes it", async () => {
    const sim = await serve([{ fault: { status: 401, message: `Incorrect API key provided: ${TEST_KEY}.` } }]);
    const error = await rejectionOf(openaiAt(sim).call(request()));
    expect(error.details).toMatchObject({ status: 401, retryable: false });
    expect(error.message).not.toContain(TEST_KEY);
    expect(JSON.stringify(error)).not.toContain(TEST_KEY);
    expect(JSON.stringify(error.details)).not.toContain(TEST_KEY);
    expect(error.message).toContain("[redacted]");
  });
});

describe("openai-compatible presets", () => {
  it("use the openai adapter with max_tokens and no key for a local preset", async () => {
    const sim = await serve([{ text: "local answer" }], "llama3.1");
    const provider = createOpenAIProvider({ name: "ollama", compatible: true, baseURL: sim.openaiBaseURL }, {});
    const response = await provider.call(modelRequest("ollama", "llama3.1", { settings: { maxTokens: 20 }, onTextDelta: () => {} }));
    expect(response.text).toBe("local answer");
    expect(lastBody(sim)).toMatchObject({ max_tokens: 20, stream: true, stream_options: { include_usage: true } });
    expect(lastBody(sim).max_completion_tokens).toBeUndefined();
  });
});
