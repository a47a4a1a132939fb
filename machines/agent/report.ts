/** What an agent's model call is made of, and the reports it sends its supervisor (pure). */
import { prepareRequest, type RequestInput } from "../../src/agent/request.js";
import { assembleStep, assistantMessage, failedStep, type StepAuthor } from "../../src/agent/step.js";
import type { CallOutcome, CallPlan } from "../../src/agent/toolPlan.js";
import type { ErrorData } from "../../src/errors.js";
import type { ModelResponse } from "../../src/providers/types.js";
import type { RunWarning } from "../../src/result.js";
import type { PendingStep } from "../../src/store/records.js";
import { type Message, toolMessage } from "../../src/transcript/index.js";
import type { StepReport } from "../team/protocol.js";
import { type AgentContext, stepOf } from "./context.js";

/** The current call: the grant, what the agent has seen, its tools (no handoff tools for a delegate). */
export function requestInput(context: AgentContext): RequestInput {
  const grant = context.grant!;
  const { config } = context;
  const tools = context.delegation ? grant.tools.map((t) => t.spec) : [...grant.tools.map((t) => t.spec), ...config.handoffSpecs];
  return {
    agent: config.name,
    model: config.model,
    grant,
    transcript: context.transcript,
    tools,
    sessionId: config.teamId,
    strictSettings: config.strictSettings,
  };
}

export function authorOf(context: AgentContext): StepAuthor {
  return { agent: context.config.name, model: context.config.model };
}

function stepMs(context: AgentContext): number {
  return context.stepStartedAt ? Math.max(0, context.lastAt - context.stepStartedAt) : 0;
}

/** What was changed in the step's request to keep it valid (recomputed: cheap, and reported once per run). */
function withWarnings(context: AgentContext, report: StepReport): StepReport {
  const warnings: RunWarning[] = context.grant ? prepareRequest(requestInput(context)).warnings : [];
  if (warnings.length) report.warnings = warnings;
  return report;
}

/** The finished step: its record and its messages (assistant turn, then one result per call). */
export function stepReport(context: AgentContext): StepReport {
  const { messages, record } = assembleStep(
    stepOf(context),
    authorOf(context),
    context.response!,
    context.plans,
    context.outcomes,
    stepMs(context),
  );
  const report: StepReport = { record, messages };
  if (context.answeredAt && context.stepStartedAt) {
    const response = context.response!;
    const call: NonNullable<StepReport["call"]> = { modelMs: Math.max(0, context.answeredAt - context.stepStartedAt) };
    if (response.responseModel) call.responseModel = response.responseModel;
    if (response.responseId) call.responseId = response.responseId;
    report.call = call;
  }
  return withWarnings(context, report);
}

/** A step that failed for good: its record carries the error, and no messages. */
export function failedReport(context: AgentContext, error: ErrorData): StepReport {
  return withWarnings(context, {
    record: failedStep(stepOf(context), authorOf(context), error, stepMs(context), context.response?.usage),
    messages: [],
  });
}

/**
 * The step as it stands with calls unsettled: its answer, the results so far, and what waits
 * for a person. Written down (durable runs) and handed to the resume that finishes it.
 */
export function pendingStep(context: AgentContext): PendingStep {
  const response = context.response!;
  const results: PendingStep["results"] = {};
  for (const plan of context.plans) {
    const outcome = context.outcomes[plan.call.id];
    if (outcome) results[plan.call.id] = toolMessage(plan.call, outcome.content, outcome.isError);
  }
  return {
    agent: context.config.name,
    step: stepOf(context),
    message: assistantMessage(authorOf(context), response),
    usage: response.usage,
    stopReason: response.stopReason,
    results,
    waiting: context.waiting,
  };
}

/** The model answer a pending step was written with (a resumed run finishes it without asking again). */
export function responseOf(pending: PendingStep): ModelResponse {
  const response: ModelResponse = {
    text: pending.message.content,
    toolCalls: pending.message.toolCalls ?? [],
    usage: pending.usage,
    stopReason: pending.stopReason === "error" ? "tool_calls" : pending.stopReason,
  };
  if (pending.message.meta?.providerParts?.length) response.providerParts = pending.message.meta.providerParts;
  return response;
}

/** Outcomes a resumed step starts with: results settled before, and the refusals a person gave. */
export function settledOutcomes(resume: NonNullable<AgentContext["resume"]>): Record<string, CallOutcome> {
  const settled: Record<string, CallOutcome> = {};
  for (const [id, message] of Object.entries(resume.pending.results)) {
    settled[id] = { content: message.content, isError: message.isError === true, ms: 0 };
  }
  for (const { id, message } of resume.rejected) {
    settled[id] = { content: `Rejected by a person: ${message || "not approved"}`, isError: true, ms: 0 };
  }
  return settled;
}

/** The transcript with a finished step added (what the agent has seen from now on). */
export function withStep(context: AgentContext, messages: readonly Message[]): readonly Message[] {
  return [...context.transcript, ...messages];
}

/**
 * Where a tool call went, for its tool.called / tool.result events: `source` (`local`, the MCP
 * server's name, or `agent` for a delegation), and by name the MCP server or the agent asked.
 */
export function toolOrigin(plan: CallPlan | undefined): { source: string; mcpServer?: string; delegateTo?: string } {
  if (plan?.kind === "service") {
    return plan.entry.service.startsWith("mcp:")
      ? { source: plan.entry.source, mcpServer: plan.entry.source }
      : { source: plan.entry.source };
  }
  if (plan?.kind === "delegate") return { source: "agent", delegateTo: plan.to };
  return { source: plan ? "local" : "agent" };
}
