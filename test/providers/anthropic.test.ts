import { afterEach, describe, expect, it } from "vitest";
import { defaultMaxTokens } from "../../src/providers/anthropicWire.js";
import type { ModelRequest } from "../../src/providers/types.js";
import type { SimServer, SimTurn } from "../../src/sim/index.js";
import type { Message } from "../../src/transcript/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, anthropicAt, lastBody, modelRequest, rejectionOf, searchTool, TEST_KEY, toolTranscript } from "./support.js";

let server: SimServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(turns: SimTurn[], model = ANTHROPIC_MODEL): Promise<SimServer> {
  server = await startCheckedSimServer({ scripts: { [model]: turns } });
  return server;
}

const request = (overrides: Partial<ModelRequest> = {}) => modelRequest("anthropic", ANTHROPIC_MODEL, overrides);
const thinkingOn = { extra: { thinking: { type: "enabled", budget_tokens: 1024 } } };

describe("anthropic adapter: JSON", () => {
  it("puts the system prompt in `system`, sets max_tokens and maps settings and the answer", async () => {
    const sim = await serve([{ text: "Hi there.", usage: { inputTokens: 12, outputTokens: 4 } }]);
    const response = await anthropicAt(sim).call(
      request({
        system: "Be brief.",
        messages: [
          { role: "system", content: "Answer in English." },
          { role: "user", content: "Hello" },
        ],
        tools: [searchTool],
        settings: { temperature: 0.3, topP: 0.8, stop: ["END"], extra: { metadata: { user_id: "u1" } } },
      }),
    );
    expect(response).toEqual({
      text: "Hi there.",
      toolCalls: [],
      usage: { inputTokens: 12, outputTokens: 4 },
      stopReason: "stop",
      // What the API says answered: its model and message id.
      responseModel: ANTHROPIC_MODEL,
      responseId: expect.any(String),
    });
    const body = lastBody(sim);
    expect(body.system).toBe("Be brief.\n\nAnswer in English.");
    expect(body.messages).toEqual([{ role: "user", content: "Hello" }]);
    expect(body).toMatchObject({
      model: ANTHROPIC_MODEL,
      max_tokens: 16384,
      temperature: 0.3,
      top_p: 0.8,
      stop_sequences: ["END"],
      metadata: { user_id: "u1" },
      stream: false,
    });
    expect(body.tools).toEqual([{ name: "search", description: "Search the web.", input_schema: searchTool.parameters }]);
    expect(sim.requests[0]?.path).toBe("/v1/messages");
  });

  it("takes max_tokens from a per-model table unless settings.maxTokens says otherwise", async () => {
    expect(defaultMaxTokens("claude-3-haiku-20240307")).toBe(4096);
    expect(defaultMaxTokens("claude-3-5-haiku-20241022")).toBe(8192);
    expect(defaultMaxTokens("claude-opus-4-20250514")).toBe(16384);
    const sim = await serve([{ text: "a" }, { text: "b" }], "claude-3-5-haiku-20241022");
    const provider = anthropicAt(sim);
    await provider.call(modelRequest("anthropic", "claude-3-5-haiku-20241022"));
    expect(lastBody(sim).max_tokens).toBe(8192);
    await provider.call(modelRequest("anthropic", "claude-3-5-haiku-20241022", { settings: { maxTokens: 77 } }));
    expect(lastBody(sim).max_tokens).toBe(77);
  });

  it("returns several tool_use blocks of one turn", async () => {
    const sim = await serve([
      {
        text: "Let me check.",
        toolCalls: [
          { name: "search", args: { q: "launch" } },
          { name: "fetch", args: { url: "https://example.com" } },
        ],
      },
    ]);
    const response = await anthropicAt(sim).call(request({ tools: [searchTool] }));
    expect(response).toMatchObject({ text: "Let me check.", stopReason: "tool_calls" });
    expect(response.toolCalls).toEqual([
      { id: "call_0_0", name: "search", args: { q: "launch" } },
      { id: "call_0_1", name: "fetch", args: { url: "https://example.com" } },
    ]);
  });

  it("sends all tool results of one assistant turn in ONE user message, before any text", async () => {
    const sim = await serve([{ text: "June 3." }]);
    const messages: Message[] = [...toolTranscript(), { role: "user", content: "And the time?" }];
    await anthropicAt(sim).call(request({ messages }));
    expect(lastBody(sim).messages).toEqual([
      { role: "user", content: "Find the launch date." },
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "call_a", name: "search", input: { q: "launch date" } },
          { type: "tool_use", id: "call_b", name: "fetch", input: { url: "https://example.com" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "call_a", content: "June 3" },
          { type: "tool_result", tool_use_id: "call_b", content: "404 not found", is_error: true },
          { type: "text", text: "And the time?" },
        ],
      },
    ]);
  });

  it("merges consecutive same-role turns and starts with a user turn", async () => {
    const sim = await serve([{ text: "ok" }]);
    await anthropicAt(sim).call(
      request({
        messages: [
          { role: "assistant", content: "Earlier answer." },
          { role: "user", content: "First." },
          { role: "user", content: "Second." },
        ],
      }),
    );
    expect(lastBody(sim).messages).toEqual([
      { role: "user", content: "Continue." },
      { role: "assistant", content: "Earlier answer." },
      {
        role: "user",
        content: [
          { type: "text", text: "First." },
          { type: "text", text: "Second." },
        ],
      },
    ]);
  });

  it("remaps ids Anthropic rejects, the same way for tool_use and tool_result", async () => {
    const sim = await serve([{ text: "ok" }]);
    await anthropicAt(sim).call(request({ messages: toolTranscript(["call:1/a", "call.2"]) }));
    const [, assistant, results] = lastBody(sim).messages as Array<{ content: Array<{ id?: string; tool_use_id?: string }> }>;
    const ids = assistant?.content.filter((b) => b.id).map((b) => b.id);
    expect(ids).toHaveLength(2);
    for (const id of ids ?? []) expect(id).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(results?.content.map((b) => b.tool_use_id)).toEqual(ids);
  });

  it("maps stop reasons: max_tokens → length, refusal → content_filter", async () => {
    const sim = await serve([
      { text: "cut", stopReason: "length" },
      { text: "no", stopReason: "content_filter" },
    ]);
    const provider = anthropicAt(sim);
    expect((await provider.call(request())).stopReason).toBe("length");
    expect((await provider.call(request())).stopReason).toBe("content_filter");
  });

  it("keeps broken tool input as args {} with argsError", async () => {
    const sim = await serve([{ toolCalls: [{ name: "search", args: { q: "x" } }], fault: { malformedToolArgs: true } }]);
    const [call] = (await anthropicAt(sim).call(request())).toolCalls;
    expect(call).toMatchObject({ name: "search", args: {} });
    expect(call?.argsError).toMatch(/must be a JSON object/);
  });
});

