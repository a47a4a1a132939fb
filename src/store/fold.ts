/**
 * A run's state from its checkpoint records (pure): what a resume continues from. The same
 * accounting the supervisor does live (runState.ts), replayed.
 */
import { BatonError } from "../errors.js";
import type { RunResult, RunWarning } from "../result.js";
import { newRunState, type RunState, recordHandoff, recordStep } from "../team/runState.js";
import { type Message, repairTranscript } from "../transcript/index.js";
import type { CheckpointRecord, Interruption, PendingStep, RunOrigin } from "./records.js";

export interface RunCheckpoint {
  runId: string;
  origin: RunOrigin;
  status: "running" | "interrupted" | "finished" | "failed";
  run: RunState;
  transcript: Message[];
  active: string;
  pending: PendingStep | undefined;
  /** Decisions recorded for waiting calls, by the model's tool call id. */
  approved: string[];
  rejected: Array<{ id: string; message: string }>;
  /** The final result (finished, failed as partial, or interrupted). */
  result: RunResult<unknown> | undefined;
  interruptions: Interruption[];
  updatedAt: number;
}

export function foldRecords(records: readonly CheckpointRecord[]): RunCheckpoint {
  const first = records[0];
  if (first?.kind !== "started")
    throw new BatonError("RESUME_MISMATCH", "The run's checkpoints do not begin with its start: the store is damaged.");
  let run = newRunState(first.runId, first.input, first.origin.maxSteps, first.origin.maxHandoffs, first.at);
  const state: RunCheckpoint = {
    runId: first.runId,
    origin: first.origin,
    status: "running",
    run,
    transcript: [...first.transcript],
    active: first.origin.start,
    pending: undefined,
    approved: [],
    rejected: [],
    result: undefined,
    interruptions: [],
    updatedAt: first.at,
  };
  let warnings: RunWarning[] = [];
  for (const record of records.slice(1)) {
    state.updatedAt = record.at;
    switch (record.kind) {
      case "answered":
        state.pending = record.pending;
        state.active = record.pending.agent;
        break;
      case "step":
        run = recordStep(run, record.record);
        if (record.warnings?.length) warnings = [...warnings, ...record.warnings];
        if (record.intoTranscript) {
          state.transcript.push(...record.messages);
          state.active = record.record.agent;
          if (state.pending?.step === record.record.step) state.pending = undefined;
        }
        break;
      case "settled":
        if (state.pending?.agent === record.agent) {
          state.pending = { ...state.pending, results: { ...state.pending.results, [record.message.toolCallId]: record.message } };
        }
        break;
      case "handoff":
        run = recordHandoff(run, record.record);
        state.transcript = repairTranscript(state.transcript, { receiverProvider: record.receiverProvider });
        state.active = record.record.to;
        break;
      case "appended":
        state.transcript.push(...record.messages);
        break;
      case "interrupted":
        state.status = "interrupted";
        state.pending = record.pending;
        state.interruptions = record.pending.waiting;
        state.result = record.result;
        state.approved = [];
        state.rejected = [];
        break;
      case "decided":
        state.approved = [...state.approved, ...record.approve];
        state.rejected = [...state.rejected, ...record.reject];
        break;
      case "resumed":
        state.status = "running";
        break;
      case "finished":
        state.status = "finished";
        state.pending = undefined;
        state.result = record.result;
        break;
      case "failed":
        state.status = "failed";
        state.result = record.partial;
        break;
    }
  }
  // Steps granted: every recorded step, plus the one whose answer waits for its tools.
  run = { ...run, warnings, granted: run.steps.length + (state.pending ? 1 : 0) };
  state.run = run;
  return state;
}
