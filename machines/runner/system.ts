import { type AnyActorLogic, assign, setup, stopChild } from "xstate";

export type RunnerSystemEvent =
  | { type: "SPAWN"; logic: AnyActorLogic; systemId: string; input: unknown }
  | { type: "STOP"; systemId: string };

/**
 * Holds a share of the Runner's long-lived actors. XState copies a machine's whole children
 * map on every spawn and stop, so one parent of every team made N teams cost O(N²); spread
 * over shards, each copy stays small.
 */
const shardMachine = setup({
  types: { events: {} as RunnerSystemEvent, context: {} as Record<string, never> },
}).createMachine({
  id: "runnerShard",
  context: {},
  on: {
    SPAWN: {
      actions: assign(({ event, spawn }) => {
        // Logic arrives by message, so the typed overloads (keyed by `setup` actors) do not apply.
        const spawnAny = spawn as unknown as (logic: AnyActorLogic, options: { id: string; systemId: string; input: unknown }) => unknown;
        spawnAny(event.logic, { id: event.systemId, systemId: event.systemId, input: event.input });
        return {};
      }),
    },
    STOP: { actions: stopChild(({ event }) => event.systemId) },
    // A child that crashed is gone (its owner is told by its own subscription); the shard, and
    // every other team in it, carries on. Unhandled, XState would stop the shard too.
    ...({ "xstate.error.actor.*": {} } as object),
  },
});

const SHARDS = 64;

/** The shard that owns a systemId: a stable hash, so STOP finds the actor SPAWN made. */
export function shardOf(systemId: string): string {
  let hash = 0;
  for (let i = 0; i < systemId.length; i++) hash = (hash * 31 + systemId.charCodeAt(i)) | 0;
  return `shard-${(hash >>> 0) % SHARDS}`;
}

/**
 * The root of a Runner's actor system. Teams (supervisors) and shared MCP services live in its
 * shards, so they all share one system and find each other by systemId. The Runner sends SPAWN
 * and STOP straight to the shard (`shardOf`); both are handled synchronously: the actor exists
 * when `send` returns.
 */
export const runnerSystemMachine = setup({
  types: { context: {} as Record<string, never> },
  actors: { shard: shardMachine },
}).createMachine({
  id: "runner",
  context: ({ spawn }) => {
    for (let i = 0; i < SHARDS; i++) spawn("shard", { id: `shard-${i}` });
    return {};
  },
});
