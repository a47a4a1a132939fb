/**
 * Content parts on both wires: images (base64 and URL) and documents in user messages, images
 * from tool results (OpenAI: a user message right after the tool messages; Anthropic: inside the
 * tool_result), limits checked before any HTTP call, and the strict sim server refusing what the
 * real APIs refuse. Scripts see the parts the model would see.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ModelRequest, Provider } from "../../src/providers/types.js";
import type { SimRequest, SimServer } from "../../src/sim/index.js";
import type { ContentPart, Message } from "../../src/transcript/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, anthropicAt, JPEG, lastBody, modelRequest, OPENAI_MODEL, openaiAt, PDF, PNG, rejectionOf } from "./support.js";

const NOTES = Buffer.from("Launch window: June 3.").toString("base64");

/** A PNG-headed base64 string of about `bytes` characters. */
function bigPng(bytes: number): string {
  const head = PNG.slice(0, 12);
  return head + "A".repeat(bytes - head.length - (bytes % 4));
}

let server: SimServer;
const seen = new Map<string, SimRequest>();
beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.set(request.model, request);
      return { text: "I see it." };
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

const userParts: ContentPart[] = [
  { type: "text", text: "What is wrong here?" },
  { type: "image", data: PNG, mediaType: "image/png" },
  { type: "image", url: "https://example.com/shot.png" },
  { type: "file", data: PDF, mediaType: "application/pdf", name: "spec.pdf" },
];

/** A turn where a screenshot tool returned text and an image, then the user asked on. */
const toolImageTranscript: Message[] = [
  { role: "user", content: "Take a screenshot." },
  { role: "assistant", content: "", toolCalls: [{ id: "call_1", name: "screenshot", args: {} }] },
  {
    role: "tool",
    toolCallId: "call_1",
    name: "screenshot",
    content: [
      { type: "text", text: "Captured." },
      { type: "image", data: JPEG, mediaType: "image/jpeg" },
    ],
  },
  { role: "user", content: "Describe it." },
];

const screenshotTool = { name: "screenshot", description: "Capture the screen.", parameters: { type: "object", properties: {} } };

const providers: Array<[string, () => Provider, string]> = [
  ["openai", () => openaiAt(server), OPENAI_MODEL],
  ["anthropic", () => anthropicAt(server), ANTHROPIC_MODEL],
];

describe("parts reach the model on both providers", () => {
  for (const [name, provider, model] of providers) {
    for (const stream of [false, true]) {
      const req = (overrides: Partial<ModelRequest>) =>
        modelRequest(name, model, { ...overrides, ...(stream ? { onTextDelta: () => {} } : {}) });

      it(`${name}${stream ? " (streamed)" : ""}: text, base64 and URL images and a PDF in a user message`, async () => {
        expect((await provider().call(req({ messages: [{ role: "user", content: userParts }] }))).text).toBe("I see it.");
        expect(seen.get(model)?.messages).toEqual([{ role: "user", content: userParts }]);
      });

      it(`${name}${stream ? " (streamed)" : ""}: an image a tool returned`, async () => {
        await provider().call(req({ messages: toolImageTranscript, tools: [screenshotTool] }));
        expect(server.requests.at(-1)?.status).toBe(200);
        const image = { type: "image", data: JPEG, mediaType: "image/jpeg" };
        const messages = seen.get(model)?.messages ?? [];
        const parts = messages.flatMap((m) => (typeof m.content === "string" ? [] : m.content));
        expect(parts).toContainEqual(image);
      });
    }
  }
});

