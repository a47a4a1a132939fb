import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { type SimRequest, type SimServer, type SimServerOptions, startSimServer } from "../../src/sim/index.js";

const servers: SimServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: SimServerOptions): Promise<SimServer> {
  const server = await startSimServer(options);
  servers.push(server);
  return server;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  });
}

const openaiBody = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});
const anthropicBody = (extra: Record<string, unknown> = {}) => ({
  model: "claude-sonnet-4-20250514",
  max_tokens: 100,
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

/** A JSON response body, read loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary wire JSON
async function jsonOf(res: Response): Promise<any> {
  return res.json();
}

/** SSE frames of a response body: one string per event. */
function frames(text: string): string[] {
  return text.split("\n\n").filter((frame) => frame !== "");
}

describe("sim server basics", () => {
  it("listens on 127.0.0.1 on a free port and gives both SDK base URLs", async () => {
    const a = await start({ scripts: {} });
    const b = await start({ scripts: {} });
    expect(a.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.openaiBaseURL).toBe(`${a.url}/v1`);
    expect(a.anthropicBaseURL).toBe(a.url);
    expect(a.url).not.toBe(b.url);
  });

  it("records requests without credentials, with the status answered; reset clears them and the call counters", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [{ text: "first" }, { text: "second" }] } });
    const url = `${server.openaiBaseURL}/chat/completions`;
    const res = await post(url, openaiBody(), {
      authorization: "Bearer sk-secret-1234567",
      "x-api-key": "sk-secret-1234567",
      "x-trace": "t1",
    });
    expect((await jsonOf(res)).choices[0].message.content).toBe("first");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ provider: "openai", path: "/v1/chat/completions", body: openaiBody(), status: 200 });
    expect(server.requests[0]?.headers["x-trace"]).toBe("t1");
    expect(JSON.stringify(server.requests)).not.toContain("sk-secret");
    expect((await jsonOf(await post(url, openaiBody()))).choices[0].message.content).toBe("second");
    server.reset();
    expect(server.requests).toHaveLength(0);
    expect((await jsonOf(await post(url, openaiBody()))).choices[0].message.content).toBe("first");
  });

  it("counts calls per model; a request the validator rejects uses no turn", async () => {
    const calls: Array<[string, number]> = [];
    const script = (r: SimRequest) => {
      calls.push([r.model, r.callIndex]);
      return { text: "ok" };
    };
    const server = await start({ scripts: { "gpt-4o-mini": script, "gpt-4.1": script } });
    const url = `${server.openaiBaseURL}/chat/completions`;
    await post(url, openaiBody());
    expect((await post(url, openaiBody({ messages: [] }))).status).toBe(400);
    await post(url, openaiBody({ model: "gpt-4.1" }));
    await post(url, openaiBody());
    expect(calls).toEqual([
      ["gpt-4o-mini", 0],
      ["gpt-4.1", 0],
      ["gpt-4o-mini", 1],
    ]);
    expect(server.requests.map((r) => r.status)).toEqual([200, 400, 200, 200]);
  });

  it("answers unknown models, exhausted scripts, bad JSON and unknown routes in the provider's error shape", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [{ text: "once" }] } });
    const openai = `${server.openaiBaseURL}/chat/completions`;
    const missing = await post(openai, openaiBody({ model: "nope" }));
    expect(missing.status).toBe(404);
    expect(await jsonOf(missing)).toMatchObject({
      error: { type: "invalid_request_error", code: "model_not_found", message: expect.stringContaining('"nope"') },
    });
    await post(openai, openaiBody());
    const exhausted = await post(openai, openaiBody());
    expect(exhausted.status).toBe(400);
    expect((await jsonOf(exhausted)).error.message).toContain("has 1 turn(s) but call 2 was made");
    const anthropicMissing = await post(`${server.anthropicBaseURL}/v1/messages`, anthropicBody());
    expect(anthropicMissing.status).toBe(404);
    expect(await jsonOf(anthropicMissing)).toMatchObject({ type: "error", error: { type: "not_found_error" } });
    const badJson = await post(`${server.anthropicBaseURL}/v1/messages`, "{not json");
    expect(badJson.status).toBe(400);
    expect(await jsonOf(badJson)).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(404);
  });

  it("uses defaultScript for models without a script of their own", async () => {
    const server = await start({ scripts: {}, defaultScript: (r) => ({ text: `default for ${r.model}` }) });
    const res = await post(`${server.openaiBaseURL}/chat/completions`, openaiBody({ model: "any-model" }));
    expect((await jsonOf(res)).choices[0].message.content).toBe("default for any-model");
  });
});

