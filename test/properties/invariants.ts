/**
 * What must hold for every run, whatever its scripts, policy, tools, faults and abort time (the
 * invariants of issue 21's fuzzing). Each check returns the violations it found, as sentences
 * that name the run and task, so a failing property says what broke.
 */
import { BatonError, type RunEvent, type RunResult } from "../../src/index.js";
import { findTranscriptProblems } from "../../src/transcript/index.js";
import { stepBound } from "./arbitraries.js";
import type { RunObservation, ScenarioObservation, TaskObservation } from "./harness.js";

/**
 * A run aborted while it runs settles within this long of the abort. (The abort comes from a
 * timer, so it fires between bursts of work; a signal aborted before the run is not bounded here:
 * its run waits for its turn behind the other runs' work, which is all microtasks at 0 ms latency.)
 */
export const CANCEL_BOUND_MS = 150;
const DEFAULT_MAX_HANDOFFS = 10;

export function scenarioViolations(observation: ScenarioObservation): string[] {
  const out: string[] = [];
  for (const run of observation.runs) {
    run.tasks.forEach((task, i) => {
      for (const problem of taskViolations(run, task)) out.push(`run ${run.index} (${run.spec.via}) task ${i}: ${problem}`);
    });
    if (run.teamEvents) for (const problem of teamEventViolations(run)) out.push(`run ${run.index} (team): ${problem}`);
  }
  if (!observation.closed) out.push("runner.close() did not resolve");
  if (observation.activeActors.length) out.push(`actors still active after runner.close(): ${observation.activeActors.join(", ")}`);
  const leaked = Object.entries(observation.leakedResources);
  if (leaked.length) out.push(`resources left after runner.close(): ${leaked.map(([kind, n]) => `${n} ${kind}`).join(", ")}`);
  return out;
}

/** The result of a task, or the partial result of its failure. */
function resultOf(task: TaskObservation): RunResult | undefined {
  if (task.outcome.ok === true) return task.outcome.result;
  if (task.outcome.ok === false && task.outcome.error instanceof BatonError) return task.outcome.error.partial;
  return undefined;
}

export function taskViolations(run: RunObservation, task: TaskObservation): string[] {
  const out: string[] = [];
  const { outcome } = task;
  if (outcome.ok === "pending") return ["did not settle (a hang)"];
  if (outcome.ok === false) {
    const error = outcome.error;
    if (!(error instanceof BatonError)) return [`rejected with a non-BatonError: ${String(error)}`];
    if (error.code === "INTERNAL") out.push(`failed with INTERNAL: ${error.message}`);
    if (!error.partial) out.push(`failed with ${error.code} (${error.message}) but without a partial result`);
  }
  if (task.abortedAt !== undefined && task.settledAt - task.abortedAt > CANCEL_BOUND_MS) {
    out.push(`settled ${Math.round(task.settledAt - task.abortedAt)} ms after its abort (bound ${CANCEL_BOUND_MS} ms)`);
  }
  if (task.abortedBefore) {
    if (outcome.ok === true) out.push("completed although its signal was aborted before it started");
    else if (outcome.error instanceof BatonError && outcome.error.code !== "CANCELLED") {
      out.push(`its signal was aborted before it started, but it failed with ${outcome.error.code}`);
    }
  }
  const result = resultOf(task);
  if (result) out.push(...resultViolations(run, result));
  if (task.events) out.push(...eventViolations(task.events, outcome.ok === true ? "finished" : "failed", result));
  return out;
}