describe("OpenAI wire", () => {
  it("sends images as image_url (data URL or URL) and PDFs as file parts", async () => {
    await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages: [{ role: "user", content: userParts }] }));
    expect(lastBody(server).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is wrong here?" },
          { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
          { type: "image_url", image_url: { url: "https://example.com/shot.png" } },
          { type: "file", file: { file_data: `data:application/pdf;base64,${PDF}`, filename: "spec.pdf" } },
        ],
      },
    ]);
  });

  it("puts a tool result's image in a user message right after the tool messages (tool messages take text only)", async () => {
    await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages: toolImageTranscript, tools: [screenshotTool] }));
    expect(lastBody(server).messages.slice(2)).toEqual([
      { role: "tool", tool_call_id: "call_1", content: "Captured.\n[image] (attached in the next user message)" },
      {
        role: "user",
        content: [
          { type: "text", text: "Attached by the screenshot result (call_1):" },
          { type: "image_url", image_url: { url: `data:image/jpeg;base64,${JPEG}` } },
        ],
      },
      { role: "user", content: "Describe it." },
    ]);
  });

  it("sends text-only parts as a string, a PDF by URL or another file type as a note, and a plain-text file as its text", async () => {
    await openaiAt(server).call(
      modelRequest("openai", OPENAI_MODEL, {
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "one" },
              { type: "text", text: "   " },
              { type: "file", url: "https://example.com/a.pdf", mediaType: "application/pdf", name: "a.pdf" },
              { type: "file", data: NOTES, mediaType: "text/plain", name: "notes.txt" },
              { type: "file", data: NOTES, mediaType: "application/msword", name: "old.doc" },
            ],
          },
        ],
      }),
    );
    expect(lastBody(server).messages).toEqual([
      {
        role: "user",
        content: [
          "one",
          "[file a.pdf: https://example.com/a.pdf (not attached: Chat Completions takes documents inline only)]",
          "[file notes.txt]\nLaunch window: June 3.",
          "[file old.doc (application/msword) not attached: Chat Completions reads PDF files only]",
        ].join("\n"),
      },
    ]);
  });

  it("the strict server refuses an image in a tool message, a bad data URL, and images for a model without vision", async () => {
    const send = async (body: Record<string, unknown>) => {
      const res = await fetch(`${server.openaiBaseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      return { status: res.status, error: ((await res.json()) as { error: { message: string; param: string | null } }).error };
    };
    const call = { id: "c", type: "function", function: { name: "screenshot", arguments: "{}" } };
    const inTool = await send({
      model: OPENAI_MODEL,
      messages: [
        { role: "user", content: "go" },
        { role: "assistant", content: null, tool_calls: [call] },
        { role: "tool", tool_call_id: "c", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] },
      ],
    });
    expect(inTool.status).toBe(400);
    expect(inTool.error.message).toBe(
      "Invalid 'messages[2]'. Image URLs are only allowed for messages with role 'user', but this message with role 'tool' contains an image URL.",
    );
    const bmp = await send({
      model: OPENAI_MODEL,
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/bmp;base64,Qk0=" } }] }],
    });
    expect(bmp.error.message).toContain("but got unsupported MIME type 'image/bmp'");
    const empty = await send({
      model: OPENAI_MODEL,
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "data:image/png;base64," } }] }],
    });
    expect(empty.error.message).toContain("but got empty base64-encoded bytes");
    const blind = await send({
      model: "o3-mini",
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } }] }],
    });
    expect(blind.error.message).toBe("Invalid content type. image_url is only supported by certain models.");
  });
});

describe("Anthropic wire", () => {
  it("sends images and documents as blocks, titles from file names, plain text as a text document", async () => {
    await anthropicAt(server).call(
      modelRequest("anthropic", ANTHROPIC_MODEL, {
        messages: [{ role: "user", content: [...userParts, { type: "file", data: NOTES, mediaType: "text/plain", name: "notes.txt" }] }],
      }),
    );
    expect(lastBody(server).messages).toEqual([
      {
        role: "user",
        content: [
          { type: "text", text: "What is wrong here?" },
          { type: "image", source: { type: "base64", media_type: "image/png", data: PNG } },
          { type: "image", source: { type: "url", url: "https://example.com/shot.png" } },
          { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF }, title: "spec.pdf" },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "Launch window: June 3." }, title: "notes.txt" },
        ],
      },
    ]);
  });

  it("puts a tool result's image inside its tool_result", async () => {
    await anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: toolImageTranscript, tools: [screenshotTool] }));
    expect(lastBody(server).messages[2]).toEqual({
      role: "user",
      content: [
        {
          type: "tool_result",
          tool_use_id: "call_1",
          content: [
            { type: "text", text: "Captured." },
            { type: "image", source: { type: "base64", media_type: "image/jpeg", data: JPEG } },
          ],
        },
        { type: "text", text: "Describe it." },
      ],
    });
  });

  it("the strict server refuses an image over 5 MB, a mislabelled image, bad base64 and an image in an assistant turn", async () => {
    const send = async (content: unknown, role = "user") => {
      const messages =
        role === "user"
          ? [{ role, content }]
          : [
              { role: "user", content: "hi" },
              { role, content },
            ];
      const res = await fetch(`${server.anthropicBaseURL}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 100, messages }),
      });
      return { status: res.status, message: ((await res.json()) as { error: { message: string } }).error.message };
    };
    const image = (data: string, media_type = "image/png") => [{ type: "image", source: { type: "base64", media_type, data } }];
    const big = bigPng(5 * 1024 * 1024 + 8);
    expect(await send(image(big))).toEqual({
      status: 400,
      message: `messages.0.content.0.image.source.base64: image exceeds 5 MB maximum: ${big.length} bytes > 5242880 bytes`,
    });
    expect((await send(image(PNG, "image/jpeg"))).message).toBe(
      "messages.0.content.0.image.source.base64.data: The image was specified using the image/jpeg media type, but the image appears to be a image/png image",
    );
    expect((await send(image("not base64!"))).message).toContain("invalid base64");
    expect((await send(image(PNG, "image/bmp"))).message).toContain(
      "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    );
    expect((await send(image(PNG), "assistant")).message).toContain(
      `Input tag 'image' found using 'type' is not allowed in a "assistant" message`,
    );
  });
});

