/**
 * A run that ends before its team could take it (cancelled, team closed): the same events and
 * partial result as a run that ends later, so listeners and callers see one shape.
 */
import type { ErrorData } from "../errorData.js";
import type { RunEvent } from "../events.js";
import type { CheckedRun } from "../options/checkRun.js";
import type { CheckedTeam } from "../options/checkTeam.js";
import type { RunResult } from "../result.js";
import { userMessage } from "../transcript/index.js";
import { buildResult, newRunState } from "./runState.js";

/** The partial result of a run that did no step: stopped, with its input in the transcript. */
export function emptyResult(checked: CheckedTeam, runId: string, run: CheckedRun, now: number, reason: string): RunResult<unknown> {
  const state = newRunState(runId, run.input, run.maxSteps ?? checked.maxSteps, run.maxHandoffs ?? checked.maxHandoffs, now);
  const start = checked.agents.find((a) => a.name === checked.start)!;
  const messages = [...(run.messages ?? []), userMessage(run.input)];
  return buildResult(state, messages, "stopped", { agent: start.name, model: start.model.id }, now, reason);
}

/** `run.started` then `run.failed` with the partial result. */
export function earlyEndEvents(
  checked: CheckedTeam,
  teamId: string,
  runId: string,
  run: CheckedRun,
  error: ErrorData,
  partial: RunResult<unknown>,
): RunEvent[] {
  const start = checked.agents.find((a) => a.name === checked.start)!;
  return [
    {
      type: "run.started",
      runId,
      teamId,
      input: run.input,
      agents: checked.agents.map((a) => a.name),
      models: [...new Set(checked.agents.map((a) => a.model.id))],
      agent: start.name,
      model: start.model.id,
    },
    { type: "run.failed", runId, teamId, error, partial },
  ];
}
