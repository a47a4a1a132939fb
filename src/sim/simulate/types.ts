/** The public shapes of `simulate()` (baton/sim). */
import type { RetryOptions } from "../../agent/retry.js";
import type { ErrorData } from "../../errorData.js";
import type { RunEvent } from "../../events.js";
import type { TeamOptions } from "../../options/types.js";
import type { SimRequest, SimTurn } from "../../providers/simScript.js";
import type { PlainModelRequest } from "../../providers/types.js";
import type { Interruption, RunResult } from "../../result.js";
import type { Content } from "../../transcript/index.js";
import type { FaultSchedule, SimFaults } from "./faults.js";
import type { SimRng } from "./rng.js";

/** A model's script: turns in order, or a function of the request and the seed's rng. */
export type SimulateScript = readonly SimTurn[] | ((request: SimRequest, rng: SimRng) => SimTurn | Promise<SimTurn>);

/** How a simulated run ended. `hung`: it never settled (nothing left to run, or past the time bound). */
export type SimOutcome = "completed" | "max_steps" | "stopped" | "interrupted" | "failed" | "cancelled" | "hung";

/** What was left after the run and `runner.close()`. */
export interface SimLeaks {
  /** systemIds of actors still active. */
  actors: string[];
  /** Timers still set on the simulated clock. */
  timers: number;
  /** Listeners still on the run's abort signal. */
  signalListeners: number;
  /** Child processes (MCP servers) still alive. */
  processes: number[];
}

/** One seed's run, as invariants see it. */
export interface SimRun {
  seed: number;
  outcome: SimOutcome;
  /** The result (completed, max_steps, stopped, interrupted) or the failure's `partial`. */
  result?: RunResult<unknown>;
  error?: ErrorData;
  /** Every event of the run (and of its resumes), in order. */
  events: RunEvent[];
  /** Model calls as the provider received them, in order (request messages, tools, settings). */
  requests: PlainModelRequest[];
  /** How many times the run's promise settled (1; 0 when hung). */
  settled: number;
  /** The faults injected, in order: replay them with `schedule`. */
  faults: FaultSchedule;
  /** Simulated time the run took, in ms. */
  virtualMs: number;
  leaks: SimLeaks;
  /** Unhandled promise rejections seen while the seed ran. */
  unhandledRejections: string[];
  /** The team the seed ran (limits: maxSteps, maxHandoffs). */
  team: TeamOptions;
  /** The providers of the team's models (`openai`, `anthropic`, `sim`, …). */
  providers: string[];
}

/**
 * A property every run must have. Return `false` or a message (or throw) when it does not hold;
 * anything else passes. A function's name names it in the report; or give `{ name, check }`.
 */
export type SimInvariantCheck = (run: SimRun) => boolean | string | undefined | void;
export type SimInvariant = SimInvariantCheck | { name: string; check: SimInvariantCheck };

export interface SimulateOptions {
  /** The team: `{ agents: [...] }` or `{ model: [...] }`, with tools, policy, limits, MCP servers. */
  team?: TeamOptions;
  /** Shorthand for `team: { model }`. */
  model?: TeamOptions["model"];
  /** Scripts by model name (`researcher` drives `sim/researcher`, `gpt-4o-mini` drives `openai/gpt-4o-mini`). */
  scripts: Record<string, SimulateScript>;
  input: Content;
  /** How many seeds (1…n), or the seeds to replay. Default 100. */
  seeds?: number | readonly number[];
  faults?: SimFaults;
  /** Your invariants, checked after the built-in ones. */
  invariants?: readonly SimInvariant[];
  /** Through the sim HTTP server and the real openai / anthropic SDKs (slower; catches adapter bugs). */
  wire?: boolean;
  /** The Runner's retry settings (default maxRetries 3, baseDelayMs 500, maxDelayMs 8000): on simulated time. */
  retry?: Partial<RetryOptions>;
  /** Decides each approval an interrupted run waits for (default: approve with probability ½). */
  approve?: (interruption: Interruption, rng: SimRng) => boolean;
  /** Replay this exact fault schedule (a failure's `schedule`) instead of drawing one from the seed. */
  schedule?: FaultSchedule;
  /** Shrink failures to the smallest fault schedule that still fails (default true). */
  shrink?: boolean;
  /** Stop after this many failing seeds (default: run every seed). */
  maxFailures?: number;
  /** A run not settled after this much simulated time is hung (default 24 h). */
  maxVirtualMs?: number;
  /** Called after each seed (the CLI's progress bar). */
  onSeed?: (progress: SimProgress) => void;
}

export interface SimProgress {
  seed: number;
  done: number;
  total: number;
  failed: number;
  outcome: SimOutcome;
  /** The seed's whole run (events, result, faults), before shrinking. */
  run: SimRun;
}

/** One failing seed, shrunk. */
export interface SimFailure {
  seed: number;
  /** The name of the invariant that failed. */
  invariant: string;
  message: string;
  /** The events of the shrunk run. */
  events: RunEvent[];
  /** The smallest fault schedule found that still fails this invariant. */
  schedule: FaultSchedule;
  /** The schedule the seed drew, before shrinking. */
  originalSchedule: FaultSchedule;
  /** The one-line call that replays the shrunk failure. */
  replay: string;
  outcome: SimOutcome;
}

export interface SimReport {
  seeds: number;
  passed: number;
  failures: SimFailure[];
  /** Seeds by how their run ended. */
  outcomes: Partial<Record<SimOutcome, number>>;
  /** Faults injected over all seeds, by kind. */
  faults: Partial<Record<string, number>>;
  /** Simulated time over all seeds, in ms. */
  virtualMs: number;
}
