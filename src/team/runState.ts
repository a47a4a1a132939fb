/**
 * The accounting of one run, as plain data: steps, handoffs, tool results, usage and warnings,
 * and the `RunResult` built from them. Pure functions; the supervisor machine calls them.
 */
import { costUSD } from "../models/catalog.js";
import type { Usage } from "../providers/types.js";
import type { HandoffRecord, ModelUsage, RunResult, RunStatus, RunUsage, RunWarning, StepRecord, ToolCallRecord } from "../result.js";
import { type Content, lastAssistantText, type Message } from "../transcript/index.js";
import { extend } from "../util/extend.js";

export interface RunState {
  runId: string;
  input: Content;
  startedAt: number;
  maxSteps: number;
  maxHandoffs: number;
  /** Model calls granted so far (counts toward maxSteps even before they finish). */
  granted: number;
  steps: StepRecord[];
  handoffs: HandoffRecord[];
  toolResults: ToolCallRecord[];
  agentsUsed: string[];
  modelsUsed: string[];
  usage: RunUsage;
  warnings: RunWarning[];
  /** Consecutive failures per agent, for fallback decisions. */
  failures: Record<string, number>;
  /** Repair turns given after answers that did not match `output`. */
  outputRepairs: number;
  /** The final answer's raw text, and its parsed value when the run has `output`. */
  outputText?: string;
  output?: { value: unknown };
}

export function newRunState(runId: string, input: Content, maxSteps: number, maxHandoffs: number, startedAt: number): RunState {
  return {
    runId,
    input,
    startedAt,
    maxSteps,
    maxHandoffs,
    granted: 0,
    steps: [],
    handoffs: [],
    toolResults: [],
    agentsUsed: [],
    modelsUsed: [],
    usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} },
    warnings: [],
    failures: {},
    outputRepairs: 0,
  };
}

function addTo(byKey: Record<string, ModelUsage>, key: string, add: Usage, model: string): Record<string, ModelUsage> {
  const prev = byKey[key] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
  const inputTokens = prev.inputTokens + add.inputTokens;
  const outputTokens = prev.outputTokens + add.outputTokens;
  const entry: ModelUsage = { inputTokens, outputTokens, calls: prev.calls + 1 };
  // Cost per agent adds the cost of each call at its model's price.
  const cost = costUSD(model, add.inputTokens, add.outputTokens);
  if (cost !== undefined && (prev.calls === 0 || prev.costUSD !== undefined)) entry.costUSD = (prev.costUSD ?? 0) + cost;
  return extend(byKey, { [key]: entry });
}

export function addUsage(usage: RunUsage, agent: string, model: string, add: Usage): RunUsage {
  const byModel = addTo(usage.byModel, model, add, model);
  const byAgent = addTo(usage.byAgent, agent, add, model);
  const total: RunUsage = {
    inputTokens: usage.inputTokens + add.inputTokens,
    outputTokens: usage.outputTokens + add.outputTokens,
    byModel,
    byAgent,
  };
  const models = Object.values(byModel);
  if (models.every((m) => m.costUSD !== undefined)) total.costUSD = models.reduce((sum, m) => sum + (m.costUSD ?? 0), 0);
  return total;
}

/** The records in the order their steps started (a delegate's step may end before its caller's). */
function inStepOrder(steps: readonly StepRecord[], step: StepRecord): StepRecord[] {
  let at = steps.length;
  while (at > 0 && steps[at - 1]!.step > step.step) at--;
  return [...steps.slice(0, at), step, ...steps.slice(at)];
}

/** Counts a finished (or failed) step: its record, tool results, usage, and who took part. */
export function recordStep(run: RunState, step: StepRecord): RunState {
  return extend(run, {
    steps: inStepOrder(run.steps, step),
    toolResults: step.toolCalls.length ? [...run.toolResults, ...step.toolCalls] : run.toolResults,
    agentsUsed: run.agentsUsed.includes(step.agent) ? run.agentsUsed : [...run.agentsUsed, step.agent],
    modelsUsed: run.modelsUsed.includes(step.model) ? run.modelsUsed : [...run.modelsUsed, step.model],
    usage: addUsage(run.usage, step.agent, step.model, step.usage),
    failures: step.error ? run.failures : extend(run.failures, { [step.agent]: 0 }),
  });
}

/** The warnings not reported yet in this run (each once per run). */
export function newWarnings(run: RunState, warnings: readonly RunWarning[] | undefined): RunWarning[] {
  if (!warnings?.length) return [];
  const key = (w: RunWarning) => `${w.code}\u0000${w.agent}\u0000${w.setting ?? w.message}`;
  const seen = new Set(run.warnings.map(key));
  const fresh: RunWarning[] = [];
  for (const warning of warnings) {
    if (seen.has(key(warning))) continue;
    seen.add(key(warning));
    fresh.push(warning);
  }
  return fresh;
}

export function recordHandoff(run: RunState, handoff: HandoffRecord): RunState {
  return extend(run, { handoffs: [...run.handoffs, handoff] });
}

export function recordFailure(run: RunState, agent: string): RunState {
  return extend(run, { failures: extend(run.failures, { [agent]: (run.failures[agent] ?? 0) + 1 }) });
}

export function buildResult(
  run: RunState,
  messages: readonly Message[],
  status: RunStatus,
  last: { agent: string; model: string },
  at: number,
  reason?: string,
): RunResult<unknown> {
  const outputText = run.outputText ?? lastAssistantText(messages);
  const result: RunResult<unknown> = {
    runId: run.runId,
    status,
    finalOutput: run.output ? run.output.value : outputText,
    outputText,
    lastAgent: last.agent,
    lastModel: last.model,
    agentsUsed: run.agentsUsed,
    modelsUsed: run.modelsUsed,
    stepsUsed: run.steps.length,
    steps: run.steps,
    handoffs: run.handoffs,
    toolResults: run.toolResults,
    usage: run.usage,
    messages: [...messages],
    warnings: run.warnings,
    durationMs: Math.max(0, at - run.startedAt),
  };
  if (reason !== undefined) result.reason = reason;
  return result;
}