describe("anthropic adapter: streaming", () => {
  it("hands each text delta over as it arrives and maps usage", async () => {
    const sim = await serve([{ text: "one two three four five", latencyMs: 600, usage: { inputTokens: 8, outputTokens: 5 } }]);
    const started = Date.now();
    const deltas: Array<{ text: string; at: number }> = [];
    const response = await anthropicAt(sim).call(request({ onTextDelta: (text) => deltas.push({ text, at: Date.now() - started }) }));
    const done = Date.now() - started;
    expect(deltas.map((d) => d.text)).toEqual(["one ", "two ", "three ", "four ", "five"]);
    expect(response).toMatchObject({ text: "one two three four five", usage: { inputTokens: 8, outputTokens: 5 }, stopReason: "stop" });
    expect(deltas[0]?.at).toBeLessThan(done - 250);
    expect(lastBody(sim).stream).toBe(true);
  });

  it("joins input_json_delta fragments into tool arguments", async () => {
    const sim = await serve([
      {
        toolCalls: [
          { name: "search", args: { q: "a query long enough to arrive in several fragments" } },
          { name: "fetch", args: { url: "https://example.com/x/y/z" } },
        ],
      },
    ]);
    const response = await anthropicAt(sim).call(request({ onTextDelta: () => {} }));
    expect(response.stopReason).toBe("tool_calls");
    expect(response.toolCalls).toEqual([
      { id: "call_0_0", name: "search", args: { q: "a query long enough to arrive in several fragments" } },
      { id: "call_0_1", name: "fetch", args: { url: "https://example.com/x/y/z" } },
    ]);
  });

  it("maps streamed stop reasons and broken partial JSON", async () => {
    const sim = await serve([
      { text: "trunc", stopReason: "length" },
      { toolCalls: [{ name: "search", args: { q: "y" } }], fault: { malformedToolArgs: true } },
    ]);
    const provider = anthropicAt(sim);
    expect((await provider.call(request({ onTextDelta: () => {} }))).stopReason).toBe("length");
    const [call] = (await provider.call(request({ onTextDelta: () => {} }))).toolCalls;
    expect(call).toMatchObject({ name: "search", args: {} });
    expect(call?.argsError).toMatch(/not valid JSON/);
  });

  it("rejects with a retryable PROVIDER_ERROR when the stream is cut", async () => {
    const sim = await serve([{ text: "this answer will never finish", fault: { cutStreamAfter: 4 } }]);
    const deltas: string[] = [];
    const error = await rejectionOf(anthropicAt(sim).call(request({ onTextDelta: (t) => deltas.push(t) })));
    expect(error.code).toBe("PROVIDER_ERROR");
    expect(error.details).toMatchObject({ provider: "anthropic", model: ANTHROPIC_MODEL, retryable: true });
    expect(deltas.length).toBeGreaterThan(0);
  });

  it("cancels the HTTP request when the signal aborts mid-stream", async () => {
    const sim = await serve([{ text: "a b c d e f g h", latencyMs: 2000 }]);
    const controller = new AbortController();
    const started = Date.now();
    const error = await rejectionOf(anthropicAt(sim).call(request({ signal: controller.signal, onTextDelta: () => controller.abort() })));
    expect(error.code).toBe("CANCELLED");
    expect(Date.now() - started).toBeLessThan(1500);
  });
});

