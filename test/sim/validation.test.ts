/**
 * The sim server rejects what the real APIs reject, with 400 in the provider's error shape,
 * so a transcript that breaks a provider's rules fails in tests instead of in production.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimServer, startSimServer } from "../../src/sim/index.js";
import { thinkingSignature } from "../../src/sim/server/thinking.js";

let server: SimServer;
beforeAll(async () => {
  server = await startSimServer({ scripts: {}, defaultScript: () => ({ text: "accepted" }) });
});
afterAll(async () => {
  await server.close();
});

async function send(path: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const call = (id: string, name = "search") => ({ id, type: "function", function: { name, arguments: "{}" } });
const user = { role: "user", content: "Hi" };

describe("OpenAI Chat Completions validation", () => {
  const openai = (messages: unknown[], extra: Record<string, unknown> = {}) =>
    send("/v1/chat/completions", { model: "gpt-4o-mini", messages, ...extra });

  it("accepts a valid tool conversation", async () => {
    const result = await openai([
      user,
      { role: "assistant", content: null, tool_calls: [call("a"), call("b")] },
      { role: "tool", tool_call_id: "b", content: "2" },
      { role: "tool", tool_call_id: "a", content: "1" },
      { role: "user", content: "thanks" },
    ]);
    expect(result.status).toBe(200);
  });

  const cases: Array<[string, unknown[], Record<string, unknown>, string]> = [
    ["empty messages", [], {}, "empty array"],
    [
      "a tool call without its result before the next message",
      [user, { role: "assistant", tool_calls: [call("a"), call("b")] }, { role: "tool", tool_call_id: "a", content: "1" }, user],
      {},
      "did not have response messages: b",
    ],
    [
      "a tool call without any result at the end",
      [user, { role: "assistant", tool_calls: [call("a")] }],
      {},
      "did not have response messages: a",
    ],
    [
      "an orphan tool message",
      [user, { role: "tool", tool_call_id: "x", content: "1" }],
      {},
      "must be a response to a preceding message with 'tool_calls'",
    ],
    [
      "a duplicate tool result",
      [
        user,
        { role: "assistant", tool_calls: [call("a")] },
        { role: "tool", tool_call_id: "a", content: "1" },
        { role: "tool", tool_call_id: "a", content: "1" },
      ],
      {},
      "tool_call_id 'a'",
    ],
    [
      "a bad tool name in a call",
      [user, { role: "assistant", tool_calls: [call("a", "bad name!")] }, { role: "tool", tool_call_id: "a", content: "1" }],
      {},
      "does not match pattern",
    ],
    [
      "a tool call id over 40 characters",
      [user, { role: "assistant", tool_calls: [call("x".repeat(41))] }, { role: "tool", tool_call_id: "x".repeat(41), content: "1" }],
      {},
      "maximum length 40",
    ],
    [
      "an assistant message with neither content nor tool calls",
      [user, { role: "assistant", content: null }],
      {},
      "expected a string, got null",
    ],
    ["an unknown role", [{ role: "robot", content: "x" }], {}, "Supported values are"],
    [
      "a bad tool name in tools",
      [user],
      { tools: [{ type: "function", function: { name: "no spaces allowed", parameters: { type: "object" } } }] },
      "tools[0].function.name",
    ],
    ["stream_options without stream", [user], { stream_options: { include_usage: true } }, "only allowed when 'stream' is enabled"],
    ["temperature out of range", [user], { temperature: 3 }, "'temperature'"],
  ];

  for (const [name, messages, extra, fragment] of cases) {
    it(`rejects ${name}`, async () => {
      const result = await openai(messages, extra);
      expect(result.status).toBe(400);
      expect(result.json).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining(fragment) } });
    });
  }
});

const searchTool = { name: "search", description: "Search.", input_schema: { type: "object" } };

describe("Anthropic Messages validation", () => {
  const anthropic = (messages: unknown[], extra: Record<string, unknown> = {}) =>
    send("/v1/messages", { model: "claude-sonnet-4-20250514", max_tokens: 2000, messages, tools: [searchTool], ...extra });
  const toolUse = (id: string, name = "search") => ({ type: "tool_use", id, name, input: {} });
  const toolResult = (id: string) => ({ type: "tool_result", tool_use_id: id, content: "r" });

  it("accepts a valid tool conversation and a final assistant prefill", async () => {
    const result = await anthropic([
      user,
      { role: "assistant", content: [{ type: "text", text: "Looking." }, toolUse("t1"), toolUse("t2")] },
      { role: "user", content: [toolResult("t2"), toolResult("t1"), { type: "text", text: "go on" }] },
      { role: "assistant", content: "Sure" },
    ]);
    expect(result.status).toBe(200);
  });

  it("accepts thinking blocks with a valid signature when thinking is on", async () => {
    const thinking = "I should call search.";
    const result = await anthropic(
      [
        user,
        { role: "assistant", content: [{ type: "thinking", thinking, signature: thinkingSignature(thinking) }, toolUse("t1")] },
        { role: "user", content: [toolResult("t1")] },
      ],
      { thinking: { type: "enabled", budget_tokens: 1024 } },
    );
    expect(result.status).toBe(200);
  });

  const cases: Array<[string, unknown[], Record<string, unknown>, string]> = [
    ["a missing max_tokens", [user], { max_tokens: undefined }, "max_tokens: Field required"],
    ["a system role in messages", [{ role: "system", content: "x" }, user], {}, 'Unexpected role "system"'],
    ["a first assistant turn", [{ role: "assistant", content: "x" }, user], {}, 'first message must use the "user" role'],
    ["two user turns in a row", [user, user], {}, "roles must alternate"],
    [
      "two assistant turns in a row",
      [user, { role: "assistant", content: "a" }, { role: "assistant", content: "b" }],
      {},
      "roles must alternate",
    ],
    [
      "a tool_use without a tool_result in the next message",
      [user, { role: "assistant", content: [toolUse("t1"), toolUse("t2")] }, { role: "user", content: [toolResult("t1")] }],
      {},
      "without `tool_result` blocks immediately after: t2",
    ],
    [
      "a tool_use answered only later",
      [
        user,
        { role: "assistant", content: [toolUse("t1")] },
        { role: "user", content: "wait" },
        { role: "assistant", content: "ok" },
        { role: "user", content: [toolResult("t1")] },
      ],
      {},
      "immediately after: t1",
    ],
    ["an orphan tool_result", [{ role: "user", content: [toolResult("zz")] }], {}, "unexpected `tool_use_id`"],
    [
      "a tool_use id with invalid characters",
      [user, { role: "assistant", content: [toolUse("call:1")] }, { role: "user", content: [toolResult("call_1")] }],
      {},
      "String should match pattern '^[a-zA-Z0-9_-]+$'",
    ],
    [
      "a tool name with invalid characters",
      [user, { role: "assistant", content: [toolUse("t1", "web.search")] }, { role: "user", content: [toolResult("t1")] }],
      {},
      "name: String should match pattern",
    ],
    [
      "duplicate tool_use ids",
      [user, { role: "assistant", content: [toolUse("t1"), toolUse("t1")] }, { role: "user", content: [toolResult("t1")] }],
      {},
      "ids must be unique",
    ],
    ["an empty text block", [{ role: "user", content: [{ type: "text", text: "" }] }], {}, "text content blocks must be non-empty"],
    ["an empty user message", [{ role: "user", content: [] }], {}, "must have non-empty content"],
    [
      "a tool_result in an assistant turn",
      [user, { role: "assistant", content: [toolResult("t1")] }],
      {},
      'not allowed in a "assistant" message',
    ],
    ["a tool without an object schema", [user], { tools: [{ name: "search", input_schema: { type: "string" } }] }, "input_schema.type"],
    [
      "duplicate tool names",
      [user],
      {
        tools: [
          { name: "a", input_schema: { type: "object" } },
          { name: "a", input_schema: { type: "object" } },
        ],
      },
      "Tool names must be unique",
    ],
    ["temperature above 1", [user], { temperature: 1.5 }, "temperature"],
    [
      "a forged thinking signature",
      [
        user,
        { role: "assistant", content: [{ type: "thinking", thinking: "x", signature: "forged" }, toolUse("t1")] },
        { role: "user", content: [toolResult("t1")] },
      ],
      {},
      "Invalid `signature`",
    ],
    [
      "a tool turn without thinking while thinking is on",
      [user, { role: "assistant", content: [toolUse("t1")] }, { role: "user", content: [toolResult("t1")] }],
      { thinking: { type: "enabled", budget_tokens: 1024 } },
      "must start with a thinking block",
    ],
    [
      "a thinking budget not below max_tokens",
      [user],
      { thinking: { type: "enabled", budget_tokens: 4000 } },
      "must be greater than `thinking.budget_tokens`",
    ],
  ];

  for (const [name, messages, extra, fragment] of cases) {
    it(`rejects ${name}`, async () => {
      const result = await anthropic(messages, extra);
      expect(result.status).toBe(400);
      expect(result.json).toMatchObject({
        type: "error",
        error: { type: "invalid_request_error", message: expect.stringContaining(fragment) },
      });
    });
  }
});
