import { foldRecords } from "../../src/store/fold.js";
import type { CheckpointRecord, RunSummary } from "../../src/store/records.js";

/** A run's summary for `unfinishedRuns()`, or undefined when the run is over. */
export function summaryOf(runId: string, records: readonly CheckpointRecord[]): RunSummary | undefined {
  const last = records.at(-1);
  if (!last || last.kind === "finished" || last.kind === "failed") return undefined;
  const state = foldRecords(records);
  if (state.status === "finished" || state.status === "failed") return undefined;
  const summary: RunSummary = { runId, status: state.status, updatedAt: state.updatedAt, interruptions: state.interruptions };
  if (state.origin.team !== undefined) summary.team = state.origin.team;
  if (state.origin.meta !== undefined) summary.meta = state.origin.meta;
  return summary;
}
