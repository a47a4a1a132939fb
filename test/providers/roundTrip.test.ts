/**
 * Cross-provider transcripts at adapter level: a model of provider A answers with tool calls
 * (including a handoff), the tools answer, and the whole neutral transcript goes to provider B,
 * which the strict sim server must accept. The transcript is never repaired in between: what A
 * wrote is exactly what B reads.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAIProvider } from "../../actors/providers/openai.js";
import type { ModelSettings, Provider } from "../../src/providers/types.js";
import type { SimRequest, SimServer } from "../../src/sim/index.js";
import { transferToolName } from "../../src/tools/handoffTools.js";
import { findTranscriptProblems, type Message } from "../../src/transcript/index.js";
import { startCheckedSimServer } from "../support/checkedSimServer.js";
import { ANTHROPIC_MODEL, anthropicAt, modelRequest, OPENAI_MODEL, openaiAt, searchTool, TEST_KEY } from "./support.js";

const COMPAT_MODEL = "qwen2.5";

type Side = "openai" | "anthropic" | "compatible";

const MODELS: Record<Side, { provider: string; model: string }> = {
  openai: { provider: "openai", model: OPENAI_MODEL },
  anthropic: { provider: "anthropic", model: ANTHROPIC_MODEL },
  compatible: { provider: "vllm", model: COMPAT_MODEL },
};

/** Ids as each provider writes them: OpenAI-compatible servers use characters Anthropic rejects, Anthropic's are longer than OpenAI accepts. */
const AUTHOR_IDS: Record<Side, [string, string]> = {
  openai: ["call_Xk9/pQ+2=", "call_b2"],
  anthropic: [`toolu_${"A1b2C3d4".repeat(6)}`, "toolu_01short"],
  compatible: ["chatcmpl-tool-1.0:0", "chatcmpl-tool-1.0:1"],
};

let server: SimServer;
/** The model the authoring turn hands off to. */
let handoffTarget = "sim/next";
/** What each receiving model saw, by wire model name. */
const seen = new Map<string, SimRequest>();

function authorTurn(side: Side, target: string) {
  const [searchId, fetchId] = AUTHOR_IDS[side];
  return {
    text: "I will look it up, then hand over.",
    toolCalls: [
      { name: "search", args: { q: "launch date" }, id: searchId },
      { name: "fetch", args: { url: "https://example.com/launch" }, id: fetchId },
    ],
    handoff: { to: target, reason: "writing", task: "Write the post." },
  };
}

beforeAll(async () => {
  // Each model's script: the first call of a conversation authors tool calls, later calls record what they saw.
  const script = (side: Side) => (request: SimRequest) => {
    const last = request.messages.at(-1);
    if (last?.role === "user") return authorTurn(side, handoffTarget);
    seen.set(request.model, request);
    return { text: `${request.model} took over.` };
  };
  server = await startCheckedSimServer({
    scripts: { [OPENAI_MODEL]: script("openai"), [ANTHROPIC_MODEL]: script("anthropic"), [COMPAT_MODEL]: script("compatible") },
  });
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  seen.clear();
});

function adapter(side: Side): Provider {
  if (side === "openai") return openaiAt(server);
  if (side === "anthropic") return anthropicAt(server);
  return createOpenAIProvider({ name: "vllm", compatible: true, baseURL: server.openaiBaseURL }, {});
}

async function author(side: Side, target: string, settings: ModelSettings = {}, stream = false): Promise<Message[]> {
  const { provider, model } = MODELS[side];
  const user: Message = { role: "user", content: "Research the launch, then write a post." };
  handoffTarget = target;
  const response = await adapter(side).call(
    modelRequest(provider, model, {
      system: "You research.",
      messages: [user],
      tools: [searchTool],
      settings,
      ...(stream ? { onTextDelta: () => {} } : {}),
    }),
  );
  expect(response.toolCalls).toHaveLength(3);
  const assistant: Message = {
    role: "assistant",
    content: response.text,
    toolCalls: response.toolCalls,
    meta: { model: `${provider}/${model}`, ...(response.providerParts ? { providerParts: response.providerParts } : {}) },
  };
  const results: Message[] = response.toolCalls.map((call) => ({
    role: "tool",
    toolCallId: call.id,
    name: call.name,
    content: call.name.startsWith("transfer_to_") ? `Transferred to ${target}` : `${call.name} result`,
  }));
  const transcript = [user, assistant, ...results];
  expect(findTranscriptProblems(transcript)).toEqual([]);
  return transcript;
}

