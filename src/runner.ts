import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { RunObservers } from "../actors/observability/runObservers.js";
import { ProviderRegistry, providerFactories } from "../actors/providers/registry.js";
import { providerService } from "../actors/providers/service.js";
import { type Clock, systemClock } from "../actors/shared/clock.js";
import { Leases } from "../actors/store/leases.js";
import { memoryStore } from "../actors/store/memory.js";
import { IdleTeams } from "../actors/team/idleTeams.js";
import { type TeamHost, TeamSession } from "../actors/team/session.js";
import { address } from "../machines/addresses.js";
import { DEFAULT_RETRY, type RetryOptions } from "./agent/retry.js";
import { remoteCancel, remoteResume, remoteStream, remoteTeam } from "./engine/remote.js";
import type { Engine, EngineJob, EngineWorkOptions, JobOutcome } from "./engine/types.js";
import { BatonError } from "./errors.js";
import type { RunEvent } from "./events.js";
import { type CheckedRun, checkTrace } from "./options/checkRun.js";
import { type CheckedTeam, checkLimit, checkTeamOptions, read } from "./options/checkTeam.js";
import { describeValue, isPlainObject } from "./options/describe.js";
import { checkRunnerOptions, type OutputOf, type RunnerOptions } from "./options/runnerOptions.js";
import type { ResumeOptions, RunOptions, TeamOptions, TeamStartOptions } from "./options/types.js";
import type { RunResult } from "./result.js";
import { RunnerSystem } from "./runnerSystem.js";
import { RunStream } from "./runStream.js";
import { runtimeOf } from "./runtime.js";
import { foldRecords } from "./store/fold.js";
import type { RunSummary } from "./store/records.js";
import { checkDecisions, checkResumable } from "./store/resume.js";
import type { RunStore } from "./store/types.js";
import { checkSnapshot } from "./team/snapshot.js";
import { shapeOf, type TeamShape } from "./team/teamShape.js";
import { type Team, teamOver } from "./team.js";
import { TeamDefinitions } from "./teamDefinitions.js";

/**
 * Owns one actor system for its lifetime: teams (a supervisor and one actor per agent each),
 * the provider services and the MCP services they share. `close()` stops them all.
 */
export class Runner {
  readonly #options: RunnerOptions;
  readonly #providers: ProviderRegistry;
  readonly #sessions = new Set<TeamSession>();
  /** Teams runner.run and runner.stream finished with, for the next run of the same shape. */
  readonly #idle = new IdleTeams();
  readonly #host: TeamHost;
  readonly #system: RunnerSystem;
  #closed = false;
  #teamCount = 0;
  readonly #store: RunStore;
  readonly #leases: Leases;
  /** Named team definitions (`define`). */
  readonly #definitions = new TeamDefinitions();
  /** OpenTelemetry spans of every run, and the trace files runs and teams ask for. */
  readonly #observers = new RunObservers();
  readonly #engine: Engine | undefined;
  /** Runs of runner.run, runner.stream and runner.resume in flight here, by id, for cancel(runId). */
  readonly #running = new Map<string, TeamSession>();

