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

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