async function receive(side: Side, transcript: Message[], settings: ModelSettings = {}, stream = false) {
  const { provider, model } = MODELS[side];
  const response = await adapter(side).call(
    modelRequest(provider, model, { messages: transcript, tools: [searchTool], settings, ...(stream ? { onTextDelta: () => {} } : {}) }),
  );
  expect(server.requests.at(-1)?.status).toBe(200);
  expect(response.text).toBe(`${model} took over.`);
  const view = seen.get(model);
  // The receiver saw every call answered by a result with the matching id (names resolved from ids).
  const assistant = view?.messages.find((m) => m.role === "assistant");
  const results = view?.messages.filter((m) => m.role === "tool") ?? [];
  expect(assistant?.role === "assistant" && assistant.toolCalls?.map((c) => [c.id, c.name])).toEqual(
    results.map((r) => r.role === "tool" && [r.toolCallId, r.name]),
  );
  expect(results.map((r) => r.content)).toEqual(["search result", "fetch result", expect.stringMatching(/^Transferred to /)]);
  return view;
}

const PAIRS: Array<[Side, Side]> = [
  ["openai", "anthropic"],
  ["anthropic", "openai"],
  ["openai", "compatible"],
  ["compatible", "anthropic"],
  ["anthropic", "anthropic"],
  ["openai", "openai"],
];

describe("cross-provider transcripts", () => {
  for (const [from, to] of PAIRS) {
    it(`${from} → ${to}: tool calls, results and the handoff call are accepted`, async () => {
      const target = `${MODELS[to].provider}/${MODELS[to].model}`;
      const transcript = await author(from, target);
      const handoff = transcript[1]?.role === "assistant" ? transcript[1].toolCalls?.[2] : undefined;
      expect(handoff?.name).toBe(transferToolName(target));
      expect(handoff?.args).toEqual({ reason: "writing", task: "Write the post." });
      await receive(to, transcript);
    });

    it(`${from} → ${to}: streamed both ways`, async () => {
      const transcript = await author(from, "sim/next", {}, true);
      await receive(to, transcript, {}, true);
    });
  }

  it("anthropic → anthropic keeps thinking blocks (the strict server checks their signatures)", async () => {
    const thinking = { extra: { thinking: { type: "enabled", budget_tokens: 2048 } } };
    const transcript = await author("anthropic", "anthropic/x", thinking, true);
    const assistant = transcript[1];
    expect(assistant?.role === "assistant" && assistant.meta?.providerParts?.[0]?.kind).toBe("thinking");
    const view = await receive("anthropic", transcript, thinking);
    const seenAssistant = view?.messages.find((m) => m.role === "assistant");
    expect(seenAssistant?.role === "assistant" && seenAssistant.meta?.providerParts).toEqual(
      assistant?.role === "assistant" && assistant.meta?.providerParts,
    );
    expect(server.requests.at(-1)?.body).toMatchObject({ thinking: thinking.extra.thinking });
  });

  it("anthropic → openai drops anthropic-only parts", async () => {
    const transcript = await author("anthropic", "openai/x", { extra: { thinking: { type: "enabled", budget_tokens: 2048 } } });
    await receive("openai", transcript);
    const body = JSON.stringify(server.requests.at(-1)?.body);
    expect(body).not.toContain("signature");
    expect(body).not.toContain("I should call");
  });

  it("the receiving server really is strict: the same transcript with a result missing is rejected", async () => {
    const transcript = await author("openai", "anthropic/x");
    await expect(
      anthropicAt(server).call(modelRequest("anthropic", ANTHROPIC_MODEL, { messages: transcript.slice(0, -1) })),
    ).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
      details: { status: 400, retryable: false },
    });
    expect(JSON.stringify(server.requests)).not.toContain(TEST_KEY);
  });
});
