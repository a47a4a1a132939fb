/** A run's start, the steps it records, and its end (finished or failed). */
import { toolCallIds } from "../../src/agent/toolCallIds.js";
import type { ErrorData } from "../../src/errors.js";
import type { RunStatus } from "../../src/result.js";
import type { PendingStep } from "../../src/store/records.js";
import { buildResult, newRunState, newWarnings, recordStep } from "../../src/team/runState.js";
import { repairTranscript, userMessage } from "../../src/transcript/index.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import { agentInfo, type SupervisorContext } from "./context.js";
import { activeGrant, plainVerdict } from "./grants.js";
import { after, merge, type Plan } from "./plan.js";
import type { RunRequest, StepReport, TaskMessage } from "./protocol.js";
import { originOf, record } from "./records.js";

/** A new run: its state, its transcript, the run.started event and the TASK for the active agent. */
export function startRun(context: SupervisorContext, event: RunRequest): Plan {
  const { config } = context;
  const run = newRunState(event.runId, event.input, event.maxSteps ?? config.maxSteps, event.maxHandoffs ?? config.maxHandoffs, event.at);
  const earlier = event.fresh ? [] : context.transcript;
  const active = event.fresh ? config.start : context.active;
  // A blank input only continues the earlier messages (options refuse it without them).
  const blank = typeof event.input === "string" && event.input.trim() === "";
  const transcript = [...earlier, ...(event.messages ?? []), ...(blank ? [] : [userMessage(event.input)])];
  const agent = agentInfo(context, active);
  const begin: Plan = {
    assign: {
      run,
      transcript,
      active,
      note: undefined,
      transfer: undefined,
      failure: undefined,
      oneOff: event.fresh === true,
    },
    checkpoint: [
      record("started", event.at, {
        runId: run.runId,
        origin: originOf(context, event, active, run.maxSteps, run.maxHandoffs),
        input: event.input,
        messages: [...(event.messages ?? [])],
        transcript,
      }),
    ],
    emit: [
      {
        type: "run.started",
        runId: run.runId,
        teamId: config.teamId,
        input: event.input,
        agents: config.agents.map((a) => a.name),
        models: [...new Set(config.agents.map((a) => a.model.id))],
        agent: active,
        model: agent.model.id,
      },
    ],
  };
  return merge(
    begin,
    task(after(context, begin), active, repairTranscript(transcript, { receiverProvider: agent.model.provider }), event.at),
  );
}

/**
 * The TASK for the active agent, with its first grant when the supervisor can give it at once
 * (no policy function to ask, and the plain verdict is a grant); else the agent asks.
 */
export function task(
  context: SupervisorContext,
  to: string,
  transcript: TaskMessage["transcript"],
  at: number,
  handoff?: TaskMessage["handoff"],
): Plan {
  const message: TaskMessage = { type: "TASK", runId: context.run!.runId, transcript, at };
  const seen = toolCallIds(transcript);
  const hidden = [...toolCallIds(context.transcript)].filter((id) => !seen.has(id));
  if (hidden.length) message.reservedToolCallIds = hidden;
  if (handoff) message.handoff = handoff;
  let plan: Plan = {};
  if (!context.config.policyFunction) {
    const verdict = plainVerdict(context, to);
    if (verdict.kind === "grant") {
      const given = activeGrant(context, context.config.policy, verdict.maxSteps);
      message.grant = given.grant;
      plan = given.plan;
    }
  }
  return merge(plan, { send: [{ to: address.agent(context.config.teamId, to), event: message }] });
}

/**
 * A finished step: counted, its warnings reported once, and (for the agent holding the task)
 * its messages added to the transcript. A delegate's messages stay in its own context.
 */
export function recordReport(context: SupervisorContext, report: StepReport | undefined, intoTranscript: boolean, at: number): Plan {
  if (!report) return {};
  const run = context.run!;
  const fresh = newWarnings(run, report.warnings);
  const counted = recordStep(run, report.record);
  const tag = { runId: run.runId, teamId: context.config.teamId };
  const step = record("step", at, { record: report.record, messages: report.messages, intoTranscript });
  if (fresh.length && step.kind === "step") step.warnings = fresh;
  return {
    assign: {
      run: fresh.length ? extend(counted, { warnings: [...run.warnings, ...fresh] }) : counted,
      ...(intoTranscript ? { transcript: [...context.transcript, ...report.messages] } : {}),
    },
    checkpoint: [step],
    emit: [
      ...fresh.map((w) => ({ type: "warning" as const, ...tag, ...w })),
      {
        type: "step.finished",
        ...tag,
        agent: report.record.agent,
        model: report.record.model,
        step: report.record.step,
        record: report.record,
        ...report.call,
      },
    ],
  };
}

/** What a finished run leaves: no run state, and no transcript if nothing continues it. */
function afterRun(context: SupervisorContext): Partial<SupervisorContext> {
  const cleared: Partial<SupervisorContext> = {
    run: undefined,
    transfer: undefined,
    failure: undefined,
    note: undefined,
    delegations: {},
    queued: [],
  };
  return context.oneOff ? extend(cleared, { transcript: [] }) : cleared;
}

export function finishRun(
  context: SupervisorContext,
  params: { status: RunStatus; reason?: string; output?: { text: string; value?: unknown } },
  at: number,
): Plan {
  let run = context.run!;
  if (params.output) {
    run = extend(run, { outputText: params.output.text, ...("value" in params.output ? { output: { value: params.output.value } } : {}) });
  }
  const last = { agent: context.active, model: agentInfo(context, context.active).model.id };
  const result = buildResult(run, context.transcript, params.status, last, at, params.reason);
  return {
    assign: afterRun(context),
    checkpoint: [record("finished", at, { result })],
    emit: [{ type: "run.finished", runId: run.runId, teamId: context.config.teamId, result }],
  };
}

/**
 * A step has calls that wait for a person: the run stops here, interrupted. Its other calls
 * have run; what they returned and what waits are written down for the resume.
 */
export function interruptRun(context: SupervisorContext, pending: PendingStep, at: number): Plan {
  const run = context.run!;
  const last = { agent: context.active, model: agentInfo(context, context.active).model.id };
  const result = buildResult(run, context.transcript, "interrupted", last, at, `${pending.waiting.length} tool call(s) wait for approval`);
  result.interruptions = pending.waiting;
  const tag = { runId: run.runId, teamId: context.config.teamId };
  return {
    assign: afterRun(context),
    checkpoint: [record("interrupted", at, { pending, result })],
    emit: [
      ...pending.waiting.map((w) => ({ type: "approval.requested" as const, ...tag, ...w })),
      { type: "run.interrupted", ...tag, result },
    ],
  };
}

/** A failed run: every agent stops what it does; the partial result goes with the error. */
export function failRun(context: SupervisorContext, error: ErrorData, at: number): Plan {
  const run = context.run!;
  const last = { agent: context.active, model: agentInfo(context, context.active).model.id };
  const partial = buildResult(run, context.transcript, "stopped", last, at, error.message);
  return {
    assign: afterRun(context),
    checkpoint: [record("failed", at, { error, partial })],
    emit: [{ type: "run.failed", runId: run.runId, teamId: context.config.teamId, error, partial }],
    send: context.config.agents.map((a) => ({ to: address.agent(context.config.teamId, a.name), event: { type: "CANCEL" } })),
  };
}
