/** Durable runs: answers written down before their tools run, and a run picked up from its checkpoints. */
import { buildGrant } from "../../src/policies/decide.js";
import type { PendingStep } from "../../src/store/records.js";
import { repairTranscript } from "../../src/transcript/index.js";
import { address } from "../addresses.js";
import { agentInfo, type SupervisorContext } from "./context.js";
import { withCheckpoint } from "./grants.js";
import { task } from "./lifecycle.js";
import { after, merge, type Plan } from "./plan.js";
import type { Grant, RunRequest, StepAnsweredMessage, TaskMessage } from "./protocol.js";
import { record } from "./records.js";

/** A model answered with tool calls: written down first, so a resume never asks the model again. */
export function answered(context: SupervisorContext, event: StepAnsweredMessage): Plan {
  const plan: Plan = { checkpoint: [record("answered", event.at, { pending: event.pending })] };
  if (context.config.answers === "await") plan.ack = event.agent;
  return plan;
}

/** The grant that finishes a resumed step (already counted) and covers what the budget still allows. */
function resumeGrant(context: SupervisorContext, pending: PendingStep): Grant {
  const run = context.run!;
  const agent = agentInfo(context, pending.agent);
  const more = context.config.policyFunction || context.config.handoffMode !== "transfer" ? 0 : Math.max(0, run.maxSteps - run.granted);
  return withCheckpoint(
    context,
    buildGrant({
      decision: context.config.policy,
      model: agent.model,
      instructions: [context.config.instructions, agent.instructions],
      note: undefined,
      tools: agent.tools,
      output: agent.output,
      step: pending.step,
      steps: 1 + more,
    }),
  );
}

/**
 * A run picked up where its checkpoints end: its state restored, then either the step whose
 * tools had not all settled is finished (decisions applied), or the active agent goes on (the
 * model call the run was waiting for is made again).
 */
export function resumeRun(context: SupervisorContext, event: RunRequest): Plan {
  const resume = event.resume!;
  const { config } = context;
  const agent = agentInfo(context, resume.active);
  const tag = { runId: resume.run.runId, teamId: config.teamId };
  const restored: Plan = {
    assign: {
      run: resume.run,
      transcript: resume.transcript,
      active: resume.active,
      note: undefined,
      transfer: undefined,
      failure: undefined,
      delegations: {},
      queued: [],
      oneOff: false,
    },
    checkpoint: [
      ...(resume.approved.length || resume.rejected.length
        ? [record("decided", event.at, { approve: resume.approved, reject: resume.rejected })]
        : []),
      record("resumed", event.at, {}),
    ],
    emit: [
      {
        type: "run.resumed",
        ...tag,
        agent: agent.name,
        model: agent.model.id,
        approved: resume.approved,
        rejected: resume.rejected.map((r) => r.id),
      },
    ],
  };
  const next = after(context, restored);
  const pending = resume.pending;
  if (!pending) {
    return merge(
      restored,
      task(next, resume.active, repairTranscript(resume.transcript, { receiverProvider: agent.model.provider }), event.at),
    );
  }
  const grant = resumeGrant(next, pending);
  const message: TaskMessage = {
    type: "TASK",
    runId: resume.run.runId,
    at: event.at,
    transcript: repairTranscript(resume.transcript, { receiverProvider: agent.model.provider }),
    grant,
    resume: { pending, approved: resume.approved, rejected: resume.rejected },
  };
  return merge(restored, {
    emit: [{ type: "step.started", ...tag, agent: pending.agent, model: agentInfo(context, pending.agent).model.id, step: pending.step }],
    send: [{ to: address.agent(config.teamId, pending.agent), event: message }],
  });
}
