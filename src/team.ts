import { randomUUID } from "node:crypto";
import { EventEmitter } from "eventemitter3";
import type { ActorRefFrom, AnyActorLogic, AnyActorRef } from "xstate";
import type { McpServerSpec } from "../actors/mcp/pool.js";
import { type EventChannelInput, eventChannel } from "../actors/team/eventChannel.js";
import { address } from "../machines/addresses.js";
import type { RetryOptions } from "../machines/agent/agent.js";
import { type RunRequest, supervisorMachine } from "../machines/team/supervisor.js";
import { BatonError, listenerError, toErrorData } from "./errors.js";
import type { RunEvent, RunEventListeners, RunEventMap } from "./events.js";
import {
  type CheckedTeamOptions,
  checkLimit,
  checkRunInput,
  checkTeamOptions,
  type TeamOptions,
  type TeamRunOptions,
} from "./options/options.js";
import type { Provider } from "./providers/types.js";
import type { ModelUsage, RunResult } from "./result.js";
import { checkSnapshot, SNAPSHOT_VERSION, type TeamSnapshot } from "./team/snapshot.js";
import type { ToolEntry } from "./tools/toolEntry.js";

/** What a team needs from its Runner. */
export interface TeamHost {
  spawn(logic: AnyActorLogic, systemId: string, input: unknown): AnyActorRef;
  stop(systemId: string): void;
  provider(name: string): Provider;
  /** systemId of the provider's service actor, started on first use. */
  providerService(name: string): string;
  /** systemId of the local tool executor, started on first use. */
  toolExecutor(): string;
  mcpTools(specs: readonly McpServerSpec[], signal?: AbortSignal): Promise<ToolEntry[]>;
  retry: RetryOptions;
  /** A team id unique within the Runner's actor system (it is part of systemIds). */
  nextTeamId(): string;
  forget(team: Team): void;
}

interface Totals {
  runs: number;
  stepsUsed: number;
  handoffs: number;
  usage: TeamSnapshot["usage"];
}

/**
 * A long-lived team: its supervisor and model actors stay alive across `run()` calls, so the
 * conversation continues. Runs are queued one after another. Emits the events of every run.
 */
export class Team {
  readonly id: string;
  readonly models: readonly string[];
  readonly #host: TeamHost;
  readonly #options: TeamOptions;
  readonly #checked: CheckedTeamOptions;
  readonly #emitter = new EventEmitter<RunEventListeners>();
  readonly #stream: boolean;
  #supervisor: ActorRefFrom<typeof supervisorMachine> | undefined;
  #starting: Promise<void> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #current: { runId: string; cancel: () => void } | undefined;
  #stopped = false;
  #totals: Totals;
  #restored: TeamSnapshot | undefined;

  /** @internal Use `runner.team(options)`. */
  constructor(host: TeamHost, options: TeamOptions, internal: { stream: boolean; id?: string }) {
    this.#checked = checkTeamOptions(options);
    this.#restored = options.from === undefined ? undefined : checkSnapshot(options.from);
    this.#host = host;
    this.#options = options;
    this.#stream = internal.stream;
    this.id = internal.id ?? host.nextTeamId();
    this.models = this.#checked.models.map((m) => m.id);
    // Resolve every provider now so a missing key or unknown provider fails before any call.
    for (const model of this.#checked.models) host.provider(model.provider);
    const restored = this.#restored;
    this.#totals = restored
      ? { runs: restored.runs, stepsUsed: restored.stepsUsed, handoffs: restored.handoffs, usage: structuredClone(restored.usage) }
      : { runs: 0, stepsUsed: 0, handoffs: 0, usage: { inputTokens: 0, outputTokens: 0, byModel: {} } };
  }

  on<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): this {
    this.#emitter.on(name, listener as never);
    return this;
  }

  once<K extends keyof RunEventMap>(name: K, listener: RunEventListeners[K]): this {
    this.#emitter.once(name, listener as never);
    return this;
  }

  off<K extends keyof RunEventMap>(name: K, listener?: RunEventListeners[K]): this {
    this.#emitter.off(name, listener as never);
    return this;
  }

  /** Every event of every run, in order. Returns a function that unsubscribes. */
  subscribe(listener: (event: RunEvent) => void): () => void {
    const names: (keyof RunEventMap)[] = [
      "run.started",
      "step.started",
      "text.delta",
      "tool.called",
      "tool.result",
      "step.retry",
      "handoff",
      "step.finished",
      "run.finished",
      "run.failed",
    ];
    for (const name of names) this.#emitter.on(name, listener as never);
    return () => {
      for (const name of names) this.#emitter.off(name, listener as never);
    };
  }

