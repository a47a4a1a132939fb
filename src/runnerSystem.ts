/**
 * A Runner's actor system and what runs in it besides teams: the system itself (started on the
 * first spawn), its shards, the shared service actors and the MCP servers' pool.
 */
import { type Actor, type AnyActorLogic, type AnyActorRef, createActor } from "xstate";
import type { McpPool } from "../actors/mcp/pool.js";
import type { RunObservers } from "../actors/observability/runObservers.js";
import type { ProviderRegistry } from "../actors/providers/registry.js";
import { samplerOf } from "../actors/providers/sampling.js";
import type { Clock } from "../actors/shared/clock.js";
import { type RunnerSystemEvent, runnerSystemMachine, shardOf } from "../machines/runner/system.js";
import { BatonError } from "./errors.js";
import type { McpServerSpec } from "./mcp/spec.js";
import type { RunnerOptions } from "./options/runnerOptions.js";
import type { ToolEntry } from "./tools/toolEntry.js";

/** What the system needs from its Runner; `checkOpen` throws once the Runner is closed. */
export interface RunnerSystemDeps {
  options: RunnerOptions;
  clock: Clock;
  providers: ProviderRegistry;
  observers: RunObservers;
  checkOpen(): void;
}

export class RunnerSystem {
  readonly #deps: RunnerSystemDeps;
  #system: Actor<typeof runnerSystemMachine> | undefined;
  #mcp: McpPool | undefined;
  /** systemIds of the shared service actors started so far. */
  readonly #services = new Set<string>();

  constructor(deps: RunnerSystemDeps) {
    this.#deps = deps;
  }

  spawn(logic: AnyActorLogic, systemId: string, input: unknown): AnyActorRef {
    if (!this.#system) {
      const { inspect } = this.#deps.options;
      const runnerClock = this.#deps.clock;
      // XState's delayed events (retry backoff, MCP timeouts) run on the Runner's clock.
      const clock = {
        setTimeout: (fn: () => void, ms: number) => runnerClock.setTimeout(fn, ms),
        clearTimeout: (id: unknown) => runnerClock.clearTimeout(id),
      };
      this.#system = createActor(runnerSystemMachine, inspect ? { inspect, clock } : { clock });
      this.#system.start();
      this.#deps.observers.attach(this.#system.system);
    }
    this.#toShard({ type: "SPAWN", logic, systemId, input });
    const ref = this.#system.system.get(systemId);
    if (!ref) throw new BatonError("INTERNAL", `Actor ${systemId} did not start.`);
    return ref;
  }

  stop(systemId: string): void {
    this.#toShard({ type: "STOP", systemId });
  }

  /** A shared service actor of this Runner, started the first time a team needs it. */
  service(systemId: string, logic: AnyActorLogic, input: unknown): string {
    if (!this.#services.has(systemId)) {
      this.spawn(logic, systemId, input);
      this.#services.add(systemId);
    }
    return systemId;
  }

  /** Straight to the shard that owns the actor: one message instead of two through the root. */
  #toShard(event: RunnerSystemEvent): void {
    this.#system?.getSnapshot().children[shardOf(event.systemId)]?.send(event);
  }

  async mcpTools(specs: readonly McpServerSpec[], signal?: AbortSignal): Promise<ToolEntry[]> {
    if (!this.#mcp) {
      // Loaded on first use: runs without MCP servers never load the MCP SDK.
      const { McpPool } = await import("../actors/mcp/pool.js");
      this.#deps.checkOpen();
      const { options, providers, observers } = this.#deps;
      this.#mcp ??= new McpPool({
        ...(options.mcp ?? {}),
        ...(options.mcpRegistry === undefined ? {} : { registry: options.mcpRegistry }),
        spawn: (logic, systemId, input) => this.spawn(logic, systemId, input),
        stopChild: (systemId) => this.stop(systemId),
        sample: samplerOf((name) => providers.get(name)),
        traceContext: (call) => observers.traceContextFor(call),
      });
    }
    return this.#mcp.ensure(specs, signal ? { signal } : {});
  }

  /** State of each MCP server (`ready`, `reconnecting`, …). */
  mcpStatus(): Record<string, string> {
    return this.#mcp?.status() ?? {};
  }

  /** Closes the MCP servers, then stops the actor system. */
  async close(): Promise<void> {
    await this.#mcp?.close();
    this.#system?.stop();
  }
}
