/**
 * The store behind durable runs (DESIGN §10): where checkpoints live. `memoryStore()` is the
 * default, `sqliteStore(path)` the embedded durable one; implement this interface for others.
 */
import type { CheckpointRecord, RunSummary } from "./records.js";

export interface RunStore {
  /**
   * True when records survive the process (a file, a server). A durable store gets one more
   * record per tool step (the model's answer before its tools run), so a resume after a crash
   * never makes that call again and reruns its tools with the same idempotency keys.
   */
  readonly durable: boolean;
  /**
   * True when `append` commits later than it returns (it returns a promise): a run then waits for
   * the commit of each model answer before that answer's tools run.
   */
  readonly commitsLater?: boolean;
  /** Appends records to a run, in order; a record is committed when the promise resolves. Never rewrites. */
  append(runId: string, records: readonly CheckpointRecord[]): void | Promise<void>;
  /** Every record of a run, in order, or undefined for a run the store does not know. */
  load(runId: string): Promise<CheckpointRecord[] | undefined>;
  /** Runs with no final record (running, or interrupted and waiting for decisions). */
  unfinished(): Promise<RunSummary[]>;
  /**
   * Takes a run for this owner: true when no live owner holds it. A lease held by `owner` for
   * longer than `ttlMs` without renewal is free again (a process that died holds nothing).
   */
  claim(runId: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives a run back (it finished, was interrupted, or its owner stops). */
  release(runId: string, owner: string): Promise<void>;
  close?(): Promise<void>;
}
