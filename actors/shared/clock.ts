/** The real clock, for production (the Clock interface is in src/runtime.ts; simulations give a virtual one). */
import type { Clock } from "../../src/runtime.js";

export type { Clock };

export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
