/**
 * Issue 13 at the adapter: every request a provider accepts, in the corners a run reaches.
 * Tool history without tool definitions, blank text, nothing to send. The strict sim server
 * answers as the real API would (its refusals are checked here with raw requests).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { HISTORY_TOOL_DESCRIPTION } from "../../src/providers/anthropicMessages.js";
import { EMPTY_TOOL_RESULT, EMPTY_USER_TEXT } from "../../src/providers/content.js";
import type { ModelRequest, Provider } from "../../src/providers/types.js";
import type { SimRequest, SimServer } from "../../src/sim/index.js";
import type { Message } from "../../src/transcript/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, anthropicAt, lastBody, modelRequest, OPENAI_MODEL, openaiAt, rejectionOf, toolTranscript } from "./support.js";

let server: SimServer;
const seen = new Map<string, SimRequest>();
beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.set(request.model, request);
      return { text: "done" };
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  seen.clear();
});

const providers: Array<[string, () => Provider, string]> = [
  ["openai", () => openaiAt(server), OPENAI_MODEL],
  ["anthropic", () => anthropicAt(server), ANTHROPIC_MODEL],
];

async function rawAnthropic(body: Record<string, unknown>): Promise<{ status: number; message: string }> {
  const res = await fetch(`${server.anthropicBaseURL}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 100, ...body }),
  });
  const json = (await res.json()) as { error?: { message: string } };
  return { status: res.status, message: json.error?.message ?? "" };
}

const history = [...toolTranscript(), { role: "user", content: "Now write it up." }] as Message[];

describe("tool history without tools to offer", () => {
  for (const stream of [false, true]) {
    it(`anthropic${stream ? " (streamed)" : ""}: defines the history's tools and forbids calling them (tool_choice none)`, async () => {
      const request: Partial<ModelRequest> = { messages: history, tools: [], ...(stream ? { onTextDelta: () => {} } : {}) };
      expect((await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, request))).text).toBe("done");
      const body = lastBody(server);
      expect(body.tools).toEqual([
        { name: "search", description: HISTORY_TOOL_DESCRIPTION, input_schema: { type: "object" } },
        { name: "fetch", description: HISTORY_TOOL_DESCRIPTION, input_schema: { type: "object" } },
      ]);
      expect(body.tool_choice).toEqual({ type: "none" });
      // The history itself is sent as it was written: tool_use and tool_result blocks.
      expect(JSON.stringify(body.messages)).toContain('"type":"tool_use"');
      expect(JSON.stringify(body.messages)).toContain('"type":"tool_result"');
    });
  }

  it("anthropic: keeps tool_choice none with thinking on (only forced tool use conflicts with thinking)", async () => {
    const thinking = { maxTokens: 4096, extra: { thinking: { type: "enabled", budget_tokens: 1024 } } };
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: history, settings: thinking }));
    expect(server.requests.at(-1)?.status).toBe(200);
    expect(lastBody(server).tool_choice).toEqual({ type: "none" });
  });

  it("anthropic: a request with the agent's own tools sends those and no tool_choice", async () => {
    const tool = { name: "write", description: "Write.", parameters: { type: "object" } };
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: history, tools: [tool] }));
    expect((lastBody(server).tools as Array<{ name: string }>).map((t) => t.name)).toEqual(["write"]);
    expect(lastBody(server).tool_choice).toBeUndefined();
  });

  it("openai: sends the history without tool definitions, which Chat Completions accepts", async () => {
    expect((await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages: history }))).text).toBe("done");
    expect(lastBody(server).tools).toBeUndefined();
    expect(server.requests.at(-1)?.status).toBe(200);
  });

  it("the strict server refuses Anthropic tool blocks without tools (none, or an empty list) with the API's message", async () => {
    const messages = [
      { role: "user", content: "find it" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "search", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "found" }] },
    ];
    const expected = { status: 400, message: "Requests which include `tool_use` or `tool_result` blocks must define tools." };
    expect(await rawAnthropic({ messages })).toEqual(expected);
    expect(await rawAnthropic({ messages, tools: [] })).toEqual(expected);
    expect((await rawAnthropic({ messages, tools: [{ name: "search", input_schema: { type: "object" } }] })).status).toBe(200);
  });
});

describe("blank text becomes a placeholder the model can read", () => {
  const blank: Message[] = [
    { role: "user", content: " \n " },
    {
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "c1", name: "search", args: {} },
        { id: "c2", name: "fetch", args: {} },
      ],
    },
    { role: "tool", toolCallId: "c1", name: "search", content: "   \n  " },
    { role: "tool", toolCallId: "c2", name: "fetch", content: [{ type: "text", text: "\t" }], isError: true },
    { role: "user", content: [{ type: "text", text: "  " }] },
  ];

  it("anthropic: blank user text and blank tool results", async () => {
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: blank }));
    expect(lastBody(server).messages).toEqual([
      { role: "user", content: EMPTY_USER_TEXT },
      {
        role: "assistant",
        content: [
          { type: "tool_use", id: "c1", name: "search", input: {} },
          { type: "tool_use", id: "c2", name: "fetch", input: {} },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "c1", content: EMPTY_TOOL_RESULT },
          { type: "tool_result", tool_use_id: "c2", content: EMPTY_TOOL_RESULT, is_error: true },
          { type: "text", text: EMPTY_USER_TEXT },
        ],
      },
    ]);
    expect(
      seen
        .get(ANTHROPIC_MODEL)
        ?.messages.filter((m) => m.role === "tool")
        .map((m) => m.content),
    ).toEqual([EMPTY_TOOL_RESULT, EMPTY_TOOL_RESULT]);
  });

  it("openai: the same, an error result saying so", async () => {
    await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages: blank }));
    const messages = lastBody(server).messages;
    expect(messages[0]).toEqual({ role: "user", content: EMPTY_USER_TEXT });
    expect(messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "c1", content: EMPTY_TOOL_RESULT },
      { role: "tool", tool_call_id: "c2", content: `Error: ${EMPTY_TOOL_RESULT}` },
      { role: "user", content: EMPTY_USER_TEXT },
    ]);
  });

  it("the strict server refuses whitespace-only text, as a block or as a tool result's string", async () => {
    const toolTurn = (content: unknown) => [
      { role: "user", content: "go" },
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "search", input: {} }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content }] },
    ];
    const tools = [{ name: "search", input_schema: { type: "object" } }];
    expect((await rawAnthropic({ messages: toolTurn("  \n "), tools })).message).toContain(
      "text content blocks must contain non-whitespace text",
    );
    expect((await rawAnthropic({ messages: toolTurn([{ type: "text", text: " " }]), tools })).message).toContain("non-whitespace text");
    expect((await rawAnthropic({ messages: [{ role: "user", content: "  " }] })).message).toContain("non-whitespace text");
    expect((await rawAnthropic({ messages: toolTurn(""), tools })).status).toBe(200);
  });
});

describe("nothing to send", () => {
  for (const [name, provider, model] of providers) {
    it(`${name}: no messages, or only system text, is INVALID_OPTIONS before any HTTP call`, async () => {
      for (const messages of [[], [{ role: "system", content: "Be brief." }]] as Message[][]) {
        const error = await rejectionOf(provider().call(modelRequest(name, model, { system: "You write.", messages })));
        expect(error).toMatchObject({ name: "BatonError", code: "INVALID_OPTIONS", details: { provider: name, retryable: false } });
        expect(error.message).toContain(`${name}/${model}: the request has no messages to send`);
      }
      expect(server.requests).toHaveLength(0);
    });
  }
});
