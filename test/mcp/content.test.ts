import { describe, expect, it } from "vitest";
import { callErrorText, contentBlockText, toolResultContent } from "../../src/mcp/content.js";
import { pickSamplingModel, toCreateMessageResult, toSampleRequest } from "../../src/mcp/sampling.js";

describe("tool results as content", () => {
  it("joins text blocks and keeps the error flag", () => {
    expect(
      toolResultContent({
        content: [
          { type: "text", text: "a" },
          { type: "text", text: "b" },
        ],
      }),
    ).toEqual({ content: "a\nb", isError: false });
    expect(toolResultContent({ content: [{ type: "text", text: "bad path" }], isError: true })).toEqual({
      content: "bad path",
      isError: true,
    });
    expect(toolResultContent({ content: [] })).toEqual({ content: "", isError: false });
  });

  it("adds structured content as JSON unless a text block already carries it", () => {
    const weather = { temperature: 33, conditions: "Cloudy" };
    expect(
      toolResultContent({ content: [{ type: "text", text: JSON.stringify(weather, null, 2) }], structuredContent: weather }).content,
    ).toBe(JSON.stringify(weather, null, 2));
    expect(toolResultContent({ content: [{ type: "text", text: "Weather:" }], structuredContent: weather }).content).toBe(
      `Weather:\n${JSON.stringify(weather)}`,
    );
    expect(toolResultContent({ content: [], structuredContent: { n: 1 } }).content).toBe('{"n":1}');
    // server-filesystem's form: the text, and the same text wrapped as structured content
    expect(toolResultContent({ content: [{ type: "text", text: "file body" }], structuredContent: { content: "file body" } }).content).toBe(
      "file body",
    );
    expect(toolResultContent({ content: [{ type: "text", text: "Done: 3" }], structuredContent: { count: 3, ok: true } }).content).toBe(
      'Done: 3\n{"count":3,"ok":true}',
    );
  });

  it("keeps images as image parts in place, and turns audio and resources into text", () => {
    const png = Buffer.from("not really a png").toString("base64");
    expect(
      toolResultContent({
        content: [
          { type: "text", text: "Here it is:" },
          { type: "image", data: png, mimeType: "image/png" },
          { type: "text", text: "a" },
          { type: "audio", data: "AAAA", mimeType: "audio/wav" },
          { type: "resource", resource: { uri: "demo://r/1", mimeType: "text/plain", text: "hello" } },
        ],
      }),
    ).toEqual({
      content: [
        { type: "text", text: "Here it is:" },
        { type: "image", data: png, mediaType: "image/png" },
        { type: "text", text: "a\n[audio: audio/wav, 3 B]\n[resource demo://r/1 (text/plain)]\nhello" },
      ],
      isError: false,
    });
    // A type no provider takes stays a placeholder; a result with no image stays plain text.
    expect(toolResultContent({ content: [{ type: "image", data: png, mimeType: "image/svg+xml" }] }).content).toBe(
      "[image: image/svg+xml, 16 B]",
    );
    expect(toolResultContent({ content: [{ type: "audio", data: "AAAA", mimeType: "audio/wav" }] }).content).toBe(
      "[audio: audio/wav, 3 B]",
    );
  });

  it("summarises images, audio and resources instead of dumping base64", () => {
    const data = Buffer.alloc(3000, 1).toString("base64");
    expect(contentBlockText({ type: "image", data, mimeType: "image/png" })).toBe("[image: image/png, 2.9 KB]");
    expect(contentBlockText({ type: "audio", data: "AAAA", mimeType: "audio/wav" })).toBe("[audio: audio/wav, 3 B]");
    expect(
      contentBlockText({ type: "resource_link", uri: "file:///a.txt", name: "a.txt", mimeType: "text/plain", description: "A file" }),
    ).toBe("[resource link: a.txt <file:///a.txt> (text/plain) A file]");
    expect(contentBlockText({ type: "resource", resource: { uri: "demo://r/1", mimeType: "text/plain", text: "hello" } })).toBe(
      "[resource demo://r/1 (text/plain)]\nhello",
    );
    expect(contentBlockText({ type: "resource", resource: { uri: "demo://r/2", mimeType: "application/zip", blob: data } })).toBe(
      "[resource demo://r/2: application/zip, 2.9 KB]",
    );
    expect(contentBlockText({ type: "future", x: 1 })).toBe('{"type":"future","x":1}');
  });

  it("names the server and tool in call errors", () => {
    expect(callErrorText("fs", "read_file", new Error("MCP error -32602: denied"))).toBe(
      'Error from MCP server "fs" calling read_file: MCP error -32602: denied',
    );
  });
});

describe("sampling", () => {
  it("answers with the configured model, else the latest call's sampling model", () => {
    expect(pickSamplingModel("sim/x", [{ samplingModel: "sim/a" }])).toBe("sim/x");
    expect(pickSamplingModel(undefined, [{ samplingModel: "sim/a" }, {}, { samplingModel: "sim/b" }, {}])).toBe("sim/b");
    expect(pickSamplingModel(undefined, [{}])).toBeUndefined();
  });

  it("translates the MCP request and result", () => {
    const request = toSampleRequest({
      systemPrompt: "Be brief.",
      maxTokens: 50,
      messages: [
        { role: "user", content: { type: "text", text: "hi" } },
        {
          role: "assistant",
          content: [
            { type: "text", text: "a" },
            { type: "image", data: "", mimeType: "image/png" },
          ],
        },
      ],
    });
    expect(request).toEqual({
      systemPrompt: "Be brief.",
      maxTokens: 50,
      messages: [
        { role: "user", text: "hi" },
        { role: "assistant", text: "a\n[image image/png]" },
      ],
    });
    expect(toCreateMessageResult({ model: "sim/a", text: "ok", stopReason: "length" })).toEqual({
      model: "sim/a",
      role: "assistant",
      content: { type: "text", text: "ok" },
      stopReason: "maxTokens",
    });
  });
});
