/**
 * What a model accepts, from the catalog: settings it refuses are dropped and reported, images
 * and documents become placeholders for models that cannot read them, unknown models keep
 * everything. Then the other side: the strict sim server (whose rules are written separately,
 * from the APIs' documented 400s) refuses what the catalog drops, and accepts what it keeps.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAnthropicProvider } from "../../actors/providers/anthropic.js";
import { createOpenAIProvider } from "../../actors/providers/openai.js";
import { adaptContent, checkSettings, modelCapabilities } from "../../src/models/capabilities.js";
import { catalogEntry, MODEL_CATALOG } from "../../src/models/catalog.js";
import type { ModelSettings, Provider } from "../../src/providers/types.js";
import type { SimServer } from "../../src/sim/index.js";
import type { Message } from "../../src/transcript/index.js";
import { modelRequest, rejectionOf } from "../providers/support.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";

const all: ModelSettings = { temperature: 0.2, topP: 0.5, maxTokens: 500, stop: ["END"] };

describe("checkSettings", () => {
  it("keeps every setting of a model that takes them all, and of an unknown model", () => {
    expect(checkSettings("openai/gpt-4o-mini", all)).toEqual({ settings: all, dropped: [] });
    expect(checkSettings("anthropic/claude-sonnet-4-20250514", all)).toEqual({ settings: all, dropped: [] });
    const unknown = { ...all, extra: { top_k: 5, anything: true } };
    expect(checkSettings("anthropic/claude-future-9", unknown)).toEqual({ settings: unknown, dropped: [] });
    expect(checkSettings("ollama/llama3.1", unknown)).toEqual({ settings: unknown, dropped: [] });
  });

  it("drops temperature, top_p and stop for OpenAI reasoning models, saying why", () => {
    const { settings, dropped } = checkSettings("openai/o3-mini", all);
    expect(settings).toEqual({ maxTokens: 500 });
    expect(dropped).toEqual([
      { model: "openai/o3-mini", setting: "temperature", reason: expect.stringContaining("default temperature") },
      { model: "openai/o3-mini", setting: "topP", reason: expect.stringContaining("top_p") },
      { model: "openai/o3-mini", setting: "stop", reason: expect.stringContaining("stop sequences") },
    ]);
    expect(checkSettings("openai/gpt-5", { temperature: 1 }).dropped.map((d) => d.setting)).toEqual(["temperature"]);
  });

  it("keeps temperature and drops top_p where a Claude model refuses both together; keeps either alone", () => {
    const { settings, dropped } = checkSettings("anthropic/claude-sonnet-4-5", { temperature: 0.3, topP: 0.9 });
    expect(settings).toEqual({ temperature: 0.3 });
    expect(dropped).toEqual([{ model: "anthropic/claude-sonnet-4-5", setting: "topP", reason: expect.stringContaining("not both") }]);
    expect(checkSettings("anthropic/claude-haiku-4-5", { topP: 0.9 })).toEqual({ settings: { topP: 0.9 }, dropped: [] });
  });

  it("drops every sampling setting, top_k in extra included, for Claude models after Opus 4.6", () => {
    const { settings, dropped } = checkSettings("anthropic/claude-opus-4-7", { ...all, extra: { top_k: 5, metadata: { user_id: "u" } } });
    expect(settings).toEqual({ maxTokens: 500, stop: ["END"], extra: { metadata: { user_id: "u" } } });
    expect(dropped.map((d) => d.setting)).toEqual(["temperature", "topP", "extra.top_k"]);
    expect(dropped[0]?.reason).toContain("after Opus 4.6");
    expect(checkSettings("anthropic/claude-sonnet-5", { extra: { top_k: 5 } }).settings).toEqual({});
  });

  it("does not change the settings it is given", () => {
    const given = { temperature: 0.2, extra: { top_k: 3 } };
    checkSettings("anthropic/claude-opus-4-8", given);
    expect(given).toEqual({ temperature: 0.2, extra: { top_k: 3 } });
  });

  it("finds a dated snapshot through its alias, and nothing for a lookalike", () => {
    expect(catalogEntry("anthropic/claude-haiku-4-5-20251001")).toBe(MODEL_CATALOG["anthropic/claude-haiku-4-5"]);
    expect(catalogEntry("openai/gpt-4o-2024-08-06")).toBe(MODEL_CATALOG["openai/gpt-4o"]);
    expect(catalogEntry("openai/gpt-4o-mini-2024-07-18")).toBe(MODEL_CATALOG["openai/gpt-4o-mini"]);
    expect(catalogEntry("openai/gpt-4o-realtime")).toBeUndefined();
    expect(checkSettings("anthropic/claude-sonnet-4-5-20250929", { temperature: 0.1, topP: 0.2 }).settings).toEqual({ temperature: 0.1 });
  });
});

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF").toString("base64");

describe("adaptContent", () => {
  const messages: Message[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "image", data: PNG, mediaType: "image/png" },
        { type: "file", data: PDF, mediaType: "application/pdf", name: "spec.pdf" },
      ],
    },
    { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "shot", args: {} }] },
    { role: "tool", toolCallId: "c1", name: "shot", content: [{ type: "image", url: "https://example.com/a.png" }] },
  ];

  it("replaces images and documents with placeholders for a model without vision, one warning per kind", () => {
    const { messages: out, warnings } = adaptContent("openai/o3-mini", messages);
    expect(out[0]).toEqual({
      role: "user",
      content: [
        { type: "text", text: "What is in these?" },
        { type: "text", text: "[image omitted: openai/o3-mini cannot read images]" },
        { type: "text", text: "[file spec.pdf omitted: openai/o3-mini cannot read documents]" },
      ],
    });
    expect(out[1]).toBe(messages[1]);
    expect(out[2]).toMatchObject({ role: "tool", content: [{ type: "text", text: expect.stringContaining("cannot read images") }] });
    expect(warnings).toEqual([
      "openai/o3-mini cannot read images: 2 image(s) replaced by a text placeholder.",
      "openai/o3-mini cannot read documents: 1 file(s) replaced by a text placeholder.",
    ]);
    expect(messages[0]?.content).toHaveLength(3); // the input is not changed
  });

  it("keeps parts for models with vision and for unknown models", () => {
    for (const model of [
      "openai/gpt-4o-mini",
      "anthropic/claude-sonnet-4-20250514",
      "vllm/some-vlm",
      "anthropic/claude-3-5-haiku-20241022",
    ]) {
      const { messages: out, warnings } = adaptContent(model, messages);
      expect(out).toEqual(messages);
      expect(warnings).toEqual([]);
    }
  });

  it("knows which catalog models read images", () => {
    expect(modelCapabilities("openai/gpt-3.5-turbo").vision).toBe(false);
    expect(modelCapabilities("anthropic/claude-opus-4-6").vision).toBe(true);
    expect(modelCapabilities("mistral/pixtral")).toEqual({});
  });
});

describe("the strict sim server agrees with the catalog", () => {
  let server: SimServer;
  let openai: Provider;
  let anthropic: Provider;
  beforeAll(async () => {
    server = await startCheckedSimServer({ defaultScript: () => ({ text: "ok" }) });
    openai = createOpenAIProvider({ name: "openai", baseURL: server.openaiBaseURL, apiKey: "k" }, {});
    anthropic = createAnthropicProvider({ name: "anthropic", baseURL: server.anthropicBaseURL, apiKey: "k" }, {});
  });
  afterAll(async () => {
    await server.close();
  });

  const sampling = (id: string): ModelSettings =>
    id.startsWith("anthropic/")
      ? { temperature: 0.5, topP: 0.5, stop: ["END"], extra: { top_k: 5 } }
      : { temperature: 0.5, topP: 0.5, stop: ["END"] };

  for (const id of Object.keys(MODEL_CATALOG)) {
    it(`${id}: the checked settings are accepted; the raw ones only where nothing was dropped`, async () => {
      const [providerName, model] = [id.slice(0, id.indexOf("/")), id.slice(id.indexOf("/") + 1)];
      const provider = providerName === "openai" ? openai : anthropic;
      const raw = sampling(id);
      const { settings, dropped } = checkSettings(id, raw);
      const call = (s: ModelSettings) => provider.call(modelRequest(providerName, model, { settings: s }));
      expect((await call(settings)).text).toBe("ok");
      if (dropped.length === 0) {
        expect((await call(raw)).text).toBe("ok");
      } else {
        const error = await rejectionOf(call(raw));
        expect(error.details).toMatchObject({ status: 400, retryable: false });
      }
    });
  }
});
