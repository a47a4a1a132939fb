/**
 * The fault schedule of a seed: at each decision point (a model call, a tool call, an MCP call,
 * in the order they happen) the plan says which fault, if any, to inject and how long the call
 * takes. Drawn from the seed, or replayed from an explicit schedule (a shrunk failure).
 */
import { type SimRng, seededRng } from "./rng.js";

/** Probabilities per decision point (0–1), and the latency range of every call. */
export interface SimFaults {
  /** A model call fails with a retryable HTTP 500. */
  providerError?: number;
  /** A model call is refused with HTTP 429 and a Retry-After (1–60 s). */
  rateLimit?: number;
  /** A streamed answer is cut off midway (a retryable connection error after some text). */
  streamCut?: number;
  /** The model sends a tool call whose argument JSON is broken. */
  malformedToolArgs?: number;
  /** A local tool throws. */
  toolThrow?: number;
  /** A local tool never answers (until the team's toolTimeoutMs, or the run's end). */
  toolTimeout?: number;
  /** The MCP server's process dies during a call. */
  mcpCrash?: number;
  /** The run's signal aborts at this point. */
  abortAt?: number;
  /** Each call takes a simulated time drawn from this range, in ms. */
  latencyMs?: readonly [number, number];
}

export type FaultKind =
  | "providerError"
  | "rateLimit"
  | "streamCut"
  | "malformedToolArgs"
  | "toolThrow"
  | "toolTimeout"
  | "mcpCrash"
  | "abortAt";

/** One entry of a fault schedule. `ms`: the latency, or a rate limit's Retry-After. */
export interface ScheduledFault {
  point: number;
  kind: FaultKind | "latency";
  ms?: number;
}

export type FaultSchedule = readonly ScheduledFault[];

/** What kind of call a decision point is. */
export type PointKind = "model" | "tool" | "mcp";

const FAULTS_BY_POINT: Record<PointKind, readonly FaultKind[]> = {
  model: ["providerError", "rateLimit", "streamCut", "malformedToolArgs"],
  tool: ["toolThrow", "toolTimeout"],
  mcp: ["mcpCrash"],
};

/** The plan's answer for one decision point. */
export interface Decision {
  point: number;
  latencyMs: number;
  fault?: FaultKind;
  /** A rate limit's Retry-After, in ms. */
  retryAfterMs?: number;
  abort: boolean;
}

export class FaultPlan {
  readonly #faults: SimFaults;
  readonly #rng: SimRng;
  readonly #replay: Map<number, ScheduledFault[]> | undefined;
  #point = 0;
  /** Everything injected so far: the seed's schedule. */
  readonly injected: ScheduledFault[] = [];

  constructor(faults: SimFaults, seed: number, schedule?: FaultSchedule) {
    this.#faults = faults;
    this.#rng = seededRng(seed, "faults");
    if (schedule) {
      this.#replay = new Map();
      for (const entry of schedule) {
        const list = this.#replay.get(entry.point) ?? [];
        list.push(entry);
        this.#replay.set(entry.point, list);
      }
    }
  }

  decide(kind: PointKind): Decision {
    const point = this.#point++;
    const decision = this.#replay ? this.#replayed(point, kind) : this.#drawn(point, kind);
    if (decision.latencyMs > 0) this.injected.push({ point, kind: "latency", ms: decision.latencyMs });
    if (decision.fault) {
      this.injected.push({ point, kind: decision.fault, ...(decision.retryAfterMs === undefined ? {} : { ms: decision.retryAfterMs }) });
    }
    if (decision.abort) this.injected.push({ point, kind: "abortAt" });
    return decision;
  }

  /** Always the same number of draws per point, so one fault does not shift the next points' draws. */
  #drawn(point: number, kind: PointKind): Decision {
    const rng = this.#rng;
    const [low, high] = this.#faults.latencyMs ?? [0, 0];
    const latency = rng.next();
    const faultDraw = rng.next();
    const abortDraw = rng.next();
    const retryAfter = rng.int(1, 60) * 1000;
    const decision: Decision = { point, latencyMs: Math.round(low + latency * (high - low)), abort: false };
    let threshold = 0;
    for (const fault of FAULTS_BY_POINT[kind]) {
      threshold += this.#faults[fault] ?? 0;
      if (faultDraw < threshold) {
        decision.fault = fault;
        if (fault === "rateLimit") decision.retryAfterMs = retryAfter;
        break;
      }
    }
    decision.abort = abortDraw < (this.#faults.abortAt ?? 0);
    return decision;
  }

  #replayed(point: number, kind: PointKind): Decision {
    const decision: Decision = { point, latencyMs: 0, abort: false };
    for (const entry of this.#replay?.get(point) ?? []) {
      if (entry.kind === "latency") decision.latencyMs = entry.ms ?? 0;
      else if (entry.kind === "abortAt") decision.abort = true;
      else if (FAULTS_BY_POINT[kind].includes(entry.kind)) {
        decision.fault = entry.kind;
        if (entry.ms !== undefined) decision.retryAfterMs = entry.ms;
      }
    }
    return decision;
  }
}
