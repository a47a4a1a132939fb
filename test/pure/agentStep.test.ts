/** The agent's pure parts: retry decisions, unique call ids, the model request, and a step's messages and record. */
import { describe, expect, it } from "vitest";
import type { Grant } from "../../machines/team/protocol.js";
import { prepareRequest } from "../../src/agent/request.js";
import { type RetryOptions, retryDecision } from "../../src/agent/retry.js";
import { assembleStep, assistantMessage, failedStep, stopReasonError, transferResult } from "../../src/agent/step.js";
import { toolCallIds, uniqueToolCalls } from "../../src/agent/toolCallIds.js";
import type { CallPlan } from "../../src/agent/toolPlan.js";
import type { ErrorData } from "../../src/errors.js";
import { parseModel } from "../../src/models/modelRef.js";
import type { ModelResponse, ToolSpec } from "../../src/providers/types.js";
import type { Message, ToolCall } from "../../src/transcript/index.js";

describe("retryDecision", () => {
  const retry: RetryOptions = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 1500 };
  const failure = (details?: Record<string, unknown>): ErrorData => ({
    code: "PROVIDER_ERROR",
    message: "503",
    ...(details ? { details } : {}),
  });

  it("a retryable failure waits base × 2^attempt, capped at maxDelayMs", () => {
    const delays = [0, 1, 2].map((attempt) => retryDecision(failure({ retryable: true }), attempt, retry));
    expect(delays).toEqual([
      { retry: true, delayMs: 500 },
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 1500 },
    ]);
  });

  it("retries spent: the failure as it is", () => {
    const error = failure({ retryable: true });
    expect(retryDecision(error, 3, retry)).toEqual({ retry: false, error });
    expect(retryDecision(error, 0, { ...retry, maxRetries: 0 })).toEqual({ retry: false, error });
  });

  it("not retryable (or no details at all): fails at once", () => {
    expect(retryDecision(failure({ retryable: false }), 0, retry).retry).toBe(false);
    expect(retryDecision(failure(), 0, retry).retry).toBe(false);
    // Only an explicit `true` retries.
    expect(retryDecision(failure({ retryable: "yes" }), 0, retry).retry).toBe(false);
  });

  it("a Retry-After within the cap is the wait, shorter or longer than the backoff", () => {
    expect(retryDecision(failure({ retryable: true, retryAfterMs: 1500 }), 0, retry)).toEqual({ retry: true, delayMs: 1500 });
    expect(retryDecision(failure({ retryable: true, retryAfterMs: 0 }), 2, retry)).toEqual({ retry: true, delayMs: 0 });
  });

  it("a Retry-After past the cap fails at once with a PROVIDER_ERROR saying what was asked and how to allow it", () => {
    const error: ErrorData = {
      code: "PROVIDER_ERROR",
      message: "429 Too Many Requests.",
      details: { retryable: true, retryAfterMs: 3_650, status: 429 },
    };
    expect(retryDecision(error, 0, retry)).toEqual({
      retry: false,
      error: {
        code: "PROVIDER_ERROR",
        message:
          "429 Too Many Requests. The provider asked to retry after 3.7 s, longer than retry.maxDelayMs (1500 ms): not waiting. Raise retry.maxDelayMs to wait that long.",
        details: { retryable: false, retryAfterMs: 3_650, status: 429 },
      },
    });
    // The caller's error is not changed.
    expect(error.details).toEqual({ retryable: true, retryAfterMs: 3_650, status: 429 });
  });
});

describe("uniqueToolCalls and toolCallIds", () => {
  const c = (id: string, name = "t"): ToolCall => ({ id, name, args: { id } });

  it("toolCallIds: every call id of the assistant turns", () => {
    const transcript: Message[] = [
      { role: "user", content: "x" },
      { role: "assistant", content: "", toolCalls: [c("a"), c("b")] },
      { role: "tool", toolCallId: "a", name: "t", content: "" },
      { role: "assistant", content: "done" },
    ];
    expect([...toolCallIds(transcript)]).toEqual(["a", "b"]);
  });

  it("ids already unique: the very same array", () => {
    const calls = [c("a"), c("b")];
    expect(uniqueToolCalls(calls, new Set(["x"]))).toBe(calls);
  });

  it("an id seen before or repeated in the answer gets _2, _3, …, skipping ids in use", () => {
    const calls = [c("a"), c("a"), c("b"), c("a")];
    const out = uniqueToolCalls(calls, new Set(["b", "a_2"]));
    expect(out.map((x) => x.id)).toEqual(["a", "a_3", "b_2", "a_4"]);
    // The rest of each call is kept, and the input is not changed.
    expect(out[1]).toEqual({ id: "a_3", name: "t", args: { id: "a" } });
    expect(calls.map((x) => x.id)).toEqual(["a", "a", "b", "a"]);
  });

  it("a renamed id cannot clash with a later call of the same answer", () => {
    const out = uniqueToolCalls([c("x"), c("x"), c("x_2")], new Set());
    expect(new Set(out.map((x) => x.id)).size).toBe(3);
  });
});

