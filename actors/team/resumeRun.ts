/**
 * A run resumed on a team (runner.resume, team.resume): what the supervisor is told to go on
 * from the run's checkpoints, and an interrupted run loaded again with a person's decisions.
 */
import type { RunRequest } from "../../machines/team/protocol.js";
import { BatonError } from "../../src/errors.js";
import type { CheckedRun } from "../../src/options/checkRun.js";
import type { RunResult } from "../../src/result.js";
import { foldRecords, type RunCheckpoint } from "../../src/store/fold.js";
import { checkDecisions } from "../../src/store/resume.js";
import type { RunStore } from "../../src/store/types.js";
import type { Lease, Leases } from "../store/leases.js";

/** Decisions on the calls that wait for a person, and the signal of the resumed run. */
export interface ResumeDecisions {
  approve: string[];
  reject: Array<{ id: string; message: string }>;
  signal?: AbortSignal;
}

/** What a resume brings to the session: the run's state, what the supervisor is told, the run's lease. */
export interface Resume {
  state: RunCheckpoint;
  request: NonNullable<RunRequest["resume"]>;
  lease: Lease;
}

/** The run to go on with (its input and signal, no limits of its own) and the resume it brings. */
export function resumeOf(state: RunCheckpoint, decisions: ResumeDecisions, lease: Lease): { run: CheckedRun; resume: Resume } {
  const request: RunRequest["resume"] = {
    run: state.run,
    transcript: state.transcript,
    active: state.active,
    approved: decisions.approve,
    rejected: decisions.reject,
  };
  if (state.pending) request.pending = state.pending;
  const run: CheckedRun = {
    input: state.run.input,
    messages: undefined,
    maxSteps: undefined,
    maxHandoffs: undefined,
    signal: decisions.signal,
  };
  return { run, resume: { state, request, lease } };
}

/** The interrupted run `runId` from the store with `options` checked as its decisions and its lease taken; its result if it has finished since. */
export async function loadInterrupted(
  store: RunStore,
  leases: Leases,
  runId: string,
  options: unknown,
): Promise<{ finished: RunResult<unknown> } | { state: RunCheckpoint; decisions: ResumeDecisions; lease: Lease }> {
  const records = await store.load(runId);
  if (!records) throw new BatonError("RESUME_MISMATCH", `Run ${runId} is no longer in the store.`);
  const state = foldRecords(records);
  if (state.status === "finished") return { finished: state.result! };
  const decisions = checkDecisions(options ?? {}, state);
  const lease = await leases.take(runId);
  if (!lease) throw new BatonError("RESUME_MISMATCH", `Run ${runId} is running elsewhere.`);
  return { state, decisions, lease };
}
