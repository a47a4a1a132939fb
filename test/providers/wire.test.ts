import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../actors/providers/anthropic.js";
import { createOpenAIProvider } from "../../actors/providers/openai.js";
import { redact } from "../../src/providers/callFailure.js";
import { OpenAIStreamAccumulator } from "../../src/providers/openaiWire.js";
import { parseToolArgs } from "../../src/providers/toolArgs.js";
import { anthropicToolId, openaiToolId } from "../../src/providers/toolIds.js";
import { ANTHROPIC_MODEL, modelRequest, OPENAI_MODEL, rejectionOf } from "./support.js";

describe("tool-call ids", () => {
  it("keep valid ids and remap others deterministically into the provider's shape", () => {
    expect(anthropicToolId("toolu_01AbC-d")).toBe("toolu_01AbC-d");
    expect(openaiToolId("call:1/x")).toBe("call:1/x");
    const remapped = anthropicToolId("call:1/x");
    expect(remapped).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect(anthropicToolId("call:1/x")).toBe(remapped);
    // Ids that differ only in invalid characters stay distinct.
    expect(anthropicToolId("call:1")).not.toBe(anthropicToolId("call/1"));
    const long = `toolu_${"z".repeat(60)}`;
    expect(openaiToolId(long).length).toBeLessThanOrEqual(40);
    expect(openaiToolId(long)).toBe(openaiToolId(long));
    expect(openaiToolId(long)).not.toBe(openaiToolId(`${long}2`));
    expect(anthropicToolId("")).toMatch(/^call_[0-9a-f]{8}$/);
  });
});

describe("tool arguments", () => {
  it("parse objects, treat empty text as no arguments, and flag anything else", () => {
    expect(parseToolArgs('{"a":1}')).toEqual({ args: { a: 1 } });
    expect(parseToolArgs("  ")).toEqual({ args: {} });
    expect(parseToolArgs('{"a":')).toMatchObject({ args: {}, argsError: expect.stringContaining("not valid JSON") });
    expect(parseToolArgs("[1,2]")).toMatchObject({ args: {}, argsError: expect.stringContaining("an array") });
    expect(parseToolArgs("null")).toMatchObject({ args: {}, argsError: expect.stringContaining("null") });
  });
});

describe("redaction", () => {
  it("removes the key itself and anything shaped like a provider key", () => {
    expect(redact("bad key abc123secret here", ["abc123secret"])).toBe("bad key [redacted] here");
    expect(redact("Incorrect API key provided: sk-proj-****1234.", [])).toBe("Incorrect API key provided: [redacted]");
    expect(redact("a key-value store", [])).toBe("a key-value store");
  });
});

describe("OpenAI stream accumulator", () => {
  it("joins fragments by index whatever order the calls interleave in", () => {
    const acc = new OpenAIStreamAccumulator();
    const chunk = (delta: object, finish: "tool_calls" | null = null) =>
      ({
        id: "x",
        object: "chat.completion.chunk",
        created: 0,
        model: "m",
        choices: [{ index: 0, delta, finish_reason: finish }],
      }) as never;
    acc.push(chunk({ tool_calls: [{ index: 1, id: "b", function: { name: "two", arguments: '{"y"' } }] }));
    acc.push(chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "one", arguments: "" } }] }));
    acc.push(chunk({ tool_calls: [{ index: 1, function: { arguments: ":2}" } }] }));
    expect(acc.finished).toBe(false);
    acc.push(chunk({}, "tool_calls"));
    expect(acc.finished).toBe(true);
    expect(acc.result().toolCalls).toEqual([
      { id: "a", name: "one", args: {} },
      { id: "b", name: "two", args: { y: 2 } },
    ]);
  });
});

describe("a stream that ends early without an error", () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  /** A server that starts an SSE answer and then ends the response cleanly, unfinished. */
  async function truncating(first: string): Promise<string> {
    server = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end(first);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("openai: rejects with a retryable PROVIDER_ERROR instead of returning partial text", async () => {
    const chunk = {
      id: "c",
      object: "chat.completion.chunk",
      created: 0,
      model: OPENAI_MODEL,
      choices: [{ index: 0, delta: { content: "partial" }, finish_reason: null }],
    };
    const url = await truncating(`data: ${JSON.stringify(chunk)}\n\n`);
    const provider = createOpenAIProvider({ name: "openai", baseURL: `${url}/v1`, apiKey: "k" }, {});
    const deltas: string[] = [];
    const error = await rejectionOf(provider.call(modelRequest("openai", OPENAI_MODEL, { onTextDelta: (t: string) => deltas.push(t) })));
    expect(deltas).toEqual(["partial"]);
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { retryable: true } });
    expect(error.message).toContain("ended before");
  });

  it("anthropic: rejects with a retryable PROVIDER_ERROR when message_stop never comes", async () => {
    const start = { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } };
    const delta = { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "partial" } };
    const url = await truncating(
      `event: content_block_start\ndata: ${JSON.stringify(start)}\n\nevent: content_block_delta\ndata: ${JSON.stringify(delta)}\n\n`,
    );
    const provider = createAnthropicProvider({ name: "anthropic", baseURL: url, apiKey: "k" }, {});
    const error = await rejectionOf(provider.call(modelRequest("anthropic", ANTHROPIC_MODEL, { onTextDelta: () => {} })));
    expect(error).toMatchObject({ code: "PROVIDER_ERROR", details: { retryable: true } });
    expect(error.message).toContain("message_stop");
  });
});
