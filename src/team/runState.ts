/**
 * The accounting of one run, as plain data: steps, handoffs, tool results and usage, and the
 * `RunResult` built from them. Pure functions; the supervisor machine calls them.
 */

import { costUSD } from "../models/catalog.js";
import type { Usage } from "../providers/types.js";
import type { HandoffRecord, RunResult, RunStatus, RunUsage, StepRecord, ToolCallRecord } from "../result.js";
import { lastAssistantText, type Message } from "../transcript/index.js";
import { extend } from "../util/extend.js";

export interface RunState {
  runId: string;
  input: string;
  startedAt: number;
  maxSteps: number;
  maxHandoffs: number;
  /** Model calls granted so far (counts toward maxSteps even before they finish). */
  granted: number;
  steps: StepRecord[];
  handoffs: HandoffRecord[];
  toolResults: ToolCallRecord[];
  modelsUsed: string[];
  usage: RunUsage;
  /** Consecutive failures per model, for fallback decisions. */
  failures: Record<string, number>;
  finalOutput?: string;
}

export function newRunState(runId: string, input: string, maxSteps: number, maxHandoffs: number, now = Date.now()): RunState {
  return {
    runId,
    input,
    startedAt: now,
    maxSteps,
    maxHandoffs,
    granted: 0,
    steps: [],
    handoffs: [],
    toolResults: [],
    modelsUsed: [],
    usage: { inputTokens: 0, outputTokens: 0, byModel: {} },
    failures: {},
  };
}

export function addUsage(usage: RunUsage, model: string, add: Usage): RunUsage {
  const prev = usage.byModel[model] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
  const inputTokens = prev.inputTokens + add.inputTokens;
  const outputTokens = prev.outputTokens + add.outputTokens;
  const cost = costUSD(model, inputTokens, outputTokens);
  const byModel = extend(usage.byModel, {
    [model]: { inputTokens, outputTokens, calls: prev.calls + 1, ...(cost === undefined ? {} : { costUSD: cost }) },
  });
  const models = Object.values(byModel);
  const total: RunUsage = {
    inputTokens: usage.inputTokens + add.inputTokens,
    outputTokens: usage.outputTokens + add.outputTokens,
    byModel,
  };
  if (models.every((m) => m.costUSD !== undefined)) total.costUSD = models.reduce((sum, m) => sum + (m.costUSD ?? 0), 0);
  return total;
}

export function recordStep(run: RunState, step: StepRecord): RunState {
  return extend(run, {
    steps: [...run.steps, step],
    toolResults: step.toolCalls.length ? [...run.toolResults, ...step.toolCalls] : run.toolResults,
    modelsUsed: run.modelsUsed.includes(step.model) ? run.modelsUsed : [...run.modelsUsed, step.model],
    usage: addUsage(run.usage, step.model, step.usage),
    failures: extend(run.failures, { [step.model]: 0 }),
  });
}

export function recordHandoff(run: RunState, handoff: HandoffRecord): RunState {
  return extend(run, { handoffs: [...run.handoffs, handoff] });
}

export function recordFailure(run: RunState, model: string): RunState {
  return extend(run, { failures: extend(run.failures, { [model]: (run.failures[model] ?? 0) + 1 }) });
}

export function buildResult(
  run: RunState,
  messages: readonly Message[],
  status: RunStatus,
  lastModel: string,
  reason?: string,
  now = Date.now(),
): RunResult {
  const result: RunResult = {
    runId: run.runId,
    status,
    finalOutput: run.finalOutput ?? lastAssistantText(messages),
    lastModel,
    modelsUsed: run.modelsUsed,
    stepsUsed: run.steps.length,
    steps: run.steps,
    handoffs: run.handoffs,
    toolResults: run.toolResults,
    usage: run.usage,
    messages: [...messages],
    durationMs: now - run.startedAt,
  };
  if (reason !== undefined) result.reason = reason;
  return result;
}
