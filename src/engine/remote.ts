/**
 * A Runner with an engine, on the client side: runs, streams, resumes and long-lived teams whose
 * work happens on the engine's workers. Only plain data goes to them: a defined team's name, the
 * input, the run's id, decisions.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter } from "eventemitter3";
import { BatonError } from "../errors.js";
import { RUN_EVENT_NAMES, type RunEvent, type RunEventListeners, type RunEventMap } from "../events.js";
import { type CheckedRun, checkRunInput } from "../options/checkRun.js";
import { read } from "../options/checkTeam.js";
import { describeValue, isPlainObject } from "../options/describe.js";
import type { RunResult } from "../result.js";
import { RunStream } from "../runStream.js";
import { foldRecords } from "../store/fold.js";
import { checkDecisions } from "../store/resume.js";
import { checkSnapshot, SNAPSHOT_VERSION, type TeamSnapshot } from "../team/snapshot.js";
import { type Team, teamOver } from "../team.js";
import type { Engine, EngineJob } from "./types.js";

const REMOTE_RUN_KEYS = new Set(["team", "input", "messages", "signal", "maxSteps", "maxHandoffs", "meta"]);

/** The team name of options for a remote run: a defined team, since functions do not travel. */
function teamName(options: unknown, what: string): string {
  const team = isPlainObject(options) ? read(options, "team") : undefined;
  if (typeof team !== "string" || team === "") {
    throw new BatonError(
      "INVALID_OPTIONS",
      `With an engine, ${what} names a team the workers define: { team: "research", input }; got ${describeValue(team)}. Agents and tools live in the workers (worker.define).`,
    );
  }
  const extra = Object.keys(options as object).filter((key) => !REMOTE_RUN_KEYS.has(key) && key !== "from");
  if (extra.length) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `With an engine, a run takes only team, input, messages, signal, maxSteps, maxHandoffs and meta; ${extra.join(", ")} belong in the workers' define("${team}", …).`,
    );
  }
  return team;
}

function jobOf(kind: EngineJob["kind"], runId: string, team: string, run: CheckedRun): EngineJob {
  const job: EngineJob = { kind, runId, team, input: run.input };
  if (run.messages) job.messages = run.messages;
  if (run.maxSteps !== undefined) job.maxSteps = run.maxSteps;
  if (run.maxHandoffs !== undefined) job.maxHandoffs = run.maxHandoffs;
  if (run.origin?.meta) job.meta = run.origin.meta;
  return job;
}

/** The run's own signal cancels it wherever it runs. */
function submitWithSignal(engine: Engine, job: EngineJob, signal: AbortSignal | undefined, push: (event: RunEvent) => void) {
  if (!signal) return engine.submit(job, push);
  const cancel = () => void engine.cancel(job.runId).catch(() => undefined);
  if (signal.aborted) cancel();
  else signal.addEventListener("abort", cancel, { once: true });
  return engine.submit(job, push).finally(() => signal.removeEventListener("abort", cancel));
}

/** `runner.stream({ team, input })` on the workers. */
export function remoteStream(engine: Engine, options: unknown): RunStream<unknown> {
  const team = teamName(options, "a run");
  const run = checkRunInput(options);
  const job = jobOf("run", randomUUID(), team, run);
  return new RunStream((push) => submitWithSignal(engine, job, run.signal, push));
}

/** `runner.resume(runId, decisions)` on the workers: checked here against the run's checkpoints first. */
export async function remoteResume(engine: Engine, runId: string, options: unknown): Promise<RunResult<unknown>> {
  const records = await engine.store.load(runId);
  if (!records) throw new BatonError("RESUME_MISMATCH", `No run ${runId} in Redis (it never ran, or its retention ended).`);
  const state = foldRecords(records);
  if (state.status === "finished") return state.result!;
  const decisions = checkDecisions(options, state);
  const job: EngineJob = { kind: "resume", runId, approve: decisions.approve, reject: decisions.reject };
  return submitWithSignal(engine, job, decisions.signal, () => undefined);
}

/** `runner.cancel(runId)` through the engine: reaches the worker that holds the run, or the one that will take it. */
export async function remoteCancel(engine: Engine, runId: string): Promise<void> {
  if (!(await engine.knows(runId))) throw new BatonError("INVALID_OPTIONS", `No run ${runId} is known to this Runner's engine.`);
  await engine.cancel(runId);
}

