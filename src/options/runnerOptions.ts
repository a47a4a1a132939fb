/** The Runner's own options and their checks (pure). */
import type { InspectionEvent, Observer } from "xstate";
import type { RetryOptions } from "../agent/retry.js";
import type { Engine } from "../engine/types.js";
import { BatonError } from "../errors.js";
import type { McpOptions } from "../mcp/options.js";
import type { ProvidersConfig } from "../providers/config.js";
import type { RunStore } from "../store/types.js";
import { checkLimit, read } from "./checkTeam.js";
import { describeValue, isPlainObject } from "./describe.js";
import type { OutputSchema } from "./types.js";

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
  /**
   * Where runs are written down, for approvals and crash-resume (default: `memoryStore()`, in this
   * process). `sqliteStore(path)` survives the process. The Runner does not close a store you give it.
   */
  store?: RunStore;
  /**
   * Where runs happen when not in this process: `redisEngine({ url })`. A client's runs go to the
   * engine's workers (`runner.work()`), which define the teams; checkpoints live in the engine's
   * store. The Runner closes its engine when it closes.
   */
  engine?: Engine;
}

/** The typed final output of options that give an `output` schema, else text. */
export type OutputOf<O> = O extends { output: infer S extends OutputSchema } ? ReturnType<S["parse"]> : string;

export function checkRunnerOptions(options: unknown): RunnerOptions {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new BatonError("INVALID_OPTIONS", `Runner options must be an object; got ${describeValue(options)}.`);
  const inspect = read(options, "inspect", "Runner options");
  if (inspect !== undefined && typeof inspect !== "function" && (typeof inspect !== "object" || inspect === null)) {
    throw new BatonError("INVALID_OPTIONS", `inspect must be a function or an observer { next }; got ${describeValue(inspect)}.`);
  }
  const retry = read(options, "retry", "Runner options");
  if (retry !== undefined) {
    if (!isPlainObject(retry)) throw new BatonError("INVALID_OPTIONS", `retry must be an object; got ${describeValue(retry)}.`);
    checkLimit("retry.maxRetries", retry.maxRetries, 0);
    checkLimit("retry.baseDelayMs", retry.baseDelayMs, 0);
    checkLimit("retry.maxDelayMs", retry.maxDelayMs, 0);
  }
  const engine = read(options, "engine", "Runner options");
  if (engine !== undefined && (typeof engine !== "object" || engine === null || typeof (engine as Engine).submit !== "function")) {
    throw new BatonError("INVALID_OPTIONS", `engine must be an engine such as redisEngine({ url }); got ${describeValue(engine)}.`);
  }
  const store = read(options, "store", "Runner options");
  if (store !== undefined && !isStore(store)) {
    throw new BatonError(
      "INVALID_OPTIONS",
      `store must be a run store (memoryStore(), sqliteStore(path) or your own RunStore); got ${describeValue(store)}.`,
    );
  }
  for (const key of ["providers", "mcp", "env"] as const) {
    const value = read(options, key, "Runner options");
    if (value !== undefined && (typeof value !== "object" || value === null)) {
      throw new BatonError("INVALID_OPTIONS", `${key} must be an object; got ${describeValue(value)}.`);
    }
  }
  return options as RunnerOptions;
}

function isStore(value: unknown): value is RunStore {
  const store = value as Partial<RunStore> | null;
  return (
    typeof store === "object" &&
    store !== null &&
    typeof store.append === "function" &&
    typeof store.load === "function" &&
    typeof store.unfinished === "function" &&
    typeof store.claim === "function" &&
    typeof store.release === "function"
  );
}
