/**
 * One team's actors and runs, on the effect side: starts the team's actors (supervisor and
 * agents, local tools, user callbacks, event channel), sends each run to the supervisor and
 * waits for its end, and delivers events to the listeners. `Team` (public) and `runner.run`
 * both run on a session.
 */
import type { ActorRefFrom, AnyActorLogic, AnyActorRef } from "xstate";
import { address } from "../../machines/addresses.js";
import type { CheckpointEvent } from "../../machines/team/plan.js";
import type { RunRequest } from "../../machines/team/protocol.js";
import { supervisorMachine } from "../../machines/team/supervisor.js";
import type { RetryOptions } from "../../src/agent/retry.js";
import { BatonError, type ErrorData } from "../../src/errors.js";
import type { RunEvent, RunEventListeners, RunEventMap } from "../../src/events.js";
import type { McpServerSpec } from "../../src/mcp/spec.js";
import type { CheckedRun } from "../../src/options/checkRun.js";
import type { CheckedTeam } from "../../src/options/checkTeam.js";
import type { Provider } from "../../src/providers/types.js";
import type { RunResult } from "../../src/result.js";
import type { RunCheckpoint } from "../../src/store/fold.js";
import type { RunStore } from "../../src/store/types.js";
import { earlyEndEvents, emptyResult } from "../../src/team/earlyEnd.js";
import { SNAPSHOT_VERSION, type TeamSnapshot } from "../../src/team/snapshot.js";
import type { ToolEntry } from "../../src/tools/toolEntry.js";
import type { Clock } from "../shared/clock.js";
import type { Lease, Leases } from "../store/leases.js";
import { CheckpointWriter } from "./checkpointWriter.js";
import { loadInterrupted, type Resume, type ResumeDecisions, resumeOf } from "./resumeRun.js";
import { spawnServices } from "./services.js";
import { SessionEvents } from "./sessionEvents.js";
import { agentInfos, supervisorInput } from "./supervisorInput.js";
import { account, newTotals, type Totals } from "./totals.js";

/** What a session needs from its Runner. */
export interface TeamHost {
  spawn(logic: AnyActorLogic, systemId: string, input: unknown): AnyActorRef;
  stop(systemId: string): void;
  provider(name: string): Provider;
  /** systemId of the provider's service actor, started on first use. */
  providerService(name: string): string;
  mcpTools(specs: readonly McpServerSpec[], signal?: AbortSignal): Promise<ToolEntry[]>;
  retry: RetryOptions;
  clock: Clock;
  /** Where runs are written down (checkpoints), and the runs this Runner holds in it. */
  store: RunStore;
  leases: Leases;
  /** A new run id (unique for the Runner's life, and beyond). */
  newRunId(): string;
  /** A team id unique within the Runner's actor system (it is part of systemIds). */
  nextTeamId(): string;
  forget(session: TeamSession): void;
}

/** `promise`, or a rejection as soon as `signal` aborts (its listener removed either way). */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

