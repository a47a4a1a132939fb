import { type AnyActorLogic, assign, setup, stopChild } from "xstate";

export type RunnerSystemEvent =
  | { type: "SPAWN"; logic: AnyActorLogic; systemId: string; input: unknown }
  | { type: "STOP"; systemId: string };

/**
 * The root of a Runner's actor system. Teams (supervisors) and shared MCP services are its
 * children, spawned by message so they all live in one system and find each other by systemId.
 */
export const runnerSystemMachine = setup({
  types: { events: {} as RunnerSystemEvent, context: {} as Record<string, never> },
}).createMachine({
  id: "runner",
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
  },
});
