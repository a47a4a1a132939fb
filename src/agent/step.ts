/**
 * Pure parts of one agent step: the assistant message a model answer becomes, the step's
 * messages and record once every call is answered, and the record of a failed step.
 */
import { BatonError, type ErrorData } from "../errors.js";
import type { ModelRef } from "../models/modelRef.js";
import type { ModelResponse } from "../providers/types.js";
import type { StepRecord, ToolCallRecord } from "../result.js";
import { type AssistantMessage, contentText, type Message, toolMessage } from "../transcript/index.js";
import type { CallOutcome, CallPlan } from "./toolPlan.js";

export function transferResult(to: string): string {
  return `Transferred to ${to}. It takes over the task from here.`;
}

/** Who made the step. */
export interface StepAuthor {
  agent: string;
  model: ModelRef;
}

/** The assistant message a model response becomes in the transcript. */
export function assistantMessage(author: StepAuthor, response: ModelResponse): AssistantMessage {
  const meta: AssistantMessage["meta"] = { model: author.model.id };
  if (author.agent !== author.model.id) meta.agent = author.agent;
  if (response.providerParts?.length) meta.providerParts = response.providerParts;
  const message: AssistantMessage = { role: "assistant", content: response.text, meta };
  if (response.toolCalls.length) message.toolCalls = response.toolCalls;
  return message;
}

/** The step's messages (assistant turn and one result per call, in call order) and its record. */
export function assembleStep(
  step: number,
  author: StepAuthor,
  response: ModelResponse,
  plans: readonly CallPlan[],
  outcomes: Readonly<Record<string, CallOutcome>>,
  ms: number,
): { messages: Message[]; record: StepRecord } {
  const messages: Message[] = [assistantMessage(author, response)];
  const toolCalls: ToolCallRecord[] = [];
  for (const plan of plans) {
    const outcome: CallOutcome =
      plan.kind === "transfer"
        ? { content: transferResult(plan.to), isError: false, ms: 0 }
        : (outcomes[plan.call.id] ?? { content: "Error: no result.", isError: true, ms: 0 });
    messages.push(toolMessage(plan.call, outcome.content, outcome.isError));
    const record: ToolCallRecord = {
      id: plan.call.id,
      name: plan.call.name,
      args: plan.call.args,
      result: contentText(outcome.content),
      isError: outcome.isError,
      ms: outcome.ms,
    };
    if (typeof outcome.content !== "string" && outcome.content.some((p) => p.type !== "text")) record.parts = outcome.content;
    toolCalls.push(record);
  }
  return {
    messages,
    record: {
      step,
      agent: author.agent,
      model: author.model.id,
      text: response.text,
      toolCalls,
      usage: response.usage,
      stopReason: response.stopReason,
      ms,
    },
  };
}

/** The record of a step whose call failed for good: no messages, the error kept. */
export function failedStep(step: number, author: StepAuthor, error: ErrorData, ms: number, usage?: ModelResponse["usage"]): StepRecord {
  return {
    step,
    agent: author.agent,
    model: author.model.id,
    text: "",
    toolCalls: [],
    usage: usage ?? { inputTokens: 0, outputTokens: 0 },
    stopReason: "error",
    ms,
    error,
  };
}

/** An answer that cannot be used: empty at the output token limit, or stopped by a content filter. */
export function stopReasonError(model: ModelRef, stopReason: "length" | "content_filter"): ErrorData {
  const message =
    stopReason === "length"
      ? `${model.id} hit its output token limit before answering. Raise settings.maxTokens for this model.`
      : `${model.id}: the provider's content filter stopped the answer.`;
  return new BatonError("PROVIDER_ERROR", message, {
    details: { provider: model.provider, model: model.name, stopReason, retryable: false },
  }).toJSON();
}
