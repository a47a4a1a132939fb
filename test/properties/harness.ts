/**
 * Runs a generated scenario (arbitraries.ts) on one Runner through the public API and records
 * what a user would see: each task's outcome, its events, when it was aborted and when it
 * settled, and what is left running after `runner.close()`.
 */
import type { AnyActorRef } from "xstate";
import { type RunEvent, Runner, type RunOptions, type RunResult, type TeamOptions } from "../../src/index.js";
import { makePolicy, makeTools, modelId, type RunSpec, type ScenarioSpec, simScripts } from "./arbitraries.js";

export type TaskOutcome = { ok: true; result: RunResult } | { ok: false; error: unknown } | { ok: "pending" };

export interface TaskObservation {
  outcome: TaskOutcome;
  /** The task's events (a stream's, or the team's while the task ran); undefined for runner.run. */
  events: RunEvent[] | undefined;
  /** performance.now() when the signal was aborted during the run, if it was. */
  abortedAt: number | undefined;
  /** The signal was aborted before the run was asked for. */
  abortedBefore: boolean;
  settledAt: number;
}

export interface RunObservation {
  index: number;
  spec: RunSpec;
  /** The first task, then the follow-ups (same options on the Runner, or more tasks on the same team). */
  tasks: TaskObservation[];
  /** Team runs: every event the team emitted until it was stopped, for grouping by runId. */
  teamEvents: RunEvent[] | undefined;
}

export interface ScenarioObservation {
  runs: RunObservation[];
  /** runner.close() resolved within its bound. */
  closed: boolean;
  /** Actors (by id) still active after runner.close(). */
  activeActors: string[];
  /** Process resources (timers, handles) that grew across the scenario, by kind. */
  leakedResources: Record<string, number>;
}

/** A task that has not settled after this long is reported as pending (a hang). */
export const SETTLE_BOUND_MS = 10_000;

export async function runScenario(scenario: ScenarioSpec): Promise<ScenarioObservation> {
  const before = resourceCounts();
  const actors: AnyActorRef[] = [];
  const runner = new Runner({
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 20 },
    providers: { sim: { scripts: simScripts(scenario) } },
    inspect: (event) => {
      if (event.type === "@xstate.actor") actors.push(event.actorRef as AnyActorRef);
    },
  });
  const runs = await Promise.all(scenario.runs.map((spec, index) => observeRun(runner, spec, index)));
  const closed = (await bounded(runner.close(), SETTLE_BOUND_MS)).ok === true;
  await new Promise((resolve) => setImmediate(resolve));
  const activeActors = actors.filter((actor) => actor.getSnapshot().status === "active").map((actor) => actor.id);
  const after = resourceCounts();
  const leakedResources: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after)) if (count > (before[kind] ?? 0)) leakedResources[kind] = count - (before[kind] ?? 0);
  return { runs, closed, activeActors, leakedResources };
}

function resourceCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

function teamOptions(spec: RunSpec, index: number): TeamOptions {
  const policy = makePolicy(index, spec);
  return {
    model: spec.scripts.map((_, model) => modelId(index, model)),
    tools: makeTools(spec.tools),
    handoffs: spec.handoffs,
    maxSteps: spec.maxSteps,
    ...(spec.maxHandoffs === undefined ? {} : { maxHandoffs: spec.maxHandoffs }),
    ...(policy === undefined ? {} : { policy }),
    ...(spec.toolTimeoutMs === undefined ? {} : { toolTimeoutMs: spec.toolTimeoutMs }),
  };
}

async function observeRun(runner: Runner, spec: RunSpec, index: number): Promise<RunObservation> {
  const options = teamOptions(spec, index);
  const tasks: TaskObservation[] = [];
  if (spec.via === "team") {
    const team = runner.team(options);
    const teamEvents: RunEvent[] = [];
    team.subscribe((event) => teamEvents.push(event));
    for (let task = 0; task <= spec.followUps; task++) {
      const from = teamEvents.length;
      const observed = await observeTask(task === 0 ? spec.abort : { kind: "none" }, (signal) =>
        team.run(`task ${task}`, signal ? { signal } : {}),
      );
      observed.events = teamEvents.slice(from);
      tasks.push(observed);
    }
    await bounded(team.stop(), SETTLE_BOUND_MS);
    return { index, spec, tasks, teamEvents };
  }
  for (let task = 0; task <= spec.followUps; task++) {
    const abort = task === 0 ? spec.abort : { kind: "none" as const };
    const run = (signal: AbortSignal | undefined): RunOptions => ({ ...options, input: `task ${task}`, ...(signal ? { signal } : {}) });
    if (spec.via === "run") {
      tasks.push(await observeTask(abort, (signal) => runner.run(run(signal))));
      continue;
    }
    const events: RunEvent[] = [];
    let iterated: Promise<unknown> = Promise.resolve();
    const observed = await observeTask(abort, (signal) => {
      const stream = runner.stream(run(signal));
      iterated = (async () => {
        for await (const event of stream) events.push(event);
      })().catch(() => undefined);
      return stream.result;
    });
    await bounded(iterated, SETTLE_BOUND_MS);
    observed.events = events;
    tasks.push(observed);
  }
  return { index, spec, tasks, teamEvents: undefined };
}

async function observeTask(
  abort: RunSpec["abort"],
  start: (signal: AbortSignal | undefined) => Promise<RunResult>,
): Promise<TaskObservation> {
  const controller = abort.kind === "none" ? undefined : new AbortController();
  let abortedAt: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  if (abort.kind === "before") controller!.abort();
  let running: Promise<RunResult>;
  try {
    running = start(controller?.signal);
  } catch (error) {
    running = Promise.reject(error);
  }
  if (abort.kind === "after") {
    timer = setTimeout(() => {
      abortedAt = performance.now();
      controller!.abort();
    }, abort.ms);
  }
  const settled = await bounded(running, SETTLE_BOUND_MS);
  const settledAt = performance.now();
  clearTimeout(timer);
  const outcome: TaskOutcome = settled.ok === true ? { ok: true, result: settled.value } : settled;
  return { outcome, events: undefined, abortedAt, abortedBefore: abort.kind === "before", settledAt };
}

/** The promise's outcome, or pending after `ms` (the timer is cleared either way). */
async function bounded<T>(
  promise: Promise<T>,
  ms: number,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown } | { ok: "pending" }> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<{ ok: "pending" }>((resolve) => {
    timer = setTimeout(() => resolve({ ok: "pending" }), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ ok: true as const, value })), pending]).catch((error: unknown) => ({
      ok: false as const,
      error,
    }));
  } finally {
    clearTimeout(timer);
  }
}
