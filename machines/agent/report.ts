/** The reports an agent sends its supervisor, built from its context (pure). */
import { assembleStep, failedStep, type StepAuthor } from "../../src/agent/step.js";
import type { ErrorData } from "../../src/errors.js";
import type { Message } from "../../src/transcript/index.js";
import type { StepReport } from "../team/protocol.js";
import { type AgentContext, stepOf } from "./context.js";

export function authorOf(context: AgentContext): StepAuthor {
  return { agent: context.config.name, model: context.config.model };
}

function stepMs(context: AgentContext): number {
  return context.stepStartedAt ? Math.max(0, context.lastAt - context.stepStartedAt) : 0;
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
  return { record, messages };
}

/** A step that failed for good: its record carries the error, and no messages. */
export function failedReport(context: AgentContext, error: ErrorData): StepReport {
  return { record: failedStep(stepOf(context), authorOf(context), error, stepMs(context), context.response?.usage), messages: [] };
}

/** The transcript with a finished step added (what the agent has seen from now on). */
export function withStep(context: AgentContext, messages: readonly Message[]): readonly Message[] {
  return [...context.transcript, ...messages];
}
