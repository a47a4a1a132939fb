/**
 * The supervisor's actions and guards. Each action applies a plan built by a pure function of
 * this folder (lifecycle, grants, transfer, delegation, output); the chart is in supervisor.ts.
 */
import { enqueueActions, setup } from "xstate";
import type { ErrorData } from "../../src/errors.js";
import { moveTarget, offGraphError } from "../../src/policies/decide.js";
import { recordFailure } from "../../src/team/runState.js";
import { extend } from "../../src/util/extend.js";
import { address } from "../addresses.js";
import { agentMachine } from "../agent/agent.js";
import { agentInfo, isDelegate, type SupervisorContext, type SupervisorInput } from "./context.js";
import { answerDelegation, grantDelegateStep, startDelegation } from "./delegation.js";
import { nextStepStarted, plainVerdict, sendGrant, verdictFor } from "./grants.js";
import { failRun, finishRun, interruptRun, recordReport, startRun } from "./lifecycle.js";
import { checkOutput, outputInvalidMessage, repairsLeft, repairTurn } from "./output.js";
import { applyPlan, type Enqueuer, merge, type Plan, type SupervisorEmitted } from "./plan.js";
import { policyContext } from "./policyContext.js";
import type { SupervisorEvent } from "./protocol.js";
import { answered, resumeRun } from "./resume.js";
import { handoffLimitReached, handoffLimitReason, makeTransfer, sendTask } from "./transfer.js";

type Verdict = ReturnType<typeof plainVerdict>;

/** The agent an agent's message comes from. */
function senderOf(event: SupervisorEvent): string | undefined {
  return "agent" in event && typeof event.agent === "string" ? event.agent : undefined;
}

function eventAt(event: SupervisorEvent): number {
  return "at" in event ? event.at : 0;
}

/** The report a message from an agent carries, if any. */
function reportOf(event: SupervisorEvent) {
  return "done" in event ? event.done : undefined;
}

/** The verdict of a policy function's answer on the active agent's request. */
function answeredVerdict(context: SupervisorContext, event: SupervisorEvent): Verdict {
  if (event.type !== "POLICY.ANSWER") return { kind: "error", error: { code: "INTERNAL", message: "no policy answer" } };
  if (event.error) return { kind: "error", error: event.error };
  return verdictFor(context, context.active, event.decision);
}

function deny(context: SupervisorContext, reason: string): Plan {
  return { send: [{ to: address.agent(context.config.teamId, context.active), event: { type: "STEP.DENY", reason } }] };
}

function askPolicy(context: SupervisorContext, failure?: SupervisorContext["failure"]): Plan {
  const askId = context.askId + 1;
  const withFailure = failure === undefined ? context : extend(context, { failure });
  return {
    assign: { askId, ...(failure === undefined ? {} : { failure }) },
    send: [{ to: address.callbacks(context.config.teamId), event: { type: "POLICY.ASK", askId, context: policyContext(withFailure) } }],
  };
}

/** A plan built from the context after the report of the triggering message is recorded. */
function withReport(context: SupervisorContext, event: SupervisorEvent, next: (context: SupervisorContext) => Plan): Plan {
  const agent = senderOf(event);
  let recorded = recordReport(context, reportOf(event), agent !== undefined && !isDelegate(context, agent), eventAt(event));
  if (event.type === "HANDOFF" && recorded.checkpoint?.length) {
    recorded = { ...recorded, checkpoint: [], assign: { ...recorded.assign, held: [...(context.held ?? []), ...recorded.checkpoint] } };
  }
  const after = recorded.assign ? { ...context, ...recorded.assign } : context;
  return merge(recorded, next(after));
}

/**
 * An action that applies the plan `build` makes. (Typed as `never` for `setup`: XState infers
 * an action's types only when it is written inline; `build` is what is typed.)
 */
function act(build: (context: SupervisorContext, event: SupervisorEvent) => Plan): never {
  return enqueueActions(({ context, event, enqueue, system }) => {
    let plan = build(context as SupervisorContext, event as SupervisorEvent);
    // Held records go first with the next records written (see SupervisorContext.held).
    const held = plan.assign && "held" in plan.assign ? plan.assign.held : (context as SupervisorContext).held;
    if (held?.length && plan.checkpoint?.length) {
      plan = { ...plan, checkpoint: [...held, ...plan.checkpoint], assign: { ...plan.assign, held: undefined } };
    }
    // The run a plan's records belong to: the one it starts, else the one in flight.
    const runId = plan.assign?.run?.runId ?? (context as SupervisorContext).run?.runId;
    applyPlan(enqueue as unknown as Enqueuer, system, plan, runId);
  }) as never;
}

function completed(context: SupervisorContext, event: SupervisorEvent): Plan {
  return finishRun(context, { status: "completed", output: { text: event.type === "FINAL" ? event.output : "" } }, eventAt(event));
}