/** Usage adds up, steps are counted once, the limits hold, the transcript is valid. */
export function resultViolations(run: RunObservation, result: RunResult): string[] {
  const out: string[] = [];
  const { steps, usage } = result;
  if (result.stepsUsed !== steps.length) out.push(`stepsUsed ${result.stepsUsed} but ${steps.length} step records`);
  const stepIn = steps.reduce((n, s) => n + s.usage.inputTokens, 0);
  const stepOut = steps.reduce((n, s) => n + s.usage.outputTokens, 0);
  if (usage.inputTokens !== stepIn || usage.outputTokens !== stepOut) {
    out.push(`usage ${usage.inputTokens}/${usage.outputTokens} but the steps add up to ${stepIn}/${stepOut}`);
  }
  const byModel = Object.values(usage.byModel);
  const modelIn = byModel.reduce((n, m) => n + m.inputTokens, 0);
  const modelOut = byModel.reduce((n, m) => n + m.outputTokens, 0);
  if (modelIn !== usage.inputTokens || modelOut !== usage.outputTokens) {
    out.push(`usage.byModel adds up to ${modelIn}/${modelOut}, the total is ${usage.inputTokens}/${usage.outputTokens}`);
  }
  for (const [model, m] of Object.entries(usage.byModel)) {
    const own = steps.filter((s) => s.model === model);
    const calls = own.length;
    const input = own.reduce((n, s) => n + s.usage.inputTokens, 0);
    if (m.calls !== calls || m.inputTokens !== input)
      out.push(`usage.byModel[${model}] says ${m.calls} calls/${m.inputTokens} in; steps: ${calls}/${input}`);
  }
  for (const step of steps)
    if (!(step.model in usage.byModel)) out.push(`step ${step.step} of ${step.model} is missing from usage.byModel`);
  const stepNumbers = steps.map((s) => s.step);
  if (new Set(stepNumbers).size !== stepNumbers.length) out.push(`step numbers repeat: ${stepNumbers.join(", ")}`);
  const maxSteps = stepBound(run.spec);
  if (steps.length > maxSteps) out.push(`${steps.length} steps, over maxSteps ${maxSteps}`);
  const maxHandoffs = run.spec.maxHandoffs ?? DEFAULT_MAX_HANDOFFS;
  if (result.handoffs.length > maxHandoffs) {
    out.push(`${result.handoffs.length} handoffs (${result.handoffs.map((h) => h.by).join(", ")}), over maxHandoffs ${maxHandoffs}`);
  }
  for (const problem of findTranscriptProblems(result.messages)) out.push(`transcript: message ${problem.index}: ${problem.problem}`);
  for (const message of result.messages) {
    if ((message.role === "tool" || message.role === "user") && typeof message.content !== "string" && !Array.isArray(message.content)) {
      out.push(`a ${message.role} message has content ${String(message.content)}`);
    }
  }
  return out;
}

const key = (e: { model: string; step: number }) => `${e.model}#${e.step}`;

/**
 * One run's events: run.started first; exactly one terminal event, the last one, matching the
 * outcome; every step.started ends with exactly one step.finished (a failed run may leave steps
 * unfinished, and says so with run.failed); every step.finished is in the result's steps; every
 * tool.result answers a tool.called.
 */
export function eventViolations(events: readonly RunEvent[], ended: "finished" | "failed", result: RunResult | undefined): string[] {
  const out: string[] = [];
  if (events[0]?.type !== "run.started") out.push(`first event is ${events[0]?.type ?? "missing"}, not run.started`);
  const runIds = new Set(events.map((e) => e.runId));
  if (runIds.size > 1) out.push(`events of ${runIds.size} runIds in one run`);
  const terminals = events.filter((e) => e.type === "run.finished" || e.type === "run.failed");
  if (terminals.length !== 1) out.push(`${terminals.length} terminal events (${terminals.map((e) => e.type).join(", ")})`);
  const last = events.at(-1);
  if (last && last.type !== "run.finished" && last.type !== "run.failed") out.push(`the last event is ${last.type}, not the terminal one`);
  if (terminals[0] && terminals[0].type !== `run.${ended}`) out.push(`the terminal event is ${terminals[0].type} but the run ${ended}`);
  const started = new Map<string, number>();
  const finished = new Map<string, number>();
  const called = new Set<string>();
  for (const event of events) {
    if (event.type === "step.started") {
      started.set(key(event), (started.get(key(event)) ?? 0) + 1);
    } else if (event.type === "step.finished") {
      finished.set(key(event), (finished.get(key(event)) ?? 0) + 1);
      if (!started.has(key(event))) out.push(`step.finished ${key(event)} before (or without) its step.started`);
      if (result && !result.steps.some((s) => s.model === event.model && s.step === event.step)) {
        out.push(`step.finished ${key(event)} is not in the result's steps`);
      }
    } else if (event.type === "tool.called") {
      called.add(event.callId);
    } else if (event.type === "tool.result" && !called.has(event.callId)) {
      out.push(`tool.result ${event.callId} without a tool.called before it`);
    }
  }
  for (const [k, n] of started) {
    if (n > 1) out.push(`step.started ${k} ${n} times`);
    const f = finished.get(k) ?? 0;
    if (f > 1) out.push(`step.finished ${k} ${f} times`);
    if (f === 0 && ended === "finished") out.push(`step ${k} started but never finished, in a run that finished`);
  }
  return out;
}

/** A team's events over all its tasks: grouped by runId, each group is a whole run on its own. */
function teamEventViolations(run: RunObservation): string[] {
  const out: string[] = [];
  const events = run.teamEvents ?? [];
  const order: string[] = [];
  for (const event of events) if (!order.includes(event.runId)) order.push(event.runId);
  // Runs of one team do not overlap: each run's events come in one piece.
  let at = 0;
  for (const runId of order) {
    while (at < events.length && events[at]!.runId === runId) at++;
    if (events.slice(at).some((e) => e.runId === runId)) out.push(`events of run ${runId} are interleaved with another run's`);
  }
  if (order.length !== run.tasks.length) out.push(`${order.length} runs in the team's events for ${run.tasks.length} tasks`);
  return out;
}
