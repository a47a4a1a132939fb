/**
 * Pure decisions of one agent step: how the tool calls of a model answer are dispatched
 * (handoff, delegation, service call, or an immediate error result), and how the step's
 * messages and record are assembled once every call is answered; the request a grant makes, and
 * the error of an answer that cannot be used.
 */
import { BatonError } from "../errors.js";
import type { ModelRef } from "../models/modelRef.js";
import type { StepGrantEvent } from "../protocol.js";
import type { ModelRequest, ModelResponse, ToolSpec } from "../providers/types.js";
import type { StepRecord, ToolCallRecord } from "../result.js";
import type { HandoffTarget } from "../tools/handoffTools.js";
import type { ToolEntry } from "../tools/toolEntry.js";
import { type AssistantMessage, type Content, contentText, type Message, type ToolCall, toolMessage } from "../transcript/index.js";

export type CallPlan =
  | { kind: "service"; call: ToolCall; entry: ToolEntry }
  | { kind: "delegate"; call: ToolCall; to: string; task: string }
  | { kind: "transfer"; call: ToolCall; to: string; reason: string; task: string }
  | { kind: "error"; call: ToolCall; content: string };

/** Decides what happens to each tool call of one assistant message. */
export function planToolCalls(
  calls: readonly ToolCall[],
  tools: readonly ToolEntry[],
  handoffTargets: ReadonlyMap<string, HandoffTarget>,
): CallPlan[] {
  const byName = new Map(tools.map((t) => [t.spec.name, t]));
  let transferTo: string | undefined;
  return calls.map((call): CallPlan => {
    if (call.argsError) {
      return {
        kind: "error",
        call,
        content: `Error: the arguments of ${call.name} were not valid JSON (${call.argsError}). Call it again with valid JSON.`,
      };
    }
    const target = handoffTargets.get(call.name);
    if (target?.kind === "transfer") {
      if (transferTo !== undefined) {
        return {
          kind: "error",
          call,
          content: `Error: only one handoff per message. The task already goes to ${transferTo}; this handoff to ${target.to} was not made.`,
        };
      }
      transferTo = target.to;
      return { kind: "transfer", call, to: target.to, reason: stringArg(call.args.reason), task: stringArg(call.args.task) };
    }
    if (target?.kind === "delegate") {
      const task = stringArg(call.args.task);
      if (!task) return { kind: "error", call, content: `Error: ${call.name} needs a "task" argument saying what ${target.to} should do.` };
      return { kind: "delegate", call, to: target.to, task };
    }
    const entry = byName.get(call.name);
    if (!entry) {
      const available = [...byName.keys(), ...handoffTargets.keys()];
      return { kind: "error", call, content: `Error: unknown tool "${call.name}". Available tools: ${available.join(", ") || "none"}.` };
    }
    return { kind: "service", call, entry };
  });
}

function stringArg(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : JSON.stringify(value);
}

export interface CallOutcome {
  content: Content;
  isError: boolean;
  ms: number;
}

export function transferResult(to: string): string {
  return `Transferred to ${to}. It takes over the task from here.`;
}

/** The assistant message a model response becomes in the transcript. */
export function assistantMessage(model: ModelRef, response: ModelResponse): AssistantMessage {
  const message: AssistantMessage = { role: "assistant", content: response.text, meta: { model: model.id } };
  if (response.toolCalls.length) message.toolCalls = response.toolCalls;
  if (response.providerParts?.length) message.meta = { model: model.id, providerParts: response.providerParts };
  return message;
}

/** The step's messages (assistant turn and one result per call, in call order) and its record. */
export function assembleStep(
  step: number,
  model: ModelRef,
  response: ModelResponse,
  plans: readonly CallPlan[],
  outcomes: ReadonlyMap<string, CallOutcome>,
  ms: number,
): { messages: Message[]; record: StepRecord } {
  const messages: Message[] = [assistantMessage(model, response)];
  const toolCalls: ToolCallRecord[] = [];
  for (const plan of plans) {
    const outcome: CallOutcome =
      plan.kind === "transfer"
        ? { content: transferResult(plan.to), isError: false, ms: 0 }
        : (outcomes.get(plan.call.id) ?? { content: "Error: no result.", isError: true, ms: 0 });
    messages.push(toolMessage(plan.call, outcome.content, outcome.isError));
    toolCalls.push({
      id: plan.call.id,
      name: plan.call.name,
      args: plan.call.args,
      result: contentText(outcome.content),
      isError: outcome.isError,
      ms: outcome.ms,
    });
  }
  return {
    messages,
    record: { step, model: model.id, text: response.text, toolCalls, usage: response.usage, stopReason: response.stopReason, ms },
  };
}

/** The model call a grant allows: the grant's prepend/append around the transcript, its settings. */
export function modelRequest(
  model: ModelRef,
  grant: StepGrantEvent,
  transcript: readonly Message[],
  tools: readonly ToolSpec[],
  sessionId: string,
): Omit<ModelRequest, "signal" | "onTextDelta"> {
  const request: Omit<ModelRequest, "signal" | "onTextDelta"> = {
    modelId: model.id,
    model: model.name,
    messages: grant.prepend.length || grant.append.length ? [...grant.prepend, ...transcript, ...grant.append] : transcript,
    tools,
    settings: grant.settings,
    sessionId,
  };
  if (grant.system) request.system = grant.system;
  return request;
}

/** An answer that cannot be used: empty at the output token limit, or stopped by a content filter. */
export function stopReasonError(model: ModelRef, stopReason: "length" | "content_filter"): BatonError {
  const message =
    stopReason === "length"
      ? `${model.id} hit its output token limit before answering. Raise settings.maxTokens for this model.`
      : `${model.id}: the provider's content filter stopped the answer.`;
  return new BatonError("PROVIDER_ERROR", message, {
    details: { provider: model.provider, model: model.name, stopReason, retryable: false },
  });
}
