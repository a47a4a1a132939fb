/**
 * Runner-level handoffs between real provider adapters: model A calls a tool, then hands the
 * task to model B over the other provider's wire protocol. The strict sim server checks every
 * request, so a transcript one provider wrote and the other cannot read fails here.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineTool, type ModelInput, Runner } from "../../src/index.js";
import type { SimRequest, SimServer } from "../../src/sim/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";

const search = defineTool({
  name: "search",
  description: "Search the web",
  parameters: z.object({ query: z.string() }),
  execute: async ({ query }) => `3 results for ${query}`,
});

let server: SimServer;
let runner: Runner | undefined;
/** What each receiving model saw, by wire model name. */
const seen = new Map<string, SimRequest>();
/** Where each authoring model hands off to, by wire model name. */
const targets = new Map<string, string>();

/** Authors call a tool first, then hand off; receivers record what they saw and answer. */
function script(request: SimRequest) {
  const target = targets.get(request.model);
  if (target && request.callIndex === 0) return { text: "Searching first.", toolCalls: [{ name: "search", args: { query: "launch" } }] };
  if (target && request.callIndex === 1)
    return { text: "Found it; handing over.", handoff: { to: target, reason: "writing", task: "Write the post" } };
  seen.set(request.model, request);
  return { text: `${request.model} wrote the post.` };
}

beforeAll(async () => {
  server = await startCheckedSimServer({ defaultScript: script });
});
afterAll(async () => {
  await server.close();
});
afterEach(async () => {
  await runner?.close();
  runner = undefined;
  server.reset();
  seen.clear();
  targets.clear();
});

function newRunner(): Runner {
  runner = new Runner({
    env: {},
    providers: {
      openai: { baseURL: server.openaiBaseURL, apiKey: "test" },
      anthropic: { baseURL: server.anthropicBaseURL, apiKey: "test" },
      ollama: { baseURL: server.openaiBaseURL },
    },
  });
  return runner;
}

const wireName = (id: string) => id.slice(id.indexOf("/") + 1);
const thinking = { maxTokens: 4096, extra: { thinking: { type: "enabled", budget_tokens: 1024 } } };

const PAIRS: Array<[string, ModelInput, ModelInput]> = [
  ["openai → anthropic", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4-20250514"],
  ["anthropic → openai", "anthropic/claude-sonnet-4-20250514", "openai/gpt-4o-mini"],
  ["openai → openai-compatible", "openai/gpt-4o-mini", "ollama/llama3.1"],
  ["openai-compatible → anthropic", "ollama/llama3.1", "anthropic/claude-sonnet-4-20250514"],
  ["anthropic → anthropic", "anthropic/claude-sonnet-4-20250514", "anthropic/claude-3-5-haiku-20241022"],
  ["openai → openai", "openai/gpt-4o-mini", "openai/gpt-4.1"],
  [
    "anthropic with thinking → anthropic with thinking",
    { model: "anthropic/claude-sonnet-4-20250514", settings: thinking },
    { model: "anthropic/claude-opus-4-20250514", settings: thinking },
  ],
  ["anthropic with thinking → openai", { model: "anthropic/claude-sonnet-4-20250514", settings: thinking }, "openai/gpt-4o-mini"],
  ["openai → anthropic with thinking", "openai/gpt-4o-mini", { model: "anthropic/claude-sonnet-4-20250514", settings: thinking }],
];

describe("Runner handoffs across providers", () => {
  for (const [name, from, to] of PAIRS) {
    for (const streaming of [false, true]) {
      it(`${name}${streaming ? " (streamed)" : ""}: a tool call, a handoff, and the receiver reads the whole history`, async () => {
        const fromId = typeof from === "string" ? from : from.model;
        const toId = typeof to === "string" ? to : to.model;
        targets.set(wireName(fromId), toId);
        const options = { input: "Research the launch, then write a post.", model: [from, to], tools: [search] };
        const result = streaming ? await newRunner().stream(options).result : await newRunner().run(options);

        expect(server.requests.map((r) => r.status)).toEqual([200, 200, 200]);
        expect(result.status).toBe("completed");
        expect(result.finalOutput).toBe(`${wireName(toId)} wrote the post.`);
        expect(result.handoffs).toMatchObject([{ from: fromId, to: toId, reason: "writing", task: "Write the post" }]);
        expect(result.modelsUsed).toEqual([fromId, toId]);
        expect(findTranscriptProblems(result.messages)).toEqual([]);

        // The receiver saw the search and the handoff, each call paired with its result by id.
        const view = seen.get(wireName(toId));
        const calls = view?.messages.flatMap((m) => (m.role === "assistant" ? (m.toolCalls ?? []) : [])) ?? [];
        const results = view?.messages.filter((m) => m.role === "tool") ?? [];
        expect(calls.map((c) => c.name)).toEqual(["search", expect.stringMatching(/^transfer_to_/)]);
        expect(results.map((r) => r.role === "tool" && [r.toolCallId, r.name])).toEqual(calls.map((c) => [c.id, c.name]));
        expect(results[0]).toMatchObject({ content: "3 results for launch" });
        expect(results[1]?.content).toContain(`Transferred to ${toId}`);
      });
    }
  }
});