describe("wire translation for scripts", () => {
  it("shows a script the OpenAI request as neutral messages", async () => {
    let seen: SimRequest | undefined;
    const server = await start({
      scripts: {
        "gpt-4o-mini": (r) => {
          seen = r;
          return { text: "ok" };
        },
      },
    });
    await post(
      `${server.openaiBaseURL}/chat/completions`,
      openaiBody({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: [{ type: "text", text: "Find it." }] },
          {
            role: "assistant",
            content: null,
            tool_calls: [{ id: "c1", type: "function", function: { name: "search", arguments: '{"q":"x"}' } }],
          },
          { role: "tool", tool_call_id: "c1", content: "found" },
        ],
        tools: [{ type: "function", function: { name: "search", description: "Search.", parameters: { type: "object" } } }],
      }),
    );
    expect(seen).toEqual({
      model: "gpt-4o-mini",
      callIndex: 0,
      system: "Be brief.",
      messages: [
        { role: "user", content: "Find it." },
        { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "search", args: { q: "x" } }] },
        { role: "tool", toolCallId: "c1", name: "search", content: "found" },
      ],
      tools: [{ name: "search", description: "Search.", parameters: { type: "object" } }],
    });
  });

  it("shows a script the Anthropic request as neutral messages", async () => {
    let seen: SimRequest | undefined;
    const server = await start({
      scripts: {
        "claude-sonnet-4-20250514": (r) => {
          seen = r;
          return { text: "ok" };
        },
      },
    });
    await post(
      `${server.anthropicBaseURL}/v1/messages`,
      anthropicBody({
        system: [{ type: "text", text: "Be brief." }],
        tools: [{ name: "search", input_schema: { type: "object" } }],
        messages: [
          { role: "user", content: "Find it." },
          {
            role: "assistant",
            content: [
              { type: "text", text: "Looking." },
              { type: "tool_use", id: "t1", name: "search", input: { q: "x" } },
            ],
          },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: "t1", content: [{ type: "text", text: "nothing" }], is_error: true },
              { type: "text", text: "Try again." },
            ],
          },
        ],
      }),
    );
    expect(seen?.system).toBe("Be brief.");
    expect(seen?.messages).toEqual([
      { role: "user", content: "Find it." },
      { role: "assistant", content: "Looking.", toolCalls: [{ id: "t1", name: "search", args: { q: "x" } }] },
      { role: "tool", toolCallId: "t1", name: "search", content: "nothing", isError: true },
      { role: "user", content: "Try again." },
    ]);
  });
});

describe("wire framing", () => {
  const turn = {
    text: "Hello big world",
    toolCalls: [{ name: "search", args: { q: "a fairly long query string" } }],
    usage: { inputTokens: 7, outputTokens: 9 },
  };

  it("OpenAI: data-only chunks, role first, tool-call fragments, finish, usage chunk, [DONE]", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [turn, turn] } });
    const url = `${server.openaiBaseURL}/chat/completions`;
    const res = await post(url, openaiBody({ stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const events = frames(await res.text());
    for (const event of events) expect(event).toMatch(/^data: /);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.slice(6)));
    expect(chunks[0].choices[0].delta).toMatchObject({ role: "assistant", content: "" });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe("Hello big world");
    const fragments = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(fragments.length).toBeGreaterThan(2);
    expect(fragments[0]).toMatchObject({ index: 0, id: "call_0_0", type: "function", function: { name: "search", arguments: "" } });
    expect(JSON.parse(fragments.map((f) => f.function.arguments).join(""))).toEqual({ q: "a fairly long query string" });
    const finish = chunks.at(-2);
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: "tool_calls" });
    expect(finish.usage).toBeNull();
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 } });

    const plain = frames(await (await post(url, openaiBody({ stream: true }))).text());
    expect(plain.some((e) => e.includes('"usage"'))).toBe(false);
  });

  it("Anthropic: named events from message_start to message_stop", async () => {
    const server = await start({ scripts: { "claude-sonnet-4-20250514": [turn] } });
    const res = await post(`${server.anthropicBaseURL}/v1/messages`, anthropicBody({ stream: true }));
    const events = frames(await res.text()).map((frame) => {
      const [eventLine, dataLine] = frame.split("\n");
      const name = eventLine?.replace(/^event: /, "");
      const data = JSON.parse(dataLine?.replace(/^data: /, "") ?? "null");
      expect(data.type).toBe(name);
      return data;
    });
    const types = events.map((e) => (e.type === "content_block_delta" ? e.delta.type : e.type));
    expect(types).toEqual([
      "message_start",
      "ping",
      "content_block_start",
      "text_delta",
      "text_delta",
      "text_delta",
      "content_block_stop",
      "content_block_start",
      ...types.filter((t) => t === "input_json_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(types.filter((t) => t === "input_json_delta").length).toBeGreaterThan(1);
    expect(events[0].message).toMatchObject({ role: "assistant", content: [], stop_reason: null, usage: { input_tokens: 7 } });
    expect(events.at(-2)).toMatchObject({ delta: { stop_reason: "tool_use" }, usage: { output_tokens: 9 } });
  });

  it("the official SDKs' own stream helpers assemble the same answer", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [turn], "claude-sonnet-4-20250514": [turn] } });
    const openai = new OpenAI({ apiKey: "k", baseURL: server.openaiBaseURL, maxRetries: 0 });
    const completion = await openai.chat.completions
      .stream({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], stream_options: { include_usage: true } })
      .finalChatCompletion();
    expect(completion.choices[0]?.message).toMatchObject({
      content: "Hello big world",
      tool_calls: [{ id: "call_0_0", function: { name: "search", arguments: '{"q":"a fairly long query string"}' } }],
    });
    expect(completion.usage?.total_tokens).toBe(16);
    const anthropic = new Anthropic({ apiKey: "k", baseURL: server.anthropicBaseURL, maxRetries: 0 });
    const message = await anthropic.messages
      .stream({ model: "claude-sonnet-4-20250514", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] })
      .finalMessage();
    expect(message.content).toMatchObject([
      { type: "text", text: "Hello big world" },
      { type: "tool_use", id: "call_0_0", name: "search", input: { q: "a fairly long query string" } },
    ]);
    expect(message.stop_reason).toBe("tool_use");
  });
});