  constructor(options?: RunnerOptions) {
    this.#options = checkRunnerOptions(options);
    const env = this.#options.env ?? process.env;
    const runtime = runtimeOf(options);
    this.#providers = new ProviderRegistry(this.#options.providers ?? {}, env, providerFactories(runtime));
    const retry: RetryOptions = { ...DEFAULT_RETRY, ...(this.#options.retry ?? {}) };
    const clock: Clock = runtime.clock ?? systemClock;
    const newId = runtime.newId ?? randomUUID;
    this.#engine = this.#options.engine;
    this.#store = this.#options.store ?? this.#engine?.store ?? memoryStore();
    this.#leases = new Leases(this.#store, `${hostname()}:${process.pid}:${newId().slice(0, 8)}`, clock, this.#engine?.leaseTtlMs);
    const system = new RunnerSystem({
      options: this.#options,
      clock,
      providers: this.#providers,
      observers: this.#observers,
      checkOpen: () => this.#open(),
    });
    this.#system = system;
    this.#host = {
      spawn: (logic, systemId, input) => system.spawn(logic, systemId, input),
      stop: (systemId) => system.stop(systemId),
      provider: (name) => this.#providers.get(name),
      providerService: (name) => system.service(address.provider(name), providerService, { provider: this.#providers.get(name), clock }),
      mcpTools: (specs, signal) => system.mcpTools(specs, signal),
      retry,
      clock,
      store: this.#store,
      leases: this.#leases,
      newRunId: () => newId(),
      nextTeamId: () => `t${(++this.#teamCount).toString(36)}-${newId().slice(0, 4)}`,
      forget: (session) => this.#sessions.delete(session),
    };
  }

  /**
   * Runs one task on a new conversation and returns its result. The team's actors are kept for
   * the next run with the same options (see IdleTeams), so repeated runs spawn nothing.
   */
  async run<O extends RunOptions>(options: O): Promise<RunResult<OutputOf<O>>> {
    if (this.#engine) return this.stream(options).result;
    const { run, checked } = this.#check(options);
    const { session, shape } = this.#runSession(checked, false);
    return this.#cancellable(run, session, () => this.#runOn(session, shape, run)) as Promise<RunResult<OutputOf<O>>>;
  }

  /** Runs one task and streams its events as they happen. */
  stream<O extends RunOptions>(options: O): RunStream<OutputOf<O>> {
    this.#open();
    if (this.#engine) return remoteStream(this.#engine, options) as RunStream<OutputOf<O>>;
    const { run, checked } = this.#check(options);
    const { session, shape } = this.#runSession(checked, true);
    return new RunStream((push) =>
      this.#cancellable(run, session, () => this.#runOn(session, shape, run, session.subscribe(push))),
    ) as RunStream<OutputOf<O>>;
  }

  /** Gives the run its id now, so that cancel(runId) finds it while it runs. */
  #cancellable(run: CheckedRun, session: TeamSession, go: () => Promise<RunResult<unknown>>): Promise<RunResult<unknown>> {
    const runId = this.#host.newRunId();
    run.runId = runId;
    this.#running.set(runId, session);
    return go().finally(() => this.#running.delete(runId));
  }

  /**
   * Cancels a run by its id: one of this Runner's runs (runner.run, runner.stream, runner.resume),
   * or with an engine, the run wherever a worker holds it. It ends with CANCELLED. A run that has
   * ended already is left as it is; an unknown id is an error.
   */
  async cancel(runId: string): Promise<void> {
    this.#open();
    if (typeof runId !== "string" || runId === "") {
      throw new BatonError("INVALID_OPTIONS", `cancel takes the run's id (result.runId); got ${describeValue(runId)}.`);
    }
    if (this.#engine) return remoteCancel(this.#engine, runId);
    const running = this.#running.get(runId);
    if (running) return running.cancelRun(runId);
    if (!(await this.#store.load(runId))) throw new BatonError("INVALID_OPTIONS", `No run ${runId} in this Runner.`);
  }

  /**
   * Takes jobs from the engine's queue and runs them here with this Runner's definitions, until
   * `close()`. Needs an engine (`new Runner({ engine: redisEngine({ url }) })`).
   */
  async work(options: EngineWorkOptions = {}): Promise<void> {
    this.#open();
    if (!this.#engine)
      throw new BatonError("INVALID_OPTIONS", "work() takes jobs from an engine: new Runner({ engine: redisEngine({ url }) }).");
    if (!isPlainObject(options)) throw new BatonError("INVALID_OPTIONS", `work options must be an object; got ${describeValue(options)}.`);
    checkLimit("concurrency", options.concurrency, 1);
    await this.#engine.work({ execute: (job, push, signal) => this.#execute(job, push, signal) }, options);
  }

  /** One engine job, here: a new run, a team's turn, or a run to continue (a resume, a job taken over from a worker that died). */
  async #execute(job: EngineJob, push: (event: RunEvent) => void, signal: AbortSignal): Promise<JobOutcome> {
    const records = await this.#store.load(job.runId);
    if (records || job.kind === "resume") {
      const interrupted = records !== undefined && foldRecords(records).status === "interrupted";
      const decisions = interrupted && job.kind === "resume" ? { approve: job.approve ?? [], reject: job.reject ?? [] } : {};
      return this.#resumeHere(job.runId, { ...decisions, signal }, push, job.teamKey !== undefined);
    }
    const options: Record<string, unknown> = { team: job.team, input: job.input, signal };
    for (const key of ["messages", "maxSteps", "maxHandoffs", "meta"] as const) if (job[key] !== undefined) options[key] = job[key];
    const { run, checked } = this.#check(options as unknown as RunOptions);
    run.runId = job.runId;
    if (job.kind === "turn") {
      const session = this.#newSession(checked, true, job.from ? checkSnapshot(job.from) : undefined);
      const unsubscribe = session.subscribe(push);
      try {
        const result = await session.run(run, false);
        return { result, snapshot: session.snapshot() };
      } finally {
        unsubscribe();
        await session.stop();
      }
    }
    const { session, shape } = this.#runSession(checked, true);
    return { result: await this.#runOn(session, shape, run, session.subscribe(push)) };
  }

  /** A long-lived team: its actors stay alive across `team.run()` calls. */
  team<O extends TeamStartOptions>(options: O): Team<OutputOf<O>> {
    this.#open();
    if (this.#engine) return remoteTeam(this.#engine, options) as Team<OutputOf<O>>;
    const resolved = this.#definitions.resolve(options);
    const checked = checkTeamOptions(resolved);
    const from = read(resolved, "from");
    const restored = from === undefined ? undefined : checkSnapshot(from);
    const trace = checkTrace(read(resolved, "trace"));
    const session = this.#newSession(checked, true, restored);
    if (trace) this.#observers.traceTeam(session, trace);
    return teamOver(session) as Team<OutputOf<O>>;
  }

  #open(): void {
    if (this.#closed) throw new BatonError("CLOSED", "This Runner is closed; create a new Runner.");
  }

  /**
   * A named team definition for `run({ team: name, input })`, `stream`, `team` and resuming its
   * runs (in this process or, with a durable store, in another one that defines it too).
   */
  define(name: string, options: TeamOptions): void {
    this.#open();
    this.#definitions.define(name, options);
  }

  #check(options: RunOptions): { run: CheckedRun; checked: CheckedTeam } {
    this.#open();
    return this.#definitions.checkRun(options);
  }

  /** An idle team of the same shape, or a new one. */
  #runSession(checked: CheckedTeam, stream: boolean): { session: TeamSession; shape: TeamShape | undefined } {
    const shape = shapeOf(checked, stream);
    const idle = shape ? this.#idle.take(shape) : undefined;
    return { session: idle ?? this.#newSession(checked, stream), shape };
  }

  #newSession(checked: CheckedTeam, stream: boolean, restored?: ReturnType<typeof checkSnapshot>): TeamSession {
    const session = new TeamSession(this.#host, checked, { stream, ...(restored ? { restored } : {}) });
    session.subscribe(this.#observers.onEvent);
    this.#sessions.add(session);
    return session;
  }

  /**
   * Runs the task as a new conversation on `session`, then releases it. `unsubscribe` ends a
   * stream's subscription first: a team back in the pool may run someone else's task at once.
   */
  async #runOn(session: TeamSession, shape: TeamShape | undefined, run: CheckedRun, unsubscribe?: () => void): Promise<RunResult<unknown>> {
    let finished = false;
    // Opened before the run starts: a trace file that cannot be written fails the run.
    const endTrace = run.trace ? this.#observers.traceRun(session, run.trace) : undefined;
    try {
      const result = await session.run(run, true);
      finished = true;
      return result;
    } finally {
      unsubscribe?.();
      await endTrace?.();
      await this.#release(session, shape, finished);
    }
  }

  /** After a run: a team whose run finished is kept for the next run of its shape; one whose run failed or was cancelled is stopped. */
  async #release(session: TeamSession, shape: TeamShape | undefined, finished: boolean): Promise<void> {
    if (finished && shape && !this.#closed && !session.stopped) {
      session.endSessions();
      const { kept, evicted } = this.#idle.give(shape, session);
      await Promise.all(evicted.map((old) => old.stop()));
      if (kept) return;
    }
    await session.stop();
  }

  /**
   * Continues a run from its checkpoints: an interrupted run with a person's decisions
   * (`approve`, `reject`), or one whose process died. Completed tool calls are not run again;
   * calls that had started run again with the same `ctx.idempotencyKey`; the model call in
   * flight is made again. A run of a defined team uses its definition; a run started with
   * inline options needs them again. Resuming a completed run returns its result.
   */
  async resume(runId: string, options: ResumeOptions = {}): Promise<RunResult<unknown>> {
    this.#open();
    if (typeof runId !== "string" || runId === "") {
      throw new BatonError("INVALID_OPTIONS", `resume takes the run's id (result.runId); got ${describeValue(runId)}.`);
    }
    if (this.#engine) return remoteResume(this.#engine, runId, options);
    return (await this.#resumeHere(runId, options)).result;
  }

  /** Continues a run here; `push` hears its events, `keep` asks for the team's snapshot after it. */
  async #resumeHere(runId: string, options: ResumeOptions, push?: (event: RunEvent) => void, keep = false): Promise<JobOutcome> {
    const records = await this.#store.load(runId);
    if (!records)
      throw new BatonError("RESUME_MISMATCH", `No run ${runId} in this Runner's store. Resume with the store the run was started with.`);
    const state = foldRecords(records);
    if (state.status === "finished") return { result: state.result! };
    if (state.status === "failed" && push) {
      const failed = records.at(-1);
      const error = failed?.kind === "failed" ? failed.error : { code: "INTERNAL" as const, message: `Run ${runId} failed.` };
      throw new BatonError(error.code, error.message, { details: error.details ?? {}, partial: state.result });
    }
    const decisions = checkDecisions(options, state);
    const definitionName = state.origin.team;
    const given = isPlainObject(options) && (read(options, "model") !== undefined || read(options, "agents") !== undefined);
    let teamOptions: TeamOptions | undefined;
    if (given) teamOptions = options as TeamOptions;
    else if (definitionName !== undefined) teamOptions = this.#definitions.get(definitionName);
    if (!teamOptions) {
      throw new BatonError(
        "RESUME_MISMATCH",
        definitionName !== undefined
          ? `Run ${runId} ran the team "${definitionName}", which this Runner does not define: runner.define("${definitionName}", …) first.`
          : `Run ${runId} was started with inline options: resume it with the same options, runner.resume(runId, { agents or model, tools, … }).`,
      );
    }
    const checked = checkTeamOptions(teamOptions);
    checkResumable(checked, state);
    const lease = await this.#leases.take(runId);
    if (!lease)
      throw new BatonError("RESUME_MISMATCH", `Run ${runId} is running elsewhere; it can be resumed once it ends or its process is gone.`);
    const session = this.#newSession(checked, push !== undefined);
    const unsubscribe = push && session.subscribe(push);
    this.#running.set(runId, session);
    try {
      const result = await session.resume(state, decisions, lease);
      return keep ? { result, snapshot: session.snapshot() } : { result };
    } finally {
      this.#running.delete(runId);
      unsubscribe?.();
      await session.stop();
    }
  }

  /** Runs of this Runner's store that have not ended: running (or their process died) or interrupted. */
  unfinishedRuns(): Promise<RunSummary[]> {
    this.#open();
    return this.#store.unfinished();
  }

  /** State of each MCP server (`ready`, `reconnecting`, …), for health checks. */
  mcpStatus(): Record<string, string> {
    return this.#system.mcpStatus();
  }

  /** Stops every team, every MCP server and the actor system. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    // A worker stops taking jobs and finishes the ones it holds before the Runner closes.
    if (this.#engine) {
      await this.#engine.close();
      if (this.#closed) return;
    }
    this.#closed = true;
    this.#idle.drain(); // idle teams are in #sessions too: stopped below
    await Promise.all([...this.#sessions].map((session) => session.stop()));
    this.#observers.close();
    await this.#system.close();
    await this.#providers.close();
  }
}

export type { RunEvent };
