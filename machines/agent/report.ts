/** What an agent's model call is made of, and the reports it sends its supervisor (pure). */
import { prepareRequest, type RequestInput } from "../../src/agent/request.js";
import { assembleStep, failedStep, type StepAuthor } from "../../src/agent/step.js";
import type { ErrorData } from "../../src/errors.js";
import type { RunWarning } from "../../src/result.js";
import type { Message } from "../../src/transcript/index.js";
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
  return withWarnings(context, { record, messages });
}

/** A step that failed for good: its record carries the error, and no messages. */
export function failedReport(context: AgentContext, error: ErrorData): StepReport {
  return withWarnings(context, {
    record: failedStep(stepOf(context), authorOf(context), error, stepMs(context), context.response?.usage),
    messages: [],
  });
}

/** The transcript with a finished step added (what the agent has seen from now on). */
export function withStep(context: AgentContext, messages: readonly Message[]): readonly Message[] {
  return [...context.transcript, ...messages];
}