/**
 * A long-lived team as a virtual actor: its state lives in Redis between turns, any worker takes
 * its next turn (holding the team's lease, so two turns never run at once). The same surface as
 * a local team's session, for `Team`.
 */
class RemoteTeam {
  readonly id = `team-${randomUUID()}`;
  readonly checked = { agents: [] as Array<{ name: string; model: { id: string } }> };
  readonly #engine: Engine;
  readonly #team: string;
  readonly #emitter = new EventEmitter<RunEventListeners>();
  #queue: Promise<unknown> = Promise.resolve();
  #from: TeamSnapshot | undefined;
  #snapshot: TeamSnapshot | undefined;
  #interrupted: string | undefined;
  #current: string | undefined;
  #stopped = false;

  constructor(engine: Engine, team: string, from: TeamSnapshot | undefined) {
    this.#engine = engine;
    this.#team = team;
    this.#from = from;
  }

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#emitter.on(name, listener as never);
  }
  once<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#emitter.once(name, listener as never);
  }
  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): void {
    this.#emitter.off(name, listener as never);
  }
  subscribe(listener: (event: RunEvent) => void): () => void {
    for (const name of RUN_EVENT_NAMES) this.#emitter.on(name, listener as never);
    return () => {
      for (const name of RUN_EVENT_NAMES) this.#emitter.off(name, listener as never);
    };
  }

  #turn(job: EngineJob, signal: AbortSignal | undefined): Promise<RunResult<unknown>> {
    if (this.#stopped) return Promise.reject(new BatonError("CLOSED", `Team ${this.id} is stopped; create a new team to run more tasks.`));
    const next = this.#queue.then(async () => {
      this.#current = job.runId;
      try {
        const result = await submitWithSignal(this.#engine, job, signal, (event) => this.#emitter.emit(event.type, event as never));
        this.#interrupted = result.status === "interrupted" ? job.runId : undefined;
        return result;
      } finally {
        this.#current = undefined;
        this.#snapshot = (await this.#engine.teamSnapshot(this.id).catch(() => undefined)) ?? this.#snapshot;
      }
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }

  run(run: CheckedRun, _fresh: boolean): Promise<RunResult<unknown>> {
    const job = jobOf("turn", randomUUID(), this.#team, run);
    job.teamKey = this.id;
    if (this.#from) job.from = this.#from;
    return this.#turn(job, run.signal);
  }

  async resumeInterrupted(options: unknown): Promise<RunResult<unknown>> {
    const runId = this.#interrupted;
    if (!runId) throw new BatonError("INVALID_OPTIONS", `Team ${this.id} has no interrupted run to resume.`);
    const records = await this.#engine.store.load(runId);
    if (!records) throw new BatonError("RESUME_MISMATCH", `Run ${runId} is no longer in Redis.`);
    const state = foldRecords(records);
    if (state.status === "finished") return state.result!;
    const decisions = checkDecisions(options ?? {}, state);
    const job: EngineJob = { kind: "resume", runId, teamKey: this.id, approve: decisions.approve, reject: decisions.reject };
    return this.#turn(job, decisions.signal);
  }

  snapshot(): TeamSnapshot {
    const known = this.#snapshot ?? this.#from;
    if (known) return structuredClone(known);
    return {
      version: SNAPSHOT_VERSION,
      teamId: this.id,
      agents: [],
      active: "",
      transcript: [],
      runs: 0,
      stepsUsed: 0,
      handoffs: 0,
      usage: { inputTokens: 0, outputTokens: 0, byModel: {}, byAgent: {} },
      takenAt: new Date().toISOString(),
    };
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#current) await this.#engine.cancel(this.#current).catch(() => undefined);
    this.#emitter.removeAllListeners();
  }
}

/** `runner.team({ team })` on the workers. */
export function remoteTeam(engine: Engine, options: unknown): Team<unknown> {
  const team = teamName(options, "a team");
  const from = isPlainObject(options) ? read(options, "from") : undefined;
  const backend = new RemoteTeam(engine, team, from === undefined ? undefined : checkSnapshot(from));
  return teamOver(backend as unknown as Parameters<typeof teamOver>[0]) as Team<unknown>;
}