  /** Runs one task; the conversation continues from the team's earlier runs. */
  run(input: string, options: TeamRunOptions = {}): Promise<RunResult> {
    checkRunInput({ input, messages: options.messages });
    checkLimit("maxSteps", options.maxSteps, 1);
    checkLimit("maxHandoffs", options.maxHandoffs, 0);
    return this.#enqueue(input, options, false);
  }

  /**
   * @internal runner.run on an idle team it reuses: a new conversation (no earlier transcript,
   * the first model active), not a follow-up.
   */
  runAsNew(input: string, options: TeamRunOptions = {}): Promise<RunResult> {
    return this.#enqueue(input, options, true);
  }

  #enqueue(input: string, options: TeamRunOptions, fresh: boolean): Promise<RunResult> {
    if (this.#stopped) return Promise.reject(new BatonError("CLOSED", `Team ${this.id} is stopped; create a new team to run more tasks.`));
    const next = this.#queue.then(() => this.#runNow(input, options, fresh));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #start(signal?: AbortSignal): Promise<ActorRefFrom<typeof supervisorMachine>> {
    if (!this.#starting) {
      this.#starting = (async () => {
        const checked = this.#checked;
        const mcpTools = checked.mcpServers.length ? await this.#host.mcpTools(checked.mcpServers, signal) : [];
        const local: ToolEntry[] = checked.tools.map((tool) => ({
          spec: { name: tool.name, description: tool.description, parameters: tool.jsonSchema },
          service: `tools:${this.id}`,
          remoteName: tool.name,
          source: "local",
        }));
        const taken = new Set(local.map((t) => t.spec.name));
        for (const entry of mcpTools) {
          if (taken.has(entry.spec.name)) {
            throw new BatonError(
              "TOOL_CONFLICT",
              `MCP tool "${entry.spec.name}" (server ${entry.source}) clashes with a local tool of the same name. Rename the local tool.`,
            );
          }
        }
        const providerServices: Record<string, string> = {};
        for (const model of checked.models) providerServices[model.id] = this.#host.providerService(model.provider);
        const restored = this.#restored;
        const active = restored && checked.models.some((m) => m.id === restored.activeModel) ? restored.activeModel : undefined;
        const options = this.#options;
        if (this.#stream) {
          const channel: EventChannelInput = { teamId: this.id, deliver: (event) => this.#emitter.emit("text.delta", event) };
          this.#host.spawn(eventChannel, address.events(this.id), channel);
        }
        this.#supervisor = this.#host.spawn(supervisorMachine, address.team(this.id), {
          teamId: this.id,
          models: checked.models,
          providerServices,
          localTools: checked.tools,
          toolExecutor: this.#host.toolExecutor(),
          tools: [...local, ...mcpTools],
          mcpServers: [...new Set(mcpTools.map((t) => t.source))],
          maxSteps: checked.maxSteps,
          maxHandoffs: checked.maxHandoffs,
          handoffMode: checked.handoffMode,
          retry: this.#host.retry,
          stream: this.#stream,
          samplingModel: options.samplingModel ?? checked.models[0]!.id,
          ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
          ...(options.policy === undefined ? {} : { policy: options.policy }),
          ...(options.handoffFilter === undefined ? {} : { handoffFilter: options.handoffFilter }),
          ...(options.toolTimeoutMs === undefined ? {} : { toolTimeoutMs: options.toolTimeoutMs }),
          ...(restored ? { transcript: restored.transcript } : {}),
          ...(active ? { activeModel: active } : {}),
        }) as ActorRefFrom<typeof supervisorMachine>;
        this.#supervisor.on("*", (event) => this.#forward(event as RunEvent));
      })();
    }
    await this.#starting;
    return this.#supervisor!;
  }

  async #runNow(input: string, options: TeamRunOptions, fresh: boolean): Promise<RunResult> {
    const { signal } = options;
    if (signal?.aborted) throw new BatonError("CANCELLED", "The run was cancelled before it started.");
    if (this.#stopped) throw new BatonError("CLOSED", `Team ${this.id} is stopped.`);
    const supervisor = await this.#start(signal);
    const runId = randomUUID();
    return new Promise<RunResult>((resolve, reject) => {
      const subscriptions = [
        supervisor.on("run.finished", (event) => {
          if (event.runId !== runId) return;
          done();
          this.#account(event.result);
          resolve(event.result);
        }),
        supervisor.on("run.failed", (event) => {
          if (event.runId !== runId) return;
          done();
          this.#account(event.partial);
          reject(new BatonError(event.error.code, event.error.message, { details: event.error.details ?? {}, partial: event.partial }));
        }),
      ];
      // A bug in a machine (or a throwing user callback) stops the supervisor: never hang on it.
      const crash = supervisor.subscribe({
        error: (error: unknown) => {
          done();
          reject(
            new BatonError("INTERNAL", `Team ${this.id} stopped unexpectedly: ${error instanceof Error ? error.message : String(error)}`, {
              cause: error,
            }),
          );
        },
      });
      const cancel = () => supervisor.send({ type: "CANCEL" });
      const done = () => {
        crash.unsubscribe();
        for (const s of subscriptions) s.unsubscribe();
        signal?.removeEventListener("abort", cancel);
        this.#current = undefined;
      };
      this.#current = { runId, cancel };
      signal?.addEventListener("abort", cancel, { once: true });
      const request: RunRequest = { type: "RUN", runId, input };
      if (options.messages) request.messages = options.messages;
      if (options.maxSteps !== undefined) request.maxSteps = options.maxSteps;
      if (options.maxHandoffs !== undefined) request.maxHandoffs = options.maxHandoffs;
      if (fresh) request.fresh = true;
      supervisor.send(request);
    });
  }

  /**
   * Hands a supervisor event to the listeners. A listener that throws during a run ends that run
   * with LISTENER_ERROR and the partial result; on the run's last event there is no run left to
   * fail, so the error is rethrown outside (like any EventEmitter listener's).
   */
  #forward(event: RunEvent): void {
    try {
      this.#emitter.emit(event.type, event as never);
    } catch (error) {
      const current = this.#current;
      const last = event.type === "run.finished" || event.type === "run.failed";
      if (last || !current || current.runId !== event.runId) {
        queueMicrotask(() => {
          throw error;
        });
        return;
      }
      this.#supervisor?.send({ type: "RUN.ABORT", error: toErrorData(listenerError(event.type, error)) });
    }
  }

  #account(result: RunResult): void {
    const totals = this.#totals;
    totals.runs += 1;
    totals.stepsUsed += result.stepsUsed;
    totals.handoffs += result.handoffs.length;
    totals.usage.inputTokens += result.usage.inputTokens;
    totals.usage.outputTokens += result.usage.outputTokens;
    for (const [model, usage] of Object.entries(result.usage.byModel)) {
      const prev: ModelUsage = totals.usage.byModel[model] ?? { inputTokens: 0, outputTokens: 0, calls: 0 };
      totals.usage.byModel[model] = {
        inputTokens: prev.inputTokens + usage.inputTokens,
        outputTokens: prev.outputTokens + usage.outputTokens,
        calls: prev.calls + usage.calls,
      };
    }
  }

  /** Versioned JSON of the conversation so far: transcript, active model, counters, usage. */
  snapshot(): TeamSnapshot {
    const context = this.#supervisor?.getSnapshot().context;
    const restored = this.#restored;
    return structuredClone({
      version: SNAPSHOT_VERSION,
      teamId: this.id,
      models: [...this.models],
      activeModel: context?.activeModel ?? restored?.activeModel ?? this.models[0]!,
      transcript: context ? [...context.transcript] : [...(restored?.transcript ?? [])],
      runs: this.#totals.runs,
      stepsUsed: this.#totals.stepsUsed,
      handoffs: this.#totals.handoffs,
      usage: this.#totals.usage,
      takenAt: new Date().toISOString(),
    });
  }

  /** @internal Providers forget this team's conversation (the sim's turn counters, for one). */
  endSessions(): void {
    for (const model of this.#checked.models) this.#host.provider(model.provider).endSession?.(this.id);
  }

  /** Cancels a run in flight (it rejects with CANCELLED) and stops the team's actors. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#current?.cancel();
    await this.#starting?.catch(() => undefined);
    if (this.#supervisor) this.#host.stop(address.team(this.id));
    if (this.#stream && this.#starting) this.#host.stop(address.events(this.id));
    this.endSessions();
    this.#host.forget(this);
    this.#emitter.removeAllListeners();
  }
}