/** The verdict the triggering message led to: the plain one on STEP.REQUEST, the policy's on POLICY.ANSWER. */
function verdictOn(context: SupervisorContext, event: SupervisorEvent): Verdict {
  return event.type === "POLICY.ANSWER" ? answeredVerdict(context, event) : plainVerdict(context, context.active);
}

export const supervisorSetup = setup({
  types: {
    input: {} as SupervisorInput,
    context: {} as SupervisorContext,
    events: {} as SupervisorEvent,
    emitted: {} as SupervisorEmitted,
  },
  actors: { agent: agentMachine },
  actions: {
    startRun: act((context, event) => (event.type === "RUN" ? startRun(context, event) : {})),
    resumeRun: act((context, event) => (event.type === "RUN" ? resumeRun(context, event) : {})),
    recordAnswer: act((context, event) => (event.type === "STEP.ANSWERED" ? answered(context, event) : {})),
    forwardCommit: act((context, event) =>
      event.type === "CHECKPOINT.COMMITTED"
        ? { send: [{ to: address.agent(context.config.teamId, event.agent), event: { type: "STEP.COMMITTED" } }] }
        : {},
    ),
    interrupt: act((context, event) => (event.type === "STEP.INTERRUPT" ? interruptRun(context, event.pending, event.at) : {})),
    recordStepAndGoOn: act((context, event) =>
      withReport(context, event, (c) => (event.type === "STEP.DONE" ? nextStepStarted(c, event.agent, event.done.record.step + 1) : {})),
    ),
    grantDelegate: act((context, event) => withReport(context, event, (c) => grantDelegateStep(c, senderOf(event)!))),
    answerDelegation: act((context, event) =>
      withReport(context, event, (c) => (event.type === "FINAL" || event.type === "FAILED" ? answerDelegation(c, event) : {})),
    ),
    startDelegation: act((context, event) => (event.type === "DELEGATE" ? startDelegation(context, event) : {})),
    denyNotYourTurn: act((context, event) => {
      const agent = senderOf(event);
      return agent
        ? { send: [{ to: address.agent(context.config.teamId, agent), event: { type: "STEP.DENY", reason: "not this agent's turn" } }] }
        : {};
    }),
    askPolicy: act((context, event) => withReport(context, event, (c) => askPolicy(c))),
    askFallback: act((context, event) =>
      withReport(context, event, (c) => {
        if (event.type !== "FAILED") return {};
        const failed = extend(c, { run: recordFailure(c.run!, event.agent) });
        const info = agentInfo(c, event.agent);
        return merge({ assign: { run: failed.run } }, askPolicy(failed, { ...event.error, agent: event.agent, model: info.model.id }));
      }),
    ),
    grantPlain: act((context, event) =>
      withReport(context, event, (c) => {
        const v = plainVerdict(c, c.active);
        return v.kind === "grant" ? sendGrant(c, c.config.policy, v.maxSteps) : {};
      }),
    ),
    grantAnswered: act((context, event) => {
      const v = answeredVerdict(context, event);
      return event.type === "POLICY.ANSWER" && v.kind === "grant" ? sendGrant(context, event.decision, v.maxSteps) : {};
    }),
    /** The verdict moves the task: the active agent is told, the move is made. */
    moveByPolicy: act((context, event) =>
      withReport(context, event, (c) => {
        const v = verdictOn(c, event);
        if (v.kind !== "move") return {};
        return merge(deny(c, `moved to ${v.to} by policy`), {
          assign: {
            run: extend(c.run!, { maxSteps: v.maxSteps }),
            transfer: { from: c.active, to: v.to, reason: "policy", task: "", by: "policy" },
          },
        });
      }),
    ),
    endByVerdict: act((context, event) =>
      withReport(context, event, (c) => {
        const v = verdictOn(c, event);
        const at = eventAt(event);
        if (v.kind === "stop") return merge(deny(c, "run ended"), finishRun(c, { status: "stopped", reason: v.reason }, at));
        if (v.kind === "limit") return merge(deny(c, "run ended"), finishRun(c, { status: "max_steps", reason: v.reason }, at));
        if (v.kind === "error") return merge(deny(c, "run ended"), failRun(c, v.error, at));
        return {};
      }),
    ),
    handOff: act((context, event) =>
      withReport(context, event, () =>
        event.type === "HANDOFF"
          ? { assign: { transfer: { from: event.agent, to: event.to, reason: event.reason, task: event.task, by: "model" } } }
          : {},
      ),
    ),
    fallBack: act((context, event) => {
      if (event.type !== "POLICY.ANSWER" || !event.decision) return {};
      const move = moveTarget(event.decision, context.config.agents);
      if (!move || !("to" in move)) return {};
      const reason = `fallback after: ${context.failure?.message ?? "failure"}`;
      return { assign: { transfer: { from: context.active, to: move.to, reason, task: "", by: "fallback" } } };
    }),
    makeTransfer: act((context, event) => makeTransfer(context, eventAt(event))),
    endAtHandoffLimit: act((context, event) =>
      finishRun(context, { status: "max_steps", reason: handoffLimitReason(context) }, eventAt(event)),
    ),
    sendFilteredTask: act((context, event) =>
      event.type === "FILTER.ANSWER" && event.transcript ? sendTask(context, event.transcript, event.at) : {},
    ),
    checkOutput: act((context, event) =>
      withReport(context, event, (c) => (event.type === "FINAL" ? checkOutput(c, event.agent, event.output) : {})),
    ),
    finishCompleted: act((context, event) => withReport(context, event, (c) => completed(c, event))),
    finishWithOutput: act((context, event) =>
      event.type === "OUTPUT.ANSWER" && event.ok
        ? finishRun(context, { status: "completed", output: { text: context.run!.outputText ?? "", value: event.value } }, event.at)
        : {},
    ),
    repairOutput: act((context, event) => (event.type === "OUTPUT.ANSWER" && !event.ok ? repairTurn(context, event.issues, event.at) : {})),
    failOutput: act((context, event) =>
      event.type === "OUTPUT.ANSWER" && !event.ok
        ? failRun(
            context,
            { code: "OUTPUT_INVALID", message: outputInvalidMessage(context, event.issues), details: { issues: event.issues } },
            event.at,
          )
        : {},
    ),
    /** Fails the run with the error the event carries (or a fixed one), after recording its report. */
    fail: act((context, event) => withReport(context, event, (c) => failRun(c, errorOf(c, event), eventAt(event)))),
    failWithFailure: act((context, event) => failRun(context, context.failure ?? errorOf(context, event), eventAt(event))),
    failOffGraph: act((context, event) => {
      const error = fallbackOffGraph(context, event);
      return error ? failRun(context, error, eventAt(event)) : {};
    }),
  },
  guards: {
    fromActive: ({ context, event }) => {
      const agent = senderOf(event);
      return agent === context.active && !isDelegate(context, agent);
    },
    fromDelegate: ({ context, event }) => {
      const agent = senderOf(event);
      return agent !== undefined && isDelegate(context, agent);
    },
    policyFunction: ({ context }) => context.config.policyFunction,
    isResume: ({ event }) => event.type === "RUN" && event.resume !== undefined,
    plainVerdictIs: ({ context }, params: { kind: Verdict["kind"] }) => plainVerdict(context, context.active).kind === params.kind,
    currentAsk: ({ context, event }) => "askId" in event && event.askId === context.askId,
    answerIs: ({ context, event }, params: { kind: Verdict["kind"] }) => answeredVerdict(context, event).kind === params.kind,
    answerFailed: ({ event }) => event.type === "POLICY.ANSWER" && event.error !== undefined,
    /** After a failure: the policy moves the task to another agent. */
    fallbackMoves: ({ context, event }) => {
      if (event.type !== "POLICY.ANSWER" || !event.decision) return false;
      const move = moveTarget(event.decision, context.config.agents);
      return move !== undefined && "to" in move && move.to !== context.active;
    },
    /** After a failure: the policy moves the task along no edge of the handoff graph. */
    fallbackOffGraph: ({ context, event }) => fallbackOffGraph(context, event) !== undefined,
    handoffLimitReached: ({ context }) => handoffLimitReached(context),
    receiverFiltered: ({ context }) => context.transfer !== undefined && agentInfo(context, context.transfer.to).filtered,
    filterFailed: ({ event }) => event.type === "FILTER.ANSWER" && (event.error !== undefined || !event.transcript?.length),
    outputChecked: ({ context }) => agentInfo(context, context.active).output !== undefined,
    outputOk: ({ event }) => event.type === "OUTPUT.ANSWER" && event.ok,
    repairsLeft: ({ context }) => repairsLeft(context),
  },
});

/** The error of a fallback that moves the task along no edge of the handoff graph. */
function fallbackOffGraph(context: SupervisorContext, event: SupervisorEvent): ErrorData | undefined {
  if (event.type !== "POLICY.ANSWER" || !event.decision) return undefined;
  const move = moveTarget(event.decision, context.config.agents);
  if (!move || !("to" in move) || move.to === context.active) return undefined;
  return offGraphError(context.config.agents, context.active, move.to);
}

/** The error a failing event stands for. */
function errorOf(context: SupervisorContext, event: SupervisorEvent): ErrorData {
  switch (event.type) {
    case "CANCEL":
      return { code: "CANCELLED", message: "The run was cancelled." };
    case "RUN.ABORT":
      return event.error;
    case "FAILED":
      return event.error;
    case "POLICY.ANSWER":
      return event.error ?? { code: "POLICY_ERROR", message: "The policy failed." };
    case "FILTER.ANSWER": {
      if (event.error) return event.error;
      const to = context.active;
      return {
        code: "POLICY_ERROR",
        message: `The handoffFilter for ${to} left nothing to send: it returned an empty transcript. Return at least the user's message.`,
      };
    }
    default:
      return { code: "INTERNAL", message: `The run failed on ${event.type}.` };
  }
}
