/**
 * Content parts through the public API (issue 15): image and PDF input on each provider over
 * the wire, parts in earlier messages, a model without vision (placeholder + warning), and an
 * image over a provider's limit refused before any call.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { BatonError, type ContentPart, Runner } from "../src/index.js";
import type { SimRequest, SimServer } from "../src/sim/index.js";
import { PDF, PNG } from "./providers/support.js";
import { startCheckedSimServer } from "./support/checkedSimServer.js";

const OPENAI = "openai/gpt-4o-mini";
const ANTHROPIC = "anthropic/claude-sonnet-4-20250514";

let server: SimServer;
let runner: Runner | undefined;
const seen: SimRequest[] = [];

beforeAll(async () => {
  server = await startCheckedSimServer({
    defaultScript: (request) => {
      seen.push(request);
      const last = request.messages.at(-1);
      const parts = last && typeof last.content !== "string" ? last.content.map((p) => p.type).join("+") : "text";
      return { text: `saw ${parts}` };
    },
  });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  server.reset();
  seen.length = 0;
});

function newRunner(): Runner {
  runner = new Runner({
    env: {},
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
    },
  });
  return runner;
}

const screenshot: ContentPart[] = [
  { type: "text", text: "What is wrong in this screenshot?" },
  { type: "image", data: PNG, mediaType: "image/png" },
  { type: "file", data: PDF, mediaType: "application/pdf", name: "spec.pdf" },
];

describe("content parts", () => {
  for (const model of [OPENAI, ANTHROPIC]) {
    it(`${model}: input as parts (text, image, PDF) reaches the model as parts and stays in the result`, async () => {
      const result = await newRunner().run({ input: screenshot, model });
      expect(result.finalOutput).toBe("saw text+image+file");
      expect(result.messages[0]).toEqual({ role: "user", content: screenshot });
      expect(result.warnings).toEqual([]);
      const wire = server.requests.at(-1)!.body as { messages: Array<{ content: unknown }> };
      expect(JSON.stringify(wire.messages.at(-1)!.content)).toContain(PNG);
    });

    it(`${model}: earlier messages may hold parts; input is appended after them`, async () => {
      const result = await newRunner().run({
        input: "And this one?",
        model,
        messages: [
          { role: "user", content: [{ type: "image", data: PNG, mediaType: "image/png" }] },
          { role: "assistant", content: "A red pixel." },
        ],
      });
      expect(result.finalOutput).toBe("saw text");
      expect(seen[0]!.messages.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
      expect(seen[0]!.messages[0]!.content).toEqual([{ type: "image", data: PNG, mediaType: "image/png" }]);
    });
  }

  it("a model the catalog knows has no vision gets a short placeholder, reported once in result.warnings and as an event", async () => {
    const stream = newRunner().stream({ input: screenshot, model: "openai/o3-mini" });
    const warnings: unknown[] = [];
    stream.on("warning", (w) => warnings.push(w));
    const result = await stream.result;
    const sent = seen[0]!.messages.at(-1)!.content;
    expect(JSON.stringify(sent)).not.toContain(PNG);
    expect(JSON.stringify(sent)).toMatch(/image/i);
    const replaced = expect.objectContaining({ code: "CONTENT_REPLACED", model: "openai/o3-mini", agent: "openai/o3-mini" });
    expect(result.warnings).toEqual([replaced, replaced]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/cannot read images: 1 image/),
      expect.stringMatching(/cannot read documents: 1 file/),
    ]);
    expect(warnings).toEqual(result.warnings.map((w) => expect.objectContaining({ type: "warning", ...w })));
  });

  it("an image over the provider's limit is a clear error before the call, not a 400 after it", async () => {
    const huge = Buffer.alloc(6 * 1024 * 1024, 1).toString("base64");
    const error = await newRunner()
      .run({ input: [{ type: "image", data: huge, mediaType: "image/png" }], model: ANTHROPIC })
      .catch((e: unknown) => e as BatonError);
    expect(error).toBeInstanceOf(BatonError);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as BatonError).message).toMatch(/MB/);
    expect(server.requests).toHaveLength(0);
  });

  it("bad parts in input are INVALID_OPTIONS naming the part", async () => {
    const error = await newRunner()
      .run({ input: [{ type: "video", url: "x" }] as never, model: OPENAI })
      .catch((e: unknown) => e as BatonError);
    expect(error).toMatchObject({ code: "INVALID_OPTIONS" });
    expect((error as BatonError).message).toMatch(/input\[0\] must be a part/);
  });
});
