/**
 * What a Runner takes from its surroundings: time and fresh ids. Production uses the real clock
 * and random ids; `simulate()` (baton/sim) gives a virtual clock and seeded ids, so a seed
 * replays byte for byte. Not public: it rides on Runner options under a symbol.
 */
import type { Provider } from "./providers/types.js";

/**
 * Time as actors see it. Every effect that waits or stamps a time goes through a Clock, so a
 * simulation can run on virtual time (baton/sim) while production uses the real one.
 */
export interface Clock {
  /** Milliseconds since the epoch (fractional where the clock has it). */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface RunnerRuntime {
  clock?: Clock;
  /** A fresh id (run ids, team ids). */
  newId?: () => string;
  /** The provider a Runner uses for a configured name: `make()` builds the real one; a simulation may wrap or replace it. */
  provider?: (name: string, make: () => Provider) => Provider;
}

export const RUNTIME = Symbol.for("baton.runtime");

/** Runner options with a runtime attached (for baton/sim). */
export function withRuntime<T extends object>(options: T, runtime: RunnerRuntime): T {
  return Object.assign({}, options, { [RUNTIME]: runtime });
}

export function runtimeOf(options: object | undefined): RunnerRuntime {
  return ((options as Record<symbol, unknown> | undefined)?.[RUNTIME] as RunnerRuntime | undefined) ?? {};
}
