import { randomUUID } from "node:crypto";
import { type Actor, type AnyActorLogic, type AnyActorRef, createActor, type InspectionEvent, type Observer } from "xstate";
import type { McpOptions, McpPool, McpServerSpec } from "../actors/mcp/pool.js";
import { ProviderRegistry } from "../actors/providers/registry.js";
import { providerService } from "../actors/providers/service.js";
import { toolExecutor } from "../actors/tools/executor.js";
import type { RetryOptions } from "../machines/agent/agent.js";
import { type RunnerSystemEvent, runnerSystemMachine, shardOf } from "../machines/runner/system.js";
import { BatonError } from "./errors.js";
import type { RunEvent } from "./events.js";
import { parseModel } from "./models/modelRef.js";
import { checkRunInput, type RunOptions, type TeamOptions } from "./options/options.js";
import type { ProvidersConfig } from "./providers/config.js";
import type { Provider } from "./providers/types.js";
import type { RunResult } from "./result.js";
import { RunStream } from "./runStream.js";
import { IdleTeams } from "./team/idleTeams.js";
import { newShape, shapeKey, type TeamShape } from "./team/teamShape.js";
import { Team, type TeamHost } from "./team.js";
import type { ToolEntry } from "./tools/toolEntry.js";

export interface RunnerOptions {
  /** Provider settings; all optional, env vars are the default. */
  providers?: ProvidersConfig;
  /** Path of an mcp.json (`{"mcpServers": {…}}`) or the object itself. */
  mcpRegistry?: string | { mcpServers: Record<string, unknown> };
  mcp?: McpOptions;
  /** Retries of failed provider calls (429, 5xx, connection errors), with exponential backoff. */
  retry?: Partial<RetryOptions>;
  /** Handed to XState: sees every actor and message (e.g. @statelyai/inspect). */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Environment to read API keys from (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

const DEFAULT_RETRY: RetryOptions = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Owns one actor system for its lifetime: teams (one supervisor and one agent per model each)
 * and the MCP services they share. `close()` stops them all.
 */
export class Runner {
  readonly #options: RunnerOptions;
  readonly #providers: ProviderRegistry;
  readonly #teams = new Set<Team>();
  /** Teams runner.run and runner.stream finished with, for the next run of the same shape. */
  readonly #idle = new IdleTeams();
  readonly #retry: RetryOptions;
  readonly #host: TeamHost;
  #system: Actor<typeof runnerSystemMachine> | undefined;
  #mcp: McpPool | undefined;
  #closed = false;
  #teamCount = 0;
  /** systemIds of the shared service actors started so far (provider calls, local tools). */
  readonly #services = new Set<string>();

  constructor(options: RunnerOptions = {}) {
    this.#options = options;
    this.#providers = new ProviderRegistry(options.providers ?? {}, options.env ?? process.env);
    this.#retry = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
    this.#host = {
      spawn: (logic, systemId, input) => this.#spawn(logic, systemId, input),
      stop: (systemId) => this.#toShard({ type: "STOP", systemId }),
      provider: (name) => this.#providers.get(name),
      providerService: (name) => this.#service(`provider:${name}`, providerService, { provider: this.#providers.get(name) }),
      toolExecutor: () => this.#service("tool-executor", toolExecutor, undefined),
      mcpTools: (specs, signal) => this.#mcpTools(specs, signal),
      retry: this.#retry,
      nextTeamId: () => `t${(++this.#teamCount).toString(36)}-${randomUUID().slice(0, 4)}`,
      forget: (team) => this.#teams.delete(team),
    };
  }

  /**
   * Runs one task on a new conversation and returns its result. The team's actors are kept for
   * the next run with the same options (see IdleTeams), so repeated runs spawn nothing.
   */
  async run(options: RunOptions): Promise<RunResult> {
    checkRunInput(options);
    const { team, shape } = this.#runTeam(options, false);
    return this.#runOn(team, shape, options);
  }

  /** Runs one task and streams its events as they happen. */
  stream(options: RunOptions): RunStream {
    checkRunInput(options);
    const { team, shape } = this.#runTeam(options, true);
    return new RunStream((push) => this.#runOn(team, shape, options, team.subscribe(push)));
  }

  /** A long-lived team: its actors stay alive across `team.run()` calls. */
  team(options: TeamOptions): Team {
    return this.#team(options, true);
  }

  /** An idle team of the same shape, or a new one. */
  #runTeam(options: RunOptions, stream: boolean): { team: Team; shape: TeamShape | undefined } {
    if (this.#closed) throw new BatonError("CLOSED", "This Runner is closed; create a new Runner.");
    const key = shapeKey(options, stream);
    const idle = key === undefined ? undefined : this.#idle.take(key, options);
    if (idle) return idle;
    const team = this.#team(options, stream);
    return { team, shape: key === undefined ? undefined : newShape(key, options) };
  }

  /**
   * Runs the task as a new conversation on `team`, then releases the team. `unsubscribe` ends a
   * stream's subscription first: a team back in the pool may run someone else's task at once.
   */
  async #runOn(team: Team, shape: TeamShape | undefined, options: RunOptions, unsubscribe?: () => void): Promise<RunResult> {
    let finished = false;
    try {
      const result = await team.runAsNew(options.input, runOptions(options));
      finished = true;
      return result;
    } finally {
      unsubscribe?.();
      await this.#release(team, shape, finished);
    }
  }

  /**
   * After a run: a team whose run finished is kept for the next run of its shape; one whose run
   * failed or was cancelled is stopped (its actors may still be winding down).
   */
  async #release(team: Team, shape: TeamShape | undefined, finished: boolean): Promise<void> {
    if (finished && shape && !this.#closed) {
      team.endSessions();
      const { kept, evicted } = this.#idle.give(shape, team);
      await Promise.all(evicted.map((old) => old.stop()));
      if (kept) return;
    }
    await team.stop();
  }