describe("limits are checked before any HTTP call", () => {
  const cases: Array<[string, ContentPart, RegExp]> = [
    ["an unsupported image type", { type: "image", data: PNG, mediaType: "image/bmp" }, /mediaType "image\/bmp" is not supported/],
    ["data that is not base64", { type: "image", data: "data:image/png;base64,xyz", mediaType: "image/png" }, /not base64/],
    [
      "an image labelled with the wrong type",
      { type: "image", data: PNG, mediaType: "image/jpeg" },
      /is image\/png but mediaType says image\/jpeg/,
    ],
    ["an image URL that is not http(s)", { type: "image", url: "file:///etc/passwd" }, /not an http\(s\) URL/],
  ];
  for (const [name, provider, model] of providers) {
    for (const [what, part, message] of cases) {
      it(`${name}: ${what} is INVALID_OPTIONS`, async () => {
        const error = await rejectionOf(provider().call(modelRequest(name, model, { messages: [{ role: "user", content: [part] }] })));
        expect(error).toMatchObject({ code: "INVALID_OPTIONS", details: { provider: name, retryable: false } });
        expect(error.message).toMatch(message);
        expect(server.requests).toHaveLength(0);
      });
    }
  }

  it("anthropic: an image over 5 MB of base64 (in a tool result too) fails before the call, naming the size and the limit", async () => {
    const big = bigPng(5 * 1024 * 1024 + 400);
    const messages: Message[] = [
      toolImageTranscript[0]!,
      toolImageTranscript[1]!,
      { role: "tool", toolCallId: "call_1", name: "screenshot", content: [{ type: "image", data: big, mediaType: "image/png" }] },
    ];
    const error = await rejectionOf(
      anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages, tools: [screenshotTool] })),
    );
    expect(error).toMatchObject({ code: "INVALID_OPTIONS", details: { provider: "anthropic", bytes: big.length, limit: 5 * 1024 * 1024 } });
    expect(error.message).toContain("message 3 (tool)");
    expect(error.message).toContain("over anthropic's limit of 5.0 MB per image");
    expect(server.requests).toHaveLength(0);
  });

  it("openai: an image over 20 MB fails before the call; the same image under Anthropic's rules too", async () => {
    const big = bigPng(28 * 1024 * 1024);
    const messages: Message[] = [{ role: "user", content: [{ type: "image", data: big, mediaType: "image/png" }] }];
    const error = await rejectionOf(openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages })));
    expect(error).toMatchObject({ code: "INVALID_OPTIONS", details: { provider: "openai", limit: 20 * 1024 * 1024 } });
    expect(error.message).toContain("over openai's limit of 20.0 MB per image");
    expect(server.requests).toHaveLength(0);
    // 6 MB decoded is fine for OpenAI, not for Anthropic (8 MB of base64).
    const mid: Message[] = [{ role: "user", content: [{ type: "image", data: bigPng(8 * 1024 * 1024), mediaType: "image/png" }] }];
    const anthropicError = await rejectionOf(anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: mid })));
    expect(anthropicError.code).toBe("INVALID_OPTIONS");
    expect(server.requests).toHaveLength(0);
    expect((await openaiAt(server).call(modelRequest("openai", OPENAI_MODEL, { messages: mid }))).text).toBe("I see it.");
  });
});