describe("faults", () => {
  it("status and Retry-After in the provider's error shape", async () => {
    const server = await start({
      scripts: {
        "gpt-4o-mini": [{ fault: { status: 429, retryAfter: 5 } }],
        "claude-sonnet-4-20250514": [{ fault: { status: 529, message: "busy" } }],
      },
    });
    const limited = await post(`${server.openaiBaseURL}/chat/completions`, openaiBody());
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("5");
    expect(await jsonOf(limited)).toMatchObject({ error: { type: "requests", code: "rate_limit_exceeded" } });
    const overloaded = await post(`${server.anthropicBaseURL}/v1/messages`, anthropicBody({ stream: true }));
    expect(overloaded.status).toBe(529);
    expect(await jsonOf(overloaded)).toEqual({ type: "error", error: { type: "overloaded_error", message: "busy" }, request_id: null });
  });

  it("latency delays a JSON answer", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [{ text: "slow", latencyMs: 150 }] } });
    const started = Date.now();
    await jsonOf(await post(`${server.openaiBaseURL}/chat/completions`, openaiBody()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("cutStreamAfter destroys the socket after exactly that many events", async () => {
    const server = await start({ scripts: { "claude-sonnet-4-20250514": [{ text: "one two three four", fault: { cutStreamAfter: 3 } }] } });
    const res = await post(`${server.anthropicBaseURL}/v1/messages`, anthropicBody({ stream: true }));
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let failure: unknown;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeDefined();
    expect(frames(text).map((f) => f.split("\n")[0])).toEqual(["event: message_start", "event: ping", "event: content_block_start"]);
  });

  it("malformedToolArgs breaks the argument JSON", async () => {
    const server = await start({
      scripts: { "gpt-4o-mini": [{ toolCalls: [{ name: "search", args: { q: "x" } }], fault: { malformedToolArgs: true } }] },
    });
    const body = await jsonOf(await post(`${server.openaiBaseURL}/chat/completions`, openaiBody()));
    const args = body.choices[0].message.tool_calls[0].function.arguments;
    expect(() => JSON.parse(args)).toThrow();
  });
});

describe("close", () => {
  it("destroys streams in flight and resolves promptly; closing twice is fine", async () => {
    const server = await start({ scripts: { "gpt-4o-mini": [{ text: "a b c d", latencyMs: 10_000 }] } });
    const reading = post(`${server.openaiBaseURL}/chat/completions`, openaiBody({ stream: true })).then((res) => res.text());
    while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await server.close();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(reading).rejects.toThrow();
    await expect(fetch(`${server.url}/v1/chat/completions`, { method: "POST" })).rejects.toThrow();
  });
});