  #team(options: TeamOptions, stream: boolean): Team {
    if (this.#closed) throw new BatonError("CLOSED", "This Runner is closed; create a new Runner.");
    const team = new Team(this.#host, options, { stream });
    this.#teams.add(team);
    return team;
  }

  #spawn(logic: AnyActorLogic, systemId: string, input: unknown): AnyActorRef {
    if (!this.#system) {
      const inspect = this.#options.inspect;
      this.#system = createActor(runnerSystemMachine, inspect ? { inspect } : {});
      this.#system.start();
    }
    this.#toShard({ type: "SPAWN", logic, systemId, input });
    const ref = this.#system.system.get(systemId);
    if (!ref) throw new BatonError("INTERNAL", `Actor ${systemId} did not start.`);
    return ref;
  }

  /** A shared service actor of this Runner, started the first time a team needs it. */
  #service(systemId: string, logic: AnyActorLogic, input: unknown): string {
    if (!this.#services.has(systemId)) {
      this.#spawn(logic, systemId, input);
      this.#services.add(systemId);
    }
    return systemId;
  }

  /** Straight to the shard that owns the actor: one message instead of two through the root. */
  #toShard(event: RunnerSystemEvent): void {
    this.#system?.getSnapshot().children[shardOf(event.systemId)]?.send(event);
  }

  async #mcpTools(specs: readonly McpServerSpec[], signal?: AbortSignal): Promise<ToolEntry[]> {
    if (!this.#mcp) {
      // Loaded on first use: runs without MCP servers never load the MCP SDK.
      const { McpPool } = await import("../actors/mcp/pool.js");
      if (this.#closed) throw new BatonError("CLOSED", "This Runner is closed.");
      this.#mcp ??= new McpPool({
        ...(this.#options.mcp ?? {}),
        ...(this.#options.mcpRegistry === undefined ? {} : { registry: this.#options.mcpRegistry }),
        spawn: (logic, systemId, input) => this.#spawn(logic, systemId, input),
        stopChild: (systemId) => this.#toShard({ type: "STOP", systemId }),
        sample: (modelId, request) => this.#sample(modelId, request),
      });
    }
    return this.#mcp.ensure(specs, signal ? { signal } : {});
  }

  /** Answers an MCP sampling request with one call to a model, outside any run. */
  async #sample(
    modelId: string,
    request: { systemPrompt?: string; messages: Array<{ role: "user" | "assistant"; text: string }>; maxTokens?: number },
  ): Promise<{ model: string; text: string; stopReason: string }> {
    const ref = parseModel(modelId);
    const provider: Provider = this.#providers.get(ref.provider);
    const response = await provider.call({
      modelId: ref.id,
      model: ref.name,
      ...(request.systemPrompt ? { system: request.systemPrompt } : {}),
      messages: request.messages.map((m) => ({ role: m.role, content: m.text })),
      tools: [],
      settings: { ...ref.settings, ...(request.maxTokens ? { maxTokens: request.maxTokens } : {}) },
      sessionId: `sampling:${modelId}`,
    });
    return { model: ref.id, text: response.text, stopReason: response.stopReason === "length" ? "maxTokens" : "endTurn" };
  }

  /** State of each MCP server (`ready`, `reconnecting`, …), for health checks. */
  mcpStatus(): Record<string, string> {
    return this.#mcp?.status() ?? {};
  }

  /** Stops every team, every MCP server and the actor system. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#idle.drain(); // idle teams are in #teams too: stopped below
    await Promise.all([...this.#teams].map((team) => team.stop()));
    await this.#mcp?.close();
    this.#system?.stop();
    await this.#providers.close();
  }
}

function runOptions(options: RunOptions) {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.messages ? { messages: options.messages } : {}),
  };
}

export type { RunEvent };