describe("anthropic adapter: thinking blocks", () => {
  it("returns thinking as anthropic providerParts and sends them back exactly", async () => {
    const sim = await serve([{ toolCalls: [{ name: "search", args: { q: "x" } }] }, { text: "done" }]);
    const provider = anthropicAt(sim);
    const first = await provider.call(request({ settings: thinkingOn, onTextDelta: () => {} }));
    expect(first.providerParts).toEqual([
      { provider: "anthropic", kind: "thinking", data: { thinking: "I should call search.", signature: expect.any(String) } },
    ]);
    const call = first.toolCalls[0]!;
    const messages: Message[] = [
      { role: "user", content: "Hello" },
      { role: "assistant", content: first.text, toolCalls: first.toolCalls, meta: { providerParts: first.providerParts ?? [] } },
      { role: "tool", toolCallId: call.id, name: call.name, content: "result" },
    ];
    const second = await provider.call(request({ settings: thinkingOn, messages }));
    expect(second.text).toBe("done");
    const assistant = lastBody(sim).messages[1] as { content: Array<{ type: string }> };
    expect(assistant.content[0]).toEqual({ type: "thinking", ...(first.providerParts?.[0]?.data as object) });
    expect(lastBody(sim).thinking).toEqual(thinkingOn.extra.thinking);
  });

  it("leaves thinking off for a call whose last tool turn another provider wrote (the API would reject it)", async () => {
    const sim = await serve([{ text: "done" }]);
    await anthropicAt(sim).call(request({ settings: thinkingOn, messages: toolTranscript() }));
    expect(sim.requests[0]?.status).toBe(200);
    expect(lastBody(sim).thinking).toBeUndefined();
  });

  it("the strict server rejects a thinking turn sent back without its thinking block", async () => {
    const sim = await serve([{ text: "unused" }]);
    const body = {
      model: ANTHROPIC_MODEL,
      max_tokens: 2000,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [
        { role: "user", content: "Hello" },
        { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "search", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "r" }] },
      ],
    };
    const res = await fetch(`${sim.anthropicBaseURL}/v1/messages`, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain("must start with a thinking block");
  });
});

describe("anthropic adapter: faults", () => {
  it("429 with Retry-After: retryable with retryAfterMs", async () => {
    const sim = await serve([{ fault: { status: 429, retryAfter: 3 } }]);
    const error = await rejectionOf(anthropicAt(sim).call(request()));
    expect(error.details).toEqual({ provider: "anthropic", model: ANTHROPIC_MODEL, status: 429, retryable: true, retryAfterMs: 3000 });
  });

  it("500 and 529 are retryable, 400 is not", async () => {
    const sim = await serve([{ fault: { status: 500 } }, { fault: { status: 529 } }, { fault: { status: 400, message: "bad input" } }]);
    const provider = anthropicAt(sim);
    expect((await rejectionOf(provider.call(request()))).details).toMatchObject({ status: 500, retryable: true });
    expect((await rejectionOf(provider.call(request({ onTextDelta: () => {} })))).details).toMatchObject({ status: 529, retryable: true });
    const bad = await rejectionOf(provider.call(request()));
    expect(bad.details).toMatchObject({ status: 400, retryable: false });
    expect(bad.message).toContain("bad input");
  });

  it("an invalid transcript is answered 400 by the strict server", async () => {
    const sim = await serve([{ text: "unused" }]);
    const error = await rejectionOf(anthropicAt(sim).call(request({ messages: toolTranscript().slice(0, 3) })));
    expect(error.details).toMatchObject({ status: 400, retryable: false });
    expect(error.message).toContain("call_b");
  });

  it("never puts the API key in an error", async () => {
    const sim = await serve([{ fault: { status: 401, message: `invalid x-api-key ${TEST_KEY}` } }]);
    const error = await rejectionOf(anthropicAt(sim).call(request()));
    expect(error.details).toMatchObject({ status: 401, retryable: false });
    expect(error.message).not.toContain(TEST_KEY);
    expect(JSON.stringify(error)).not.toContain(TEST_KEY);
  });
});
