/** Moving the task to another agent (a model's handoff, a policy's move, a fallback): the handoff is this message passing. */
import { handoffNote } from "../../src/policies/decide.js";
import type { HandoffRecord } from "../../src/result.js";
import { recordHandoff } from "../../src/team/runState.js";
import { type Message, repairTranscript } from "../../src/transcript/index.js";
import { address } from "../addresses.js";
import { agentInfo, type PendingTransfer, type SupervisorContext } from "./context.js";
import { task } from "./lifecycle.js";
import { after, merge, type Plan } from "./plan.js";
import { record as checkpointRecord } from "./records.js";

/** Every move counts toward maxHandoffs, whoever makes it. */
export function handoffLimitReached(context: SupervisorContext): boolean {
  const run = context.run!;
  return run.handoffs.length >= run.maxHandoffs;
}

export function handoffLimitReason(context: SupervisorContext): string {
  return `maxHandoffs (${context.run!.maxHandoffs}) reached`;
}

/**
 * Records the move, makes the transcript valid for the receiver's provider and tells the
 * listeners. The TASK follows at once, or after the receiver's handoff filter answers.
 */
export function makeTransfer(context: SupervisorContext, at: number): Plan {
  const t = context.transfer as PendingTransfer;
  const run = context.run!;
  const receiver = agentInfo(context, t.to);
  const transcript = repairTranscript(context.transcript, { receiverProvider: receiver.model.provider });
  const record: HandoffRecord = { from: t.from, to: t.to, reason: t.reason, step: run.steps.length, by: t.by };
  if (t.task) record.task = t.task;
  const moved: Plan = {
    assign: {
      run: recordHandoff(run, record),
      transcript,
      active: t.to,
      note: handoffNote(t.to, t.from, t.reason, t.task),
      failure: undefined,
    },
    checkpoint: [checkpointRecord("handoff", at, { record, receiverProvider: receiver.model.provider })],
    emit: [{ type: "handoff", runId: run.runId, teamId: context.config.teamId, ...record }],
  };
  if (receiver.filtered) {
    const askId = context.askId + 1;
    return merge(moved, {
      assign: { askId },
      send: [{ to: address.callbacks(context.config.teamId), event: { type: "FILTER.ASK", askId, to: t.to, from: t.from, transcript } }],
    });
  }
  return merge(moved, sendTask(after(context, moved), transcript, at));
}

/** The TASK for the agent that now holds the task, with what it may see of the transcript. */
export function sendTask(context: SupervisorContext, seen: readonly Message[], at: number): Plan {
  const t = context.transfer as PendingTransfer;
  const receiver = agentInfo(context, t.to);
  const transcript = repairTranscript(seen, { receiverProvider: receiver.model.provider });
  return merge({ assign: { transfer: undefined } }, task(context, t.to, transcript, at, { from: t.from, reason: t.reason, task: t.task }));
}