describe("prepareRequest", () => {
  const model = parseModel("sim/a");
  const transcript: Message[] = [{ role: "user", content: "hi" }];
  const base: Grant = { step: 1, steps: 1, prepend: [], append: [], settings: { temperature: 1 }, tools: [] };
  const modelRequest = (m: typeof model, grant: Grant, t: Message[], tools: ToolSpec[], sessionId: string) =>
    prepareRequest({ agent: "a", model: m, grant, transcript: t, tools, sessionId, strictSettings: false }).request;

  it("the transcript as it is when the grant adds nothing around it; no system or output unless given", () => {
    const request = modelRequest(model, base, transcript, [], "T");
    expect(request).toEqual({
      modelId: "sim/a",
      model: "a",
      messages: transcript,
      tools: [],
      settings: { temperature: 1 },
      sessionId: "T",
    });
    expect(request.messages).toBe(transcript);
  });

  it("prepend and append around the transcript; system and output from the grant", () => {
    const output = { name: "o", schema: {}, strict: true };
    const request = modelRequest(
      model,
      { ...base, system: "S", output, prepend: [{ role: "user", content: "p" }], append: [{ role: "user", content: "q" }] },
      transcript,
      [{ name: "t", description: "", parameters: {} }],
      "T",
    );
    expect(request.messages.map((m) => m.content)).toEqual(["p", "hi", "q"]);
    expect(request).toMatchObject({ system: "S", output, tools: [{ name: "t" }] });
  });
});

describe("a step's messages and record", () => {
  const author = { agent: "writer", model: parseModel("sim/a") };
  const response = (over: Partial<ModelResponse> = {}): ModelResponse => ({
    text: "",
    toolCalls: [],
    usage: { inputTokens: 3, outputTokens: 2 },
    stopReason: "tool_calls",
    ...over,
  });

  it("the assistant message names the agent only when it is not its model, and keeps provider parts", () => {
    expect(assistantMessage({ agent: "sim/a", model: author.model }, response({ text: "hi" }))).toEqual({
      role: "assistant",
      content: "hi",
      meta: { model: "sim/a" },
    });
    const parts = [{ provider: "anthropic", kind: "thinking", data: { signature: "s" } }];
    expect(assistantMessage(author, response({ providerParts: parts, toolCalls: [{ id: "1", name: "t", args: {} }] }))).toEqual({
      role: "assistant",
      content: "",
      meta: { model: "sim/a", agent: "writer", providerParts: parts },
      toolCalls: [{ id: "1", name: "t", args: {} }],
    });
  });

  it("one result per call in call order: outcomes, the transfer's own result, and an error for a call without an outcome", () => {
    const calls = [
      { id: "1", name: "calc", args: { x: 1 } },
      { id: "2", name: "transfer_to_b", args: {} },
      { id: "3", name: "calc", args: {} },
      { id: "4", name: "shot", args: {} },
    ];
    const entry = { spec: { name: "calc", description: "", parameters: {} }, service: "tools:T", remoteName: "calc", source: "local" };
    const plans: CallPlan[] = [
      { kind: "service", call: calls[0]!, entry },
      { kind: "transfer", call: calls[1]!, to: "b", reason: "", task: "" },
      { kind: "service", call: calls[2]!, entry },
      { kind: "service", call: calls[3]!, entry },
    ];
    const image = [{ type: "image" as const, url: "https://x/y.png" }];
    const { messages, record } = assembleStep(
      7,
      author,
      response({ toolCalls: calls }),
      plans,
      { "1": { content: "2", isError: false, ms: 3 }, "4": { content: image, isError: false, ms: 1 } },
      40,
    );
    expect(messages.slice(1)).toEqual([
      { role: "tool", toolCallId: "1", name: "calc", content: "2" },
      { role: "tool", toolCallId: "2", name: "transfer_to_b", content: transferResult("b") },
      { role: "tool", toolCallId: "3", name: "calc", content: "Error: no result.", isError: true },
      { role: "tool", toolCallId: "4", name: "shot", content: image },
    ]);
    expect(record).toEqual({
      step: 7,
      agent: "writer",
      model: "sim/a",
      text: "",
      toolCalls: [
        { id: "1", name: "calc", args: { x: 1 }, result: "2", isError: false, ms: 3 },
        { id: "2", name: "transfer_to_b", args: {}, result: "Transferred to b. It takes over the task from here.", isError: false, ms: 0 },
        { id: "3", name: "calc", args: {}, result: "Error: no result.", isError: true, ms: 0 },
        { id: "4", name: "shot", args: {}, result: "[image]", isError: false, ms: 1, parts: image },
      ],
      usage: { inputTokens: 3, outputTokens: 2 },
      stopReason: "tool_calls",
      ms: 40,
    });
  });

  it("a failed step: no text, no calls, the error kept, usage zero unless the answer had some", () => {
    const error: ErrorData = { code: "PROVIDER_ERROR", message: "x" };
    expect(failedStep(2, author, error, 15)).toEqual({
      step: 2,
      agent: "writer",
      model: "sim/a",
      text: "",
      toolCalls: [],
      usage: { inputTokens: 0, outputTokens: 0 },
      stopReason: "error",
      ms: 15,
      error,
    });
    expect(failedStep(2, author, error, 15, { inputTokens: 9, outputTokens: 1 }).usage).toEqual({ inputTokens: 9, outputTokens: 1 });
  });

  it("unusable answers: a PROVIDER_ERROR that says what happened and what to do, not retryable", () => {
    const length = stopReasonError(author.model, "length");
    expect(length).toEqual({
      code: "PROVIDER_ERROR",
      message: "sim/a hit its output token limit before answering. Raise settings.maxTokens for this model.",
      details: { provider: "sim", model: "a", stopReason: "length", retryable: false },
    });
    expect(stopReasonError(author.model, "content_filter").message).toBe("sim/a: the provider's content filter stopped the answer.");
  });
});
