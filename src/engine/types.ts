/**
 * An engine runs a Runner's runs somewhere else (DESIGN §11): `redisEngine({ url })` puts each
 * run on a queue that worker processes take. Jobs are plain JSON: a team's name, its input, the
 * run's id; the code (agents, tools) lives in the workers, which `define` the teams.
 */
import type { RunEvent } from "../events.js";
import type { RunResult } from "../result.js";
import type { RunStore } from "../store/types.js";
import type { TeamSnapshot } from "../team/snapshot.js";
import type { Content, Message } from "../transcript/index.js";

/** One unit of work on the queue: a new run, a resume with decisions, or a long-lived team's turn. */
export interface EngineJob {
  kind: "run" | "resume" | "turn";
  runId: string;
  /** The defined team (`worker.define(name, …)`); a resume reads it from the run's checkpoints. */
  team?: string;
  input?: Content;
  messages?: Message[];
  maxSteps?: number;
  maxHandoffs?: number;
  /** The run's `meta` (plain JSON), kept with its checkpoints by the worker that runs it. */
  meta?: Record<string, unknown>;
  /** Decisions of a resume. */
  approve?: string[];
  reject?: Array<{ id: string; message: string }>;
  /** A long-lived team's key: its state lives between turns under it (a virtual actor). */
  teamKey?: string;
  /** The state a long-lived team starts from when it has none yet (`runner.team({ from })`). */
  from?: TeamSnapshot;
}

/** What a worker's Runner hands back for a job: the run's result, and a long-lived team's state after its turn. */
export interface JobOutcome {
  result: RunResult<unknown>;
  snapshot?: TeamSnapshot;
}

/** The worker side of a Runner, as the engine sees it: runs one job here, pushing its events. */
export interface JobExecutor {
  execute(job: EngineJob, push: (event: RunEvent) => void, signal: AbortSignal): Promise<JobOutcome>;
}

export interface EngineWorkOptions {
  /** Jobs this worker runs at once (default 10). */
  concurrency?: number;
}

/** Where a Runner's runs happen when they do not happen in its process. */
export interface Engine {
  readonly kind: string;
  /** Where checkpoints live: shared by every worker and client of the engine. */
  readonly store: RunStore;
  /** How long a run's lease lasts without renewal (a dead worker's runs are free again after it). */
  readonly leaseTtlMs: number;
  /** Puts a job on the queue and reads its events, from the first one after `afterSeq`; settles with the run's end. */
  submit(job: EngineJob, push: (event: RunEvent) => void): Promise<RunResult<unknown>>;
  /** The last event number of a run's stream (0 when it has none). */
  lastSeq(runId: string): Promise<number>;
  /** True when the engine knows the run (queued, running or ended within retention). */
  knows(runId: string): Promise<boolean>;
  /** Tells the worker that holds the run (or will take it) to cancel it. */
  cancel(runId: string): Promise<void>;
  /** Takes jobs until `close()`. */
  work(executor: JobExecutor, options: EngineWorkOptions): Promise<void>;
  /** A long-lived team's state between turns. */
  teamSnapshot(teamKey: string): Promise<TeamSnapshot | undefined>;
  close(): Promise<void>;
}