export class TeamSession {
  readonly id: string;
  readonly checked: CheckedTeam;
  readonly #host: TeamHost;
  readonly #events = new SessionEvents({
    currentRunId: () => this.#current?.runId,
    abortRun: (error) => this.#abortRun(error),
  });
  readonly #stream: boolean;
  #supervisor: ActorRefFrom<typeof supervisorMachine> | undefined;
  #starting: Promise<void> | undefined;
  /** systemIds of the actors this session started besides the supervisor. */
  readonly #spawned: string[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #current: { runId: string; cancel: () => void } | undefined;
  /** A run cancelled by id before it reached the supervisor (runner.cancel): cancelled once it does. */
  #cancelled: string | undefined;
  #stopped = false;
  readonly #checkpoints: CheckpointWriter;
  #interrupted: string | undefined;
  /** Aborted when the team stops: a start still waiting for MCP servers gives up. */
  readonly #lifetime = new AbortController();
  #totals: Totals;
  readonly #restored: TeamSnapshot | undefined;
  /** What stop() finishes with (a team's trace file). */
  readonly #onStop: Array<() => Promise<void>> = [];

  constructor(host: TeamHost, checked: CheckedTeam, internal: { stream: boolean; restored?: TeamSnapshot }) {
    this.checked = checked;
    this.#host = host;
    this.#stream = internal.stream;
    this.#restored = internal.restored;
    this.id = host.nextTeamId();
    this.#checkpoints = new CheckpointWriter(host.store);
    // Resolve every provider now so a missing key or unknown provider fails before any call.
    for (const agent of checked.agents) host.provider(agent.model.provider);
    const restored = internal.restored;
    this.#totals = newTotals(restored);
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#events.on(name, listener);
  }

  once<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): void {
    this.#events.once(name, listener);
  }

  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): void {
    this.#events.off(name, listener);
  }

  /** Called at the end of stop(), which waits for it. */
  onStop(fn: () => Promise<void>): void {
    this.#onStop.push(fn);
  }

  /** Every event of every run, in order. Returns a function that unsubscribes. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    return this.#events.subscribe(listener);
  }

  /** Runs one task after the ones queued before it; `fresh`: as a new conversation. */
  run(run: CheckedRun, fresh: boolean): Promise<RunResult<unknown>> {
    if (this.#stopped) return Promise.reject(new BatonError("CLOSED", `Team ${this.id} is stopped; create a new team to run more tasks.`));
    const next = this.#queue.then(() => this.#runNow(run, fresh));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Starts the team's actors once; a stop while MCP servers connect ends the wait. */
  async #start(): Promise<ActorRefFrom<typeof supervisorMachine>> {
    if (!this.#starting) {
      const signal = this.#lifetime.signal;
      this.#starting = (async () => {
        const agents = await agentInfos(
          this.checked,
          this.id,
          (specs) => this.#host.mcpTools(specs, signal),
          (provider) => this.#host.providerService(provider),
        );
        // Closed or stopped while MCP servers were connecting: start nothing.
        if (this.#stopped) throw new BatonError("CLOSED", `Team ${this.id} was stopped while it started.`);
        spawnServices(
          this.checked,
          this.id,
          this.#stream,
          this.#host.clock,
          (logic, systemId, input) => {
            this.#host.spawn(logic, systemId, input);
            this.#spawned.push(systemId);
          },
          (event) => this.#events.deliver(event),
        );
        const { retry, store } = this.#host;
        const input = supervisorInput(this.checked, this.id, agents, { stream: this.#stream, retry, store, restored: this.#restored });
        const supervisor = this.#host.spawn(supervisorMachine, address.team(this.id), input) as ActorRefFrom<typeof supervisorMachine>;
        this.#supervisor = supervisor;
        supervisor.on("*", (event) => {
          if (event.type === "checkpoint") this.#checkpoint(event as CheckpointEvent);
          else this.#events.deliver(event as RunEvent);
        });
      })();
    }
    await this.#starting;
    return this.#supervisor!;
  }

  async #runNow(run: CheckedRun, fresh: boolean, resume?: Resume): Promise<RunResult<unknown>> {
    const runId = resume?.state.runId ?? run.runId ?? this.#host.newRunId();
    const { signal } = run;
    if (this.#stopped) return this.#settleEarly(runId, run, { code: "CLOSED", message: `Team ${this.id} is stopped.` });
    if (signal?.aborted) return this.#settleEarly(runId, run, { code: "CANCELLED", message: "The run was cancelled before it started." });
    let supervisor: ActorRefFrom<typeof supervisorMachine>;
    try {
      // The run's own signal ends its wait for the team, not the team's start (later runs use it).
      supervisor = await (signal ? unlessAborted(this.#start(), signal) : this.#start());
    } catch (error) {
      if (this.#stopped) return this.#settleEarly(runId, run, { code: "CLOSED", message: `Team ${this.id} was stopped while it started.` });
      if (signal?.aborted)
        return this.#settleEarly(runId, run, { code: "CANCELLED", message: "The run was cancelled while the team started." });
      throw error;
    }
    if (this.#stopped) return this.#settleEarly(runId, run, { code: "CLOSED", message: `Team ${this.id} is stopped.` });
    if (signal?.aborted) return this.#settleEarly(runId, run, { code: "CANCELLED", message: "The run was cancelled before it started." });
    // The run is this process's while it runs: a resume elsewhere is refused until it ends.
    const lease = resume ? resume.lease : await this.#host.leases.take(runId);
    if (!lease) {
      const message = `Run ${runId} is running elsewhere.`;
      return this.#settleEarly(runId, run, { code: "RESUME_MISMATCH", message });
    }
    const ended = new Promise<RunResult<unknown>>((resolve, reject) => {
      const settled = (settle: () => void) => {
        done();
        // Every record of the run is committed before the caller hears how it ended.
        void this.#checkpoints.written().then(settle, settle);
      };
      const subscriptions = [
        supervisor.on("run.finished", (event) => {
          if (event.runId !== runId) return;
          account(this.#totals, event.result);
          settled(() => resolve(event.result));
        }),
        supervisor.on("run.interrupted", (event) => {
          if (event.runId !== runId) return;
          account(this.#totals, event.result);
          this.#interrupted = runId;
          settled(() => resolve(event.result));
        }),
        supervisor.on("run.failed", (event) => {
          if (event.runId !== runId) return;
          account(this.#totals, event.partial);
          const error = this.#checkpoints.error ?? event.error;
          settled(() => reject(new BatonError(error.code, error.message, { details: error.details ?? {}, partial: event.partial })));
        }),
      ];
      // A bug in a machine stops the supervisor: never hang on it.
      const crash = supervisor.subscribe({
        error: (error: unknown) => {
          done();
          this.#stopped = true;
          this.#host.forget(this);
          const message = `Team ${this.id} stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
          reject(new BatonError("INTERNAL", message, { cause: error, partial: this.#emptyResult(runId, run, message) }));
        },
      });
      const cancel = () => supervisor.send({ type: "CANCEL", at: this.#host.clock.now() });
      const done = () => {
        crash.unsubscribe();
        for (const s of subscriptions) s.unsubscribe();
        signal?.removeEventListener("abort", cancel);
        this.#current = undefined;
      };
      this.#current = { runId, cancel };
      this.#checkpoints.startRun();
      signal?.addEventListener("abort", cancel, { once: true });
      const request: RunRequest = { type: "RUN", runId, input: run.input, at: this.#host.clock.now() };
      if (run.messages) request.messages = run.messages;
      if (run.maxSteps !== undefined) request.maxSteps = run.maxSteps;
      if (run.maxHandoffs !== undefined) request.maxHandoffs = run.maxHandoffs;
      if (fresh) request.fresh = true;
      if (run.origin) request.origin = run.origin;
      if (resume) request.resume = resume.request;
      supervisor.send(request);
      if (this.#cancelled === runId) cancel();
    });
    try {
      return await ended;
    } finally {
      lease.release();
    }
  }

  /**
   * Checkpoint records go to the store in order. A store that commits later is waited on (its
   * writes are chained); when asked, the agent waiting on an answer hears it is committed. A
   * write that fails ends the run: it must not go on unrecorded.
   */
  #checkpoint(event: CheckpointEvent): void {
    this.#checkpoints.write(
      event,
      () => {
        if (event.ack) this.#supervisor?.send({ type: "CHECKPOINT.COMMITTED", agent: event.ack });
      },
      (error) => {
        if (this.#current?.runId === event.runId) this.#abortRun(error);
      },
    );
  }

  /** Ends the run in flight with `error` (a listener that threw, a checkpoint that could not be written). */
  #abortRun(error: ErrorData): void {
    this.#supervisor?.send({ type: "RUN.ABORT", error, at: this.#host.clock.now() });
  }

  /** Cancels the run `runId` of this team (runner.cancel): now if it runs, else as soon as it starts. */
  cancelRun(runId: string): void {
    if (this.#current?.runId === runId) this.#current.cancel();
    else this.#cancelled = runId;
  }

  /** Continues a run from its checkpoints on this team (runner.resume, team.resume). */
  resume(state: RunCheckpoint, decisions: ResumeDecisions, lease: Lease): Promise<RunResult<unknown>> {
    if (this.#stopped) return Promise.reject(new BatonError("CLOSED", `Team ${this.id} is stopped; create a new team to run more tasks.`));
    const { run, resume } = resumeOf(state, decisions, lease);
    const next = this.#queue.then(() => this.#runNow(run, false, resume));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** Continues this team's last interrupted run with a person's decisions (team.resume). */
  async resumeInterrupted(options: unknown): Promise<RunResult<unknown>> {
    const runId = this.#interrupted;
    if (!runId) throw new BatonError("INVALID_OPTIONS", `Team ${this.id} has no interrupted run to resume.`);
    const loaded = await loadInterrupted(this.#host.store, this.#host.leases, runId, options);
    if ("finished" in loaded) return loaded.finished;
    this.#interrupted = undefined;
    return this.resume(loaded.state, loaded.decisions, loaded.lease);
  }

  /** A run that ends before the team could take it (cancelled, closed): the same events and error as one that ends later. */
  #settleEarly(runId: string, run: CheckedRun, error: ErrorData): Promise<never> {
    const partial = this.#emptyResult(runId, run, error.message);
    for (const event of earlyEndEvents(this.checked, this.id, runId, run, error, partial)) this.#events.deliver(event);
    return Promise.reject(new BatonError(error.code, error.message, { partial }));
  }

  #emptyResult(runId: string, run: CheckedRun, reason: string): RunResult<unknown> {
    return emptyResult(this.checked, runId, run, this.#host.clock.now(), reason);
  }

  /** Versioned JSON of the conversation so far: transcript, active agent, counters, usage. */
  snapshot(): TeamSnapshot {
    const context = this.#supervisor?.getSnapshot().context;
    const restored = this.#restored;
    return structuredClone({
      version: SNAPSHOT_VERSION,
      teamId: this.id,
      agents: this.checked.agents.map((a) => ({ name: a.name, model: a.model.id })),
      active: context?.active ?? restored?.active ?? this.checked.start,
      transcript: context ? [...context.transcript] : [...(restored?.transcript ?? [])],
      runs: this.#totals.runs,
      stepsUsed: this.#totals.stepsUsed,
      handoffs: this.#totals.handoffs,
      usage: this.#totals.usage,
      takenAt: new Date(this.#host.clock.now()).toISOString(),
    });
  }

  /** Providers forget this team's conversation (the sim's turn counters, for one). */
  endSessions(): void {
    for (const agent of this.checked.agents) this.#host.provider(agent.model.provider).endSession?.(this.id);
  }

  /** Cancels a run in flight (it rejects with CANCELLED) and stops the team's actors. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#lifetime.abort();
    this.#current?.cancel();
    await this.#starting?.catch(() => undefined);
    if (this.#supervisor) this.#host.stop(address.team(this.id));
    for (const systemId of this.#spawned) this.#host.stop(systemId);
    this.endSessions();
    this.#host.forget(this);
    this.#events.removeAllListeners();
    await Promise.all(this.#onStop.map((fn) => fn().catch(() => undefined)));
  }
}
